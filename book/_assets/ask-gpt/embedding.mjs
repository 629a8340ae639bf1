// The input of the first block: the token's embedding plus its position's, two rows
// looked up in two learned tables (GPT's wte and wpe; tinytorch/nn/sparse.py).

import { add, row } from "./matrix.mjs";

// The vector of token `id` at `position` (both from 0).
export function embed(tensors, id, position) {
  return add(row(tensors["wte.weight"], id), row(tensors["wpe.weight"], position));
}
