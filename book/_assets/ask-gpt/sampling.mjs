// Choosing the next character from the scores (tinytorch/models/gpt.py's _sample):
// greedy (always the most likely), or drawn from softmax(scores / temperature) among
// the `topK` most likely, by a seeded generator, so that a shown sample can be drawn
// again with the same seed.

import { softmax } from "./matrix.mjs";

// Numbers in [0, 1) from a 32-bit `seed` (mulberry32): the same sequence for the
// same seed in every browser.
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The index of the largest score (the first, if several are equal).
export function greedy(scores) {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
  return best;
}

// A chooser of the next id: greedy for temperature 0, else sampled with `random`.
export function chooser({ temperature = 0, topK = null, random = null }) {
  if (temperature === 0) return greedy;
  return (scores) => {
    const scaled = Array.from(scores, (s) => s / temperature);
    if (topK !== null && topK < scaled.length) {
      const kth = [...scaled].sort((a, b) => b - a)[topK - 1];
      scaled.forEach((s, i) => { if (s < kth) scaled[i] = -Infinity; });
    }
    const p = softmax(scaled);
    const u = random();
    let cumulative = 0;
    for (let i = 0; i < p.length; i++) {
      cumulative += p[i];
      if (cumulative >= u) return i;
    }
    return p.length - 1;
  };
}

// The `k` most likely ids and their probabilities (softmax of the scores as they
// are), most likely first.
export function topChoices(scores, k = 5) {
  const p = softmax(scores);
  return Array.from(p.keys()).sort((a, b) => p[b] - p[a]).slice(0, k)
    .map((id) => ({ id, p: p[id] }));
}
