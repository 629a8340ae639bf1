// The feed-forward network of a block (tinytorch/nn/transformer.py's `mlp`): a Linear
// layer to four times the width, GELU on every feature, a Linear layer back.

import { linear } from "./matrix.mjs";

// `layer`: {up: {weight, bias}, down: {weight, bias}}; `gelu`: one of gelu.mjs's.
export function mlp(x, layer, gelu) {
  const hidden = linear(x, layer.up.weight, layer.up.bias);
  for (let i = 0; i < hidden.length; i++) hidden[i] = gelu(hidden[i]);
  return linear(hidden, layer.down.weight, layer.down.bias);
}
