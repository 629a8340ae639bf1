"""The elementwise ops: arithmetic with broadcasting, and the functions applied to
every number on its own (exp, log, the activations with gradients of their own).
`unbroadcast` is the one rule every binary op's backward needs.

As in PyTorch, log(0) is -inf and x / 0 is inf, without numpy's warnings.

Book: book/modules/05_autograd.md
"""

from __future__ import annotations

import numpy as np

from ..autograd import Function
from ..checks import ShapeError


def _quiet() -> np.errstate:
    """inf and nan without numpy's warnings, as PyTorch gives them."""
    return np.errstate(divide="ignore", invalid="ignore")


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
        raise _unbroadcastable(op, a, b) from None


def _unbroadcastable(op: str, a: np.ndarray, b: np.ndarray) -> ShapeError:
    return ShapeError(
        f"{op}: shapes {a.shape} and {b.shape} cannot be broadcast together"
    )


class Add(Function):
    """a + b, with broadcasting."""

    def forward(ctx, a, b):
        ctx.shapes = a.shape, b.shape
        try:  # numpy checks the shapes itself: no cost when they fit
            return a + b
        except ValueError:
            raise _unbroadcastable("add", a, b) from None

    def backward(ctx, grad):
        return unbroadcast(grad, ctx.shapes[0]), unbroadcast(grad, ctx.shapes[1])


class Mul(Function):
    """a * b, with broadcasting; each input is kept only if the other needs it."""

    def forward(ctx, a, b):
        needs = ctx.needs_input_grad
        ctx.shapes = a.shape, b.shape
        ctx.save_for_backward(a if needs[1] else None, b if needs[0] else None)
        try:
            return a * b
        except ValueError:
            raise _unbroadcastable("mul", a, b) from None

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return (
            unbroadcast(grad * b, ctx.shapes[0]) if b is not None else None,
            unbroadcast(grad * a, ctx.shapes[1]) if a is not None else None,
        )


class Div(Function):
    """a / b, with broadcasting."""

    def forward(ctx, a, b):
        if a.shape != b.shape:
            _check_broadcast("div", a, b)
        ctx.save_for_backward(a, b)
        with _quiet():
            return a / b

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        with _quiet():
            grad_a = grad / b
            grad_b = -grad_a * a / b if ctx.needs_input_grad[1] else None
        return (
            unbroadcast(grad_a, a.shape) if ctx.needs_input_grad[0] else None,
            None if grad_b is None else unbroadcast(grad_b, b.shape),
        )


class Pow(Function):
    """a ** exponent, for a constant exponent."""

    def forward(ctx, a, exponent: float):
        ctx.save_for_backward(a)
        ctx.exponent = exponent
        return _power(a, exponent)

    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return (grad * ctx.exponent * _power(a, ctx.exponent - 1),)


def _power(a: np.ndarray, exponent: float) -> np.ndarray:
    """a ** exponent, by multiplication for the exponents PyTorch special-cases too:
    the C library's pow is many times slower, worst for negative bases."""
    if exponent in (0, 1):
        return np.ones_like(a) if exponent == 0 else a.copy()
    if exponent in (2, 3):
        return a * a if exponent == 2 else a * a * a
    with _quiet():
        if exponent in (-1, -2):
            return np.reciprocal(a if exponent == -1 else a * a)
        if exponent in (0.5, -0.5):
            root = np.sqrt(a)
            return root if exponent == 0.5 else np.reciprocal(root)
        return np.power(a, np.asarray(exponent, a.dtype))


class PowTensor(Function):
    """a ** b for a tensor exponent; d/db is a ** b * log(a) (0 where a = 0, b >= 0,
    as PyTorch)."""

    def forward(ctx, a, b):
        if a.shape != b.shape:
            _check_broadcast("pow", a, b)
        with _quiet():
            out = np.power(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        grad_a = grad_b = None
        with _quiet():
            if ctx.needs_input_grad[0]:
                grad_a = unbroadcast(grad * b * np.power(a, b - 1), a.shape)
            if ctx.needs_input_grad[1]:
                log_a = np.where((a == 0) & (b >= 0), 0, np.log(a))
                grad_b = unbroadcast(grad * out * log_a, b.shape)
        return grad_a, grad_b


class Exp(Function):
    """e ** a."""

    def forward(ctx, a):
        out = np.exp(a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return (grad * out,)


class Log(Function):
    """Natural logarithm."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        with _quiet():
            return np.log(a)

    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        with _quiet():
            return (grad / a,)


class ReLU(Function):
    """max(a, 0)."""

    def forward(ctx, a):
        mask = a > 0
        ctx.save_for_backward(mask)
        return a * mask  # not np.maximum: keeps the dtype, reuses the mask

    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        return (grad * mask,)


class Sigmoid(Function):
    """1 / (1 + e ** -a)."""

    def forward(ctx, a):
        out = 0.5 * (1 + np.tanh(0.5 * a))  # never overflows, unlike 1/(1+e^-a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return (grad * out * (1 - out),)


class Tanh(Function):
    """Hyperbolic tangent."""

    def forward(ctx, a):
        out = np.tanh(a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return (grad * (1 - out * out),)


class Clip(Function):
    """Clamp into [low, high]; the gradient flows where nothing was clamped."""

    def forward(ctx, a, low: float | None, high: float | None):
        out = np.clip(a, low, high)
        ctx.save_for_backward(out == a)
        return out

    def backward(ctx, grad):
        (inside,) = ctx.saved_tensors
        return (grad * inside,)


class Copy(Function):
    """The values in new memory, in `dtype` (a cast, or a clone); the gradient is
    cast back."""

    def forward(ctx, a, dtype: np.dtype, order: str = "K"):
        ctx.dtype = a.dtype
        return a.astype(dtype, order=order)

    def backward(ctx, grad):
        return (grad.astype(ctx.dtype, copy=False),)


class Where(Function):
    """a where `condition` holds, else b, all three broadcast together; each input's
    gradient flows where its value was picked."""

    def forward(ctx, a, b, condition: np.ndarray):
        try:
            out = np.where(condition, a, b)
        except ValueError:
            raise ShapeError(
                f"where: the condition {condition.shape} and the values {a.shape} "
                f"and {b.shape} cannot be broadcast together"
            ) from None
        ctx.condition, ctx.shapes = condition, (a.shape, b.shape)
        return out

    def backward(ctx, grad):
        (needs_a, needs_b), zero = ctx.needs_input_grad, np.zeros((), grad.dtype)
        picked_a = np.where(ctx.condition, grad, zero) if needs_a else None
        picked_b = np.where(ctx.condition, zero, grad) if needs_b else None
        return (
            None if picked_a is None else unbroadcast(picked_a, ctx.shapes[0]),
            None if picked_b is None else unbroadcast(picked_b, ctx.shapes[1]),
        )


class Maximum(Function):
    """The larger of a and b elementwise (the smaller with `smallest`), with
    broadcasting; at a tie each gets half of the gradient, as in PyTorch."""

    def forward(ctx, a, b, smallest: bool = False):
        if a.shape != b.shape:
            _check_broadcast("minimum" if smallest else "maximum", a, b)
        ctx.smallest = smallest
        ctx.save_for_backward(a, b)
        return np.minimum(a, b) if smallest else np.maximum(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        shared = np.where(a == b, grad * 0.5, grad)
        a_lost = a > b if ctx.smallest else a < b
        b_lost = a < b if ctx.smallest else a > b
        zero = np.zeros((), grad.dtype)
        return (
            unbroadcast(np.where(a_lost, zero, shared), a.shape),
            unbroadcast(np.where(b_lost, zero, shared), b.shape),
        )


class Remainder(Function):
    """a - q * b, with q = a / b rounded down (Python's %, PyTorch's remainder) or
    toward zero (`trunc`: C's fmod); d/da = 1 and d/db = -q."""

    def forward(ctx, a, b, trunc: bool = False):
        if a.shape != b.shape:
            _check_broadcast("fmod" if trunc else "remainder", a, b)
        ctx.trunc = trunc
        ctx.save_for_backward(a, b)
        with _quiet():
            return np.fmod(a, b) if trunc else np.remainder(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        with _quiet():
            q = np.trunc(a / b) if ctx.trunc else np.floor(a / b)
        return unbroadcast(grad, a.shape), unbroadcast(-grad * q, b.shape)
