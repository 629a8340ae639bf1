// The GPT (tinytorch/models/gpt.py): token and position embeddings, `n_layer`
// pre-norm transformer blocks, and the head. It reads one position at a time through
// the KV caches, as GPT.generate does once the prompt is in them.

import { attend, KVCache } from "./attention.mjs";
import { embed } from "./embedding.mjs";
import { GELU } from "./gelu.mjs";
import { head } from "./head.mjs";
import { layerNorm } from "./layer-norm.mjs";
import { add } from "./matrix.mjs";
import { mlp } from "./mlp.mjs";

const linearOf = (tensors, name) =>
  ({ weight: tensors[`${name}.weight`], bias: tensors[`${name}.bias`] ?? null });

export class GPT {
  // `config`: the file's (block_size, vocab_size, n_layer, n_head, n_embd, eps,
  // gelu); `tensors`: by the names of GPT's state_dict().
  constructor(config, tensors) {
    this.config = config;
    this.tensors = tensors;
    this.gelu = GELU[config.gelu];
    this.blocks = Array.from({ length: config.n_layer }, (_, i) => {
      const name = (part) => `blocks.${i}.${part}`;
      return {
        ln1: linearOf(tensors, name("ln_1")),
        attn: Object.fromEntries(["q", "k", "v", "out"].map(
          (p) => [p, linearOf(tensors, name(`attn.${p}_proj`))])),
        ln2: linearOf(tensors, name("ln_2")),
        mlp: { up: linearOf(tensors, name("mlp.0")), down: linearOf(tensors, name("mlp.2")) },
      };
    });
  }

  // One empty KV cache per block, each as long as the context window.
  caches() {
    const { n_layer, block_size, n_embd } = this.config;
    return Array.from({ length: n_layer }, () => new KVCache(block_size, n_embd));
  }

  // Token `id` at the next position of `caches`: the scores (logits) of the token
  // after it, and where each head of each layer looked from it
  // (attention[layer][head][position]).
  step(id, caches) {
    const { eps, n_head } = this.config;
    let x = embed(this.tensors, id, caches[0].length);
    const attention = this.blocks.map((block, i) => {
      const a = attend(layerNorm(x, block.ln1.weight, block.ln1.bias, eps), block.attn,
                       caches[i], n_head);
      x = add(x, a.output);
      x = add(x, mlp(layerNorm(x, block.ln2.weight, block.ln2.bias, eps), block.mlp,
                     this.gelu));
      return a.weights;
    });
    return { logits: head(x, this.tensors, eps), attention };
  }
}
