// The head (GPT's ln_f and lm_head): the last layer norm, then a Linear layer without
// bias that gives a score (a logit) to every character of the vocabulary.

import { layerNorm } from "./layer-norm.mjs";
import { linear } from "./matrix.mjs";

export function head(x, tensors, eps) {
  const normed = layerNorm(x, tensors["ln_f.weight"], tensors["ln_f.bias"], eps);
  return linear(normed, tensors["lm_head.weight"]);
}
