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
        spread = np.empty(ctx.shape, grad.dtype)
        spread[...] = grad  # numpy broadcasts in C; np.broadcast_to is Python
        return (spread,)


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


def _later_sums(x: np.ndarray, axis: int) -> np.ndarray:
    """At each place, the sum of x there and after it along `axis`."""
    return np.flip(np.cumsum(np.flip(x, axis), axis=axis), axis)


class Cumsum(Function):
    """Running sums along `axis`: each input is in every later sum, so its gradient
    is the sum of the gradient from its place on."""

    def forward(ctx, a, axis: int):
        ctx.axis = axis
        return np.cumsum(a, axis=axis)

    def backward(ctx, grad):
        return (_later_sums(grad, ctx.axis),)


class Cumprod(Function):
    """Running products along `axis`. An input's gradient is the sum over later
    outputs of grad * out / a; at the first zero of a line, where out / a means
    nothing, the products are taken again with that zero as a one."""

    def forward(ctx, a, axis: int):
        out = np.cumprod(a, axis=axis)
        ctx.axis = axis
        ctx.save_for_backward(a, out)
        return out

    def backward(ctx, grad):
        (a, out), axis = ctx.saved_tensors, ctx.axis
        zero = a == 0
        with np.errstate(divide="ignore", invalid="ignore"):
            result = _later_sums(grad * out, axis) / a
        if zero.any():  # past a line's first zero every product (and gradient) is 0
            first = zero & (np.cumsum(zero, axis=axis) == 1)
            again = _later_sums(grad * np.cumprod(np.where(first, 1, a), axis), axis)
            result[zero] = 0
            result[first] = again[first]
        return (result,)


class Norm(Function):
    """The p-norm (sum |a|^p)^(1/p) over axes. Its own op for PyTorch's gradient at a
    zero vector, 0 (composed, the root's derivative is infinite there: nan)."""

    def forward(ctx, a, p: float, axis: int | tuple[int, ...] | None, keepdims: bool):
        ctx.p, ctx.axis, ctx.keepdims = p, axis, keepdims
        if p == 2:
            out = np.sqrt(np.sum(a * a, axis=axis, keepdims=True))
        else:
            out = np.sum(np.abs(a) ** p, axis=axis, keepdims=True) ** (1 / p)
        ctx.save_for_backward(a, out)
        return out if keepdims else out.reshape(_reduced(a.shape, axis))

    def backward(ctx, grad):
        (a, out), p = ctx.saved_tensors, ctx.p
        grad = grad.reshape(out.shape)  # the reduced axes back, as size 1
        with np.errstate(divide="ignore", invalid="ignore"):
            if p == 2:
                slope = a * (grad / out)
            else:
                slope = np.sign(a) * np.abs(a) ** (p - 1) * (grad / out ** (p - 1))
        return (np.where(out == 0, np.zeros((), a.dtype), slope),)


def _reduced(shape: tuple[int, ...], axis: int | tuple[int, ...] | None) -> tuple:
    axes = range(len(shape)) if axis is None else np.atleast_1d(axis) % len(shape)
    return tuple(n for i, n in enumerate(shape) if i not in set(axes))
