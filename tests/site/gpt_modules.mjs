// Runs the ask-gpt box's model modules (book/_assets/ask-gpt/) in Node.js, for
// tests/site/test_ask_gpt_modules.py: `node gpt_modules.mjs job.json` prints JSON.
//
// The job: {file (a GPT file's path), prompts, sample: {temperature, topK, seed}}. For
// each prompt: the logits at each of its positions, fed one at a time through the KV
// caches; the greedy answer; the sampled answer, drawn twice with the same seed. A
// file the modules refuse gives {error: its message}.

import { readFileSync } from "node:fs";

import { generate } from "../../book/_assets/ask-gpt/generate.mjs";
import { readModelFile } from "../../book/_assets/ask-gpt/model-file.mjs";
import { chooser, greedy, seededRandom } from "../../book/_assets/ask-gpt/sampling.mjs";

const job = JSON.parse(readFileSync(process.argv[2], "utf-8"));
const bytes = readFileSync(job.file);
let file;
try {
  file = readModelFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
} catch (error) {
  console.log(JSON.stringify({ error: error.message }));
  process.exit(0);
}
const { model, tokenizer, stopId, meta } = file;

function answer(ids, choose) {
  const written = [];
  const steps = generate(model, ids, { maxNewTokens: meta.generation.max_new_tokens, stopId,
                                       choose });
  for (const step of steps) if (step.id !== stopId) written.push(step.id);
  return tokenizer.decode(written);
}

const { temperature, topK, seed } = job.sample;
const results = job.prompts.map((prompt) => {
  const ids = tokenizer.encode(prompt);
  const caches = model.caches();
  const draw = () => answer(ids, chooser({ temperature, topK, random: seededRandom(seed) }));
  return {
    logits: ids.map((id) => Array.from(model.step(id, caches).logits)),
    greedy: answer(ids, greedy),
    sampled: [draw(), draw()],
  };
});
console.log(JSON.stringify({ gelu: meta.config.gelu, results }));
