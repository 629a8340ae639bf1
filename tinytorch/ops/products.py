"""The matrix product, numpy's rules: vectors, matrices and batches of matrices.

Book: book/modules/05_autograd.md
"""

from __future__ import annotations

import numpy as np

from ..autograd import Function
from ..checks import ShapeError
from .elementwise import unbroadcast


class MatMul(Function):
    """a @ b, numpy's rules: vectors, matrices and batches of matrices."""

    def forward(ctx, a, b):
        _check_matmul(a, b)
        ctx.save_for_backward(a, b)
        return a @ b

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        a2 = a.reshape(1, -1) if a.ndim == 1 else a  # a vector: a one-row matrix...
        b2 = b.reshape(-1, 1) if b.ndim == 1 else b  # ...or a one-column one
        batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
        grad = grad.reshape(batch + (a2.shape[-2], b2.shape[-1]))
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = unbroadcast(grad @ np.swapaxes(b2, -1, -2), a2.shape).reshape(
                a.shape
            )
        if ctx.needs_input_grad[1]:
            grad_b = unbroadcast(np.swapaxes(a2, -1, -2) @ grad, b2.shape).reshape(
                b.shape
            )
        return grad_a, grad_b


def _check_matmul(a: np.ndarray, b: np.ndarray) -> None:
    problem = None
    if a.ndim == 0 or b.ndim == 0:
        problem = "both operands need at least one dimension"
    elif a.shape[-1] != b.shape[0 if b.ndim == 1 else -2]:
        problem = "inner dimensions differ"
    else:
        try:
            np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        except ValueError:
            problem = "batch dimensions cannot be broadcast"
    if problem:
        raise ShapeError(
            f"matmul: shapes {a.shape} and {b.shape} do not match ({problem})"
        )


class Einsum(Function):
    """numpy's einsum of the inputs (`equation` with explicit output letters); each
    input's gradient is the einsum of the output's gradient with the other inputs,
    back to that input's letters (summed over its broadcast axes, spread over any it
    alone sums, placed on the diagonal of a repeated letter)."""

    def forward(ctx, *arrays, equation: str):
        ctx.equation = equation
        ctx.save_for_backward(*arrays)
        try:
            out = np.asarray(np.einsum(equation, *arrays, optimize=len(arrays) > 1))
        except ValueError as err:
            shapes = ", ".join(str(a.shape) for a in arrays)
            raise ShapeError(f"einsum {equation!r} of {shapes}: {err}") from None
        if any(np.may_share_memory(out, a) for a in arrays):  # 'ij->ji' is a view
            out = out.copy()
        return out

    def backward(ctx, grad):
        arrays = ctx.saved_tensors
        inputs, output = ctx.equation.split("->")
        letters = inputs.split(",")
        sizes = dict(zip(output, grad.shape, strict=True))
        for s, a in zip(letters, arrays, strict=True):  # the broadcast size, not a 1
            sizes |= {c: n for c, n in zip(s, a.shape, strict=True)
                      if n > 1 or c not in sizes}  # fmt: skip
        grads = []
        for k, need in enumerate(ctx.needs_input_grad):
            grads.append(_einsum_grad(k, grad, arrays, letters, output, sizes)
                         if need else None)  # fmt: skip
        return grads


def _einsum_grad(k, grad, arrays, letters, output, sizes) -> np.ndarray:
    own, shape = letters[k], arrays[k].shape
    unique = list(dict.fromkeys(own))
    others = [s for j, s in enumerate(letters) if j != k]
    reachable = set(output).union(*others)
    own_size = dict(zip(own, shape, strict=True))
    kept = [c for c in unique if c in reachable and own_size[c] == sizes[c]]
    spec = ",".join([output, *others]) + "->" + "".join(kept)
    operands = [grad, *(a for j, a in enumerate(arrays) if j != k)]
    found = np.einsum(spec, *operands, optimize=len(operands) > 1)
    # the letters the others did not give back: sized 1, then broadcast
    found = found.reshape([own_size[c] if c in kept else 1 for c in unique])
    found = np.broadcast_to(found, [own_size[c] for c in unique])
    if len(unique) == len(own):
        return np.array(found, dtype=grad.dtype)
    full = np.zeros(shape, grad.dtype)  # 'ii': the gradient lies on the diagonal
    axes = np.indices(found.shape, sparse=True)
    full[tuple(axes[unique.index(c)] for c in own)] = found
    return full
