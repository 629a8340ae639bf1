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
