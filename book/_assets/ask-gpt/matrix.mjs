// Vectors and matrices for the GPT's forward pass.
//
// A vector is a Float64Array: the pass computes in double precision. A weight is
// {shape, values}: values row-major (the file's float32 numbers, held as doubles,
// which is exact and quicker to multiply), a Linear layer's weight shaped [outputs,
// inputs] as PyTorch (and tinytorch) store it.

// x W^T + b: the Linear layer (`bias` may be null). Each row's dot product keeps four
// partial sums, which the CPU adds side by side rather than one after the other.
export function linear(x, weight, bias = null) {
  const [outputs, inputs] = weight.shape;
  const w = weight.values;
  const y = new Float64Array(outputs);
  const whole = inputs - (inputs % 4);
  for (let o = 0; o < outputs; o++) {
    const row = o * inputs;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let i = 0; i < whole; i += 4) {
      s0 += w[row + i] * x[i];
      s1 += w[row + i + 1] * x[i + 1];
      s2 += w[row + i + 2] * x[i + 2];
      s3 += w[row + i + 3] * x[i + 3];
    }
    for (let i = whole; i < inputs; i++) s0 += w[row + i] * x[i];
    y[o] = (bias === null ? 0 : bias.values[o]) + (s0 + s1) + (s2 + s3);
  }
  return y;
}

// a + b, element by element: the residual stream's additions.
export function add(a, b) {
  const y = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) y[i] = a[i] + b[i];
  return y;
}

// Row `index` of a matrix {shape: [rows, columns], values}, as a vector.
export function row(matrix, index) {
  const columns = matrix.shape[1];
  return Float64Array.from(matrix.values.subarray(index * columns, (index + 1) * columns));
}

// Softmax, shifted by the largest score so that no exponential overflows; -Infinity
// scores get probability 0.
export function softmax(scores) {
  let top = -Infinity;
  for (const s of scores) top = Math.max(top, s);
  const p = new Float64Array(scores.length);
  let total = 0;
  for (let i = 0; i < scores.length; i++) {
    p[i] = Math.exp(scores[i] - top);
    total += p[i];
  }
  for (let i = 0; i < p.length; i++) p[i] /= total;
  return p;
}
