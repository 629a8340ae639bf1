// GELU, x Φ(x), in the two forms a model may use; the model file names its own
// (`config.gelu`, measured on the Python model when the file was written).
//
// - "tanh": the tanh approximation, 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))), which
//   tinytorch's GELU computes (tinytorch/ops/transformer.py) and GPT-2 used;
// - "erf": the exact form, 0.5 x (1 + erf(x / √2)), PyTorch's default.

const C = Math.sqrt(2 / Math.PI);

// erf to about 1e-14: its Taylor series near 0, where the terms shrink fast enough;
// beyond, 1 - erfc(x), erfc from its continued fraction (evaluated bottom up).
export function erf(x) {
  const a = Math.abs(x);
  if (a < 2.5) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 60; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  let fraction = a;
  for (let k = 80; k >= 1; k--) fraction = a + k / 2 / fraction;
  const erfc = Math.exp(-a * a) / (Math.sqrt(Math.PI) * fraction);
  return Math.sign(x) * (1 - erfc);
}

export const GELU = {
  tanh: (x) => 0.5 * x * (1 + Math.tanh(C * (x + 0.044715 * x * x * x))),
  erf: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
};
