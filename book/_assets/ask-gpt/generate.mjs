// Generation (tinytorch/models/gpt.py's generate, and milestones/language.py's
// answers): the prompt goes through the model one position at a time, filling the KV
// caches; then each chosen character goes in, and the model scores the next. An answer
// ends at the stop character (a newline) or after `maxNewTokens` characters, and never
// runs past the context window.

// Yields each step: {id (the character chosen), logits (the scores it was chosen
// from), attention (attention[layer][head][position], from the position that
// scored it), position}. `choose(logits)` picks the id.
export function* generate(model, ids, { maxNewTokens, stopId, choose }) {
  if (ids.length < 1 || ids.length >= model.config.block_size) {
    throw new Error(`a prompt of ${ids.length} characters: it must have from 1 to ` +
                    `${model.config.block_size - 1}, to leave room for an answer`);
  }
  const caches = model.caches();
  for (const id of ids.slice(0, -1)) model.step(id, caches);
  const room = Math.min(maxNewTokens, model.config.block_size - ids.length);
  let current = ids[ids.length - 1];
  for (let n = 0; n < room; n++) {
    const { logits, attention } = model.step(current, caches);
    current = choose(logits);
    yield { id: current, logits, attention, position: caches[0].length - 1 };
    if (current === stopId) return;
  }
}
