// A GPT file (book/_ext/tinytorch_book/gpt_file.py writes it): safetensors, float32
// weights named as GPT's state_dict(), and metadata giving the model's sizes, its
// GELU, its alphabet, how answers are generated, the held-out questions with the
// answers the chapter's Python model gave, and the head the chapter draws.
//
// readModelFile checks everything before the model answers anything: a file that is
// not whole throws an Error that says what is wrong with it.

import { parsedJson, readSafetensors } from "../common/safetensors.mjs";
import { GELU } from "./gelu.mjs";
import { GPT } from "./gpt.mjs";
import { CharTokenizer } from "./tokenizer.mjs";

const FORMAT = "tinytorch-gpt";
const VERSION = "1";
const JSON_FIELDS = ["config", "tokenizer", "generation", "held_out", "attention", "about"];
const SIZES = ["block_size", "vocab_size", "n_layer", "n_head", "n_embd"];

// Every tensor the model reads, with the shape the config gives it.
function expectedShapes({ block_size: block, vocab_size: vocab, n_layer: layers,
                          n_embd: d }) {
  const shapes = { "wte.weight": [vocab, d], "wpe.weight": [block, d] };
  for (let i = 0; i < layers; i++) {
    const b = `blocks.${i}.`;
    for (const norm of ["ln_1", "ln_2"]) {
      shapes[`${b}${norm}.weight`] = [d];
      shapes[`${b}${norm}.bias`] = [d];
    }
    for (const p of ["q", "k", "v", "out"]) {
      shapes[`${b}attn.${p}_proj.weight`] = [d, d];
      shapes[`${b}attn.${p}_proj.bias`] = [d];
    }
    Object.assign(shapes, { [`${b}mlp.0.weight`]: [4 * d, d], [`${b}mlp.0.bias`]: [4 * d],
                            [`${b}mlp.2.weight`]: [d, 4 * d], [`${b}mlp.2.bias`]: [d] });
  }
  return Object.assign(shapes, { "ln_f.weight": [d], "ln_f.bias": [d],
                                 "lm_head.weight": [vocab, d] });
}

function checkConfig(config, alphabet) {
  for (const size of SIZES) {
    if (!Number.isInteger(config?.[size]) || config[size] < 1) {
      throw new Error(`its config has no valid ${size}`);
    }
  }
  if (config.n_embd % config.n_head !== 0) {
    throw new Error(`its width ${config.n_embd} does not split into ${config.n_head} heads`);
  }
  if (!(config.gelu in GELU)) {
    throw new Error(`its GELU is "${config.gelu}", which this page does not compute ` +
                    `(it computes ${Object.keys(GELU).join(" and ")})`);
  }
  if (!(config.eps > 0)) throw new Error("its layer norms' eps is not positive");
  if (typeof alphabet !== "string" || [...alphabet].length !== config.vocab_size) {
    throw new Error(`its alphabet does not give each of its ${config.vocab_size} ids ` +
                    `a character`);
  }
}

// {meta, model (a GPT), tokenizer} of the file in `buffer` (an ArrayBuffer).
export function readModelFile(buffer) {
  const { metadata: meta, tensors } = readSafetensors(buffer);
  if (meta.format !== FORMAT || meta.format_version !== VERSION) {
    throw new Error(`not a ${FORMAT} file of version ${VERSION} (format ` +
                    `${meta.format}, version ${meta.format_version})`);
  }
  for (const field of JSON_FIELDS) meta[field] = parsedJson(meta[field], `its ${field}`);
  checkConfig(meta.config, meta.tokenizer?.alphabet);
  for (const [name, shape] of Object.entries(expectedShapes(meta.config))) {
    const tensor = tensors[name];
    if (!tensor) throw new Error(`it does not hold the tensor ${name}`);
    if (String(tensor.shape) !== String(shape)) {
      throw new Error(`its tensor ${name} is [${tensor.shape}], not [${shape}]`);
    }
    if (!tensor.values.every(Number.isFinite)) {
      throw new Error(`its tensor ${name} holds NaN or infinite values`);
    }
  }
  for (const tensor of Object.values(tensors)) tensor.values = Float64Array.from(tensor.values);
  const tokenizer = new CharTokenizer(meta.tokenizer.alphabet);
  const stop = tokenizer.encode(meta.generation?.stop ?? "");
  if (stop.length !== 1 || !(meta.generation.max_new_tokens >= 1)) {
    throw new Error("its generation settings are damaged");
  }
  return { meta, model: new GPT(meta.config, tensors), tokenizer, stopId: stop[0] };
}
