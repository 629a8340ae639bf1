// Layer normalization (tinytorch/ops/transformer.py): a position's vector minus its
// mean, divided by its standard deviation (the biased one, with `eps` added to the
// variance), then scaled by `weight` and shifted by `bias`, feature by feature.

export function layerNorm(x, weight, bias, eps) {
  const n = x.length;
  let mean = 0;
  for (const v of x) mean += v;
  mean /= n;
  let variance = 0;
  for (const v of x) variance += (v - mean) * (v - mean);
  variance /= n;
  const scale = 1 / Math.sqrt(variance + eps);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = (x[i] - mean) * scale * weight.values[i] + bias.values[i];
  }
  return y;
}
