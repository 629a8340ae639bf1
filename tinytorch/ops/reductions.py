"""The reductions: an array summed, or its maximum taken, along some axes.

Book: book/modules/05_autograd.md
"""

from __future__ import annotations

import numpy as np

from ..autograd import Function


class Sum(Function):
    """Sum over axes."""

    def forward(ctx, a, axis: int | tuple[int, ...] | None, keepdims: bool):
        ctx.shape, ctx.axis, ctx.keepdims = a.shape, axis, keepdims
        return np.asarray(a.sum(axis=axis, keepdims=keepdims))

    def backward(ctx, grad):
        if not ctx.keepdims and ctx.axis is not None:
            grad = np.expand_dims(grad, ctx.axis)
        return (np.broadcast_to(grad, ctx.shape).copy(),)


class Max(Function):
    """Maximum over axes; tied maxima share the gradient equally."""

    def forward(ctx, a, axis: int | tuple[int, ...] | None, keepdims: bool):
        ctx.axis, ctx.keepdims = axis, keepdims
        out = a.max(axis=axis, keepdims=True)
        ctx.save_for_backward(a == out)
        return out if keepdims else np.squeeze(out, axis=axis)

    def backward(ctx, grad):
        (winners,) = ctx.saved_tensors
        if not ctx.keepdims:
            everything = tuple(range(winners.ndim))
            grad = np.expand_dims(grad, everything if ctx.axis is None else ctx.axis)
        shares = grad / winners.sum(axis=ctx.axis, keepdims=True, dtype=grad.dtype)
        return (shares * winners,)
