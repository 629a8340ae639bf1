"""The elementwise ops: arithmetic with broadcasting, and the functions applied to
every number on its own (exp, log, the activations with gradients of their own).
`unbroadcast` is the one rule every binary op's backward needs.

Book: book/modules/05_autograd.md
"""

from __future__ import annotations

import numpy as np

from ..autograd import Function
from ..checks import ShapeError


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum `grad` back down to `shape`, undoing numpy broadcasting: the rule every
    binary op's backward needs (a bias (10,) added to a batch (64, 10) gets (10,))."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    stretched = [
        i + extra for i, n in enumerate(shape) if n == 1 and grad.shape[i + extra] != 1
    ]
    return grad.sum(axis=tuple(range(extra)) + tuple(stretched)).reshape(shape)


def _check_broadcast(op: str, a: np.ndarray, b: np.ndarray) -> None:
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ShapeError(
            f"{op}: shapes {a.shape} and {b.shape} cannot be broadcast together"
        ) from None


# ---------------------------------------------------------------------- elementwise


class Add(Function):
    """a + b, with broadcasting."""

    def forward(ctx, a, b):
        if a.shape != b.shape:
            _check_broadcast("add", a, b)
        ctx.shapes = a.shape, b.shape
        return a + b

    def backward(ctx, grad):
        return unbroadcast(grad, ctx.shapes[0]), unbroadcast(grad, ctx.shapes[1])


class Mul(Function):
    """a * b, with broadcasting."""

    def forward(ctx, a, b):
        if a.shape != b.shape:
            _check_broadcast("mul", a, b)
        ctx.a, ctx.b = a, b
        return a * b

    def backward(ctx, grad):
        a, b = ctx.a, ctx.b
        return (
            unbroadcast(grad * b, a.shape) if ctx.needs_input_grad[0] else None,
            unbroadcast(grad * a, b.shape) if ctx.needs_input_grad[1] else None,
        )


class Pow(Function):
    """a ** exponent, for a constant exponent."""

    def forward(ctx, a, exponent: float):
        ctx.a, ctx.exponent = a, exponent
        return _power(a, exponent)

    def backward(ctx, grad):
        return (grad * ctx.exponent * _power(ctx.a, ctx.exponent - 1),)


def _power(a: np.ndarray, exponent: float) -> np.ndarray:
    """a ** exponent, by multiplication for the exponents PyTorch special-cases too:
    the C library's pow is many times slower, worst for negative bases."""
    if exponent in (0, 1):
        return np.ones_like(a) if exponent == 0 else a.copy()
    if exponent in (2, 3):
        return a * a if exponent == 2 else a * a * a
    if exponent in (-1, -2):
        return np.reciprocal(a if exponent == -1 else a * a)
    if exponent in (0.5, -0.5):
        root = np.sqrt(a)
        return root if exponent == 0.5 else np.reciprocal(root)
    return a**exponent


class Exp(Function):
    """e ** a."""

    def forward(ctx, a):
        ctx.out = np.exp(a)
        return ctx.out

    def backward(ctx, grad):
        return (grad * ctx.out,)


class Log(Function):
    """Natural logarithm."""

    def forward(ctx, a):
        ctx.a = a
        return np.log(a)

    def backward(ctx, grad):
        return (grad / ctx.a,)


class ReLU(Function):
    """max(a, 0)."""

    def forward(ctx, a):
        ctx.mask = a > 0
        return a * ctx.mask  # not np.maximum: keeps the dtype, reuses the mask

    def backward(ctx, grad):
        return (grad * ctx.mask,)


class Sigmoid(Function):
    """1 / (1 + e ** -a)."""

    def forward(ctx, a):
        ctx.out = 0.5 * (1 + np.tanh(0.5 * a))  # never overflows, unlike 1/(1+e^-a)
        return ctx.out

    def backward(ctx, grad):
        return (grad * ctx.out * (1 - ctx.out),)


class Tanh(Function):
    """Hyperbolic tangent."""

    def forward(ctx, a):
        ctx.out = np.tanh(a)
        return ctx.out

    def backward(ctx, grad):
        return (grad * (1 - ctx.out * ctx.out),)


class Clip(Function):
    """Clamp into [low, high]."""

    def forward(ctx, a, low: float | None, high: float | None):
        out = np.clip(a, low, high)
        ctx.inside = out == a
        return out

    def backward(ctx, grad):
        return (grad * ctx.inside,)
