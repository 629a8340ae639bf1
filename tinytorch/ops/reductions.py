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
        ctx.a, ctx.axis, ctx.keepdims = a, axis, keepdims
        ctx.out = a.max(axis=axis, keepdims=True)
        return ctx.out if keepdims else np.squeeze(ctx.out, axis=axis)

    def backward(ctx, grad):
        if not ctx.keepdims:
            everything = tuple(range(ctx.a.ndim))
            grad = np.expand_dims(grad, everything if ctx.axis is None else ctx.axis)
        winners = ctx.a == ctx.out
        shares = grad / winners.sum(axis=ctx.axis, keepdims=True, dtype=grad.dtype)
        return (shares * winners,)
