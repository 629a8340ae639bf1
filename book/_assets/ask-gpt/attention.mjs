// Causal multi-head self-attention, one new position at a time, with a KV cache
// (tinytorch/nn/attention.py's CausalSelfAttention and KVCache).
//
// The new position's query, key and value are Linear maps of its vector. Its key and
// value join the cache, which holds those of every position before it: they never
// change, so they are never computed again. Each head scores the query against every
// cached key (scaled by 1/√(head size)), turns the scores into weights with a softmax
// and mixes the cached values by them. Only positions up to the new one are in the
// cache, so it sees nothing later: the attention is causal without a mask.

import { linear, softmax } from "./matrix.mjs";

export class KVCache {
  constructor(capacity, width) {
    this.capacity = capacity;
    this.width = width;
    this.keys = new Float64Array(capacity * width);
    this.values = new Float64Array(capacity * width);
    this.length = 0;
  }

  append(key, value) {
    if (this.length >= this.capacity) {
      throw new Error(`the KV cache holds ${this.capacity} positions, the context ` +
                      `window; it is full`);
    }
    this.keys.set(key, this.length * this.width);
    this.values.set(value, this.length * this.width);
    this.length += 1;
  }
}

// `x`: the new position's (normed) vector; `layer`: {q, k, v, out}, each {weight,
// bias}. Returns the layer's output for the position and the weights each head gave
// to every position so far (one Float64Array per head, summing to 1).
export function attend(x, layer, cache, heads) {
  const q = linear(x, layer.q.weight, layer.q.bias);
  cache.append(linear(x, layer.k.weight, layer.k.bias),
               linear(x, layer.v.weight, layer.v.bias));
  const { width, length, keys, values } = cache;
  const size = width / heads;
  const scale = 1 / Math.sqrt(size);
  const mixed = new Float64Array(width);
  const weights = [];
  for (let h = 0; h < heads; h++) {
    const offset = h * size;
    const scores = new Float64Array(length);
    for (let t = 0; t < length; t++) {
      let dot = 0;
      const key = t * width + offset;
      for (let i = 0; i < size; i++) dot += q[offset + i] * keys[key + i];
      scores[t] = dot * scale;
    }
    const p = softmax(scores);
    for (let t = 0; t < length; t++) {
      const value = t * width + offset;
      for (let i = 0; i < size; i++) mixed[offset + i] += p[t] * values[value + i];
    }
    weights.push(p);
  }
  return { output: linear(mixed, layer.out.weight, layer.out.bias), weights };
}
