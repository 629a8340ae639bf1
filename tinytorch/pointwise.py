"""Pointwise functions: each output number from the input numbers at its place
(``tinytorch.exp(x)``, also ``x.exp()``, and in place ``x.exp_()``). Integer
tensors are computed in the default float dtype, as PyTorch does.

Book: book/modules/02_activations.md
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes, ops
from ._tensor import Tensor, inplace, method


def operands(input: Any, other: Any) -> tuple[Tensor, Tensor]:
    """Both operands as tensors of the dtype PyTorch's promotion gives them."""
    if isinstance(other, Tensor) and other._data.dtype == input._data.dtype:
        return input, other  # the common case, kept fast
    if not isinstance(other, OPERANDS):
        raise TypeError(f"unsupported operand type {type(other).__name__} for a "
                        f"tensor operation")  # fmt: skip
    dt = dtypes.common(input, other)
    if not isinstance(other, Tensor):
        other = Tensor._wrap(np.asarray(other, dt), None)
    return input._as(dt), other._as(dt)


def _floats(input: Tensor, other: Any) -> tuple[Tensor, Tensor]:
    """Both operands in floating point: true division of integers gives floats."""
    a, b = operands(input, other)
    if a._data.dtype.kind != "f":
        a, b = a._as(dtypes.default_float()), b._as(dtypes.default_float())
    return a, b


def operator(fn: Any, reflected: bool = False) -> Any:
    """`fn` as a Python operator: with its operands swapped if `reflected` (`2 - x`
    calls x.__rsub__(2)), and NotImplemented for an operand it cannot take, so that
    Python asks the other operand."""

    def binary(self: Tensor, other: Any) -> Any:
        if not isinstance(other, OPERANDS):
            return NotImplemented
        if not reflected:
            return fn(self, other)
        b, a = operands(self, other)
        return fn(a, b)

    binary.__name__ = binary.__qualname__ = (
        f"__{'r' if reflected else ''}{fn.__name__}__"
    )
    return binary


@method
@inplace
def add(input: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    """input + alpha * other, with broadcasting and PyTorch's dtype promotion."""
    a, b = operands(input, other if alpha == 1 else other * alpha)
    return ops.Add.apply(a, b)


@method
@inplace
def sub(input: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    """input - alpha * other."""
    a, b = operands(input, other if alpha == 1 else other * alpha)
    return ops.Add.apply(a, neg(b))


@method
@inplace
def mul(input: Tensor, other: Any) -> Tensor:
    """input * other, with broadcasting."""
    return ops.Mul.apply(*operands(input, other))


@method
@inplace
def div(input: Tensor, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """input / other: true division (integers give floats), or rounded with
    rounding_mode "trunc" or "floor" (no gradient then)."""
    if rounding_mode is None:
        return ops.Div.apply(*_floats(input, other))
    a, b = operands(input, other)
    rounding = {"trunc": np.trunc, "floor": np.floor}[rounding_mode]
    with np.errstate(divide="ignore", invalid="ignore"):
        exact = a._data / b._data if a._data.dtype.kind == "f" else None
        values = rounding(exact) if exact is not None else _int_div(a, b, rounding_mode)
    return Tensor._wrap(np.asarray(values, a._data.dtype), None)


def _int_div(a: Tensor, b: Tensor, mode: str) -> np.ndarray:
    if (b._data == 0).any():
        raise RuntimeError("ZeroDivisionError")
    floor = np.floor_divide(a._data, b._data)
    if mode == "floor":
        return floor
    inexact = (floor * b._data != a._data) & ((a._data < 0) != (b._data < 0))
    return floor + inexact  # toward zero: one up where floor went below


@method
@inplace
def floor_divide(input: Tensor, other: Any) -> Tensor:
    """input // other, rounded down (no gradient)."""
    return div(input, other, rounding_mode="floor")


@method
@inplace
def remainder(input: Tensor, other: Any) -> Tensor:
    """input - floor(input / other) * other: the sign of `other`, as Python's %."""
    a, b = operands(input, other)
    with np.errstate(divide="ignore", invalid="ignore"):
        rest = np.remainder(a._data, b._data)
    if not a.requires_grad:
        return Tensor._wrap(rest, None)
    return a - (a - Tensor._wrap(rest, None)).detach()  # d/d(input) is 1


@method
@inplace
def pow(input: Tensor, exponent: Any) -> Tensor:  # noqa: A001
    """input ** exponent, elementwise; int ** int stays an integer."""
    if isinstance(exponent, Tensor):
        return ops.PowTensor.apply(*operands(input, exponent))
    a, _ = operands(input, exponent)
    if a._data.dtype.kind in "iub" and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return ops.Pow.apply(a, exponent=exponent)


@method
@inplace
def neg(input: Tensor) -> Tensor:
    """-x."""
    if input._data.dtype == np.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not "
                           "supported. If you are trying to invert a mask, use the "
                           "`~` or `logical_not()` operator instead.")  # fmt: skip
    return ops.Mul.apply(input, Tensor._wrap(np.asarray(-1, input._data.dtype), None))


def _true_divide(input: Tensor, other: Any) -> Tensor:
    return div(input, other)


for _name, _fn in (
    ("add", add),
    ("sub", sub),
    ("mul", mul),
    ("truediv", _true_divide),
    ("floordiv", floor_divide),
    ("mod", remainder),
    ("pow", pow),
):
    setattr(Tensor, f"__{_name}__", operator(_fn))
    setattr(Tensor, f"__r{_name}__", operator(_fn, reflected=True))
Tensor.__neg__ = neg  # type: ignore[assignment]
Tensor.__pos__ = lambda self: self  # type: ignore[assignment]
Tensor.__iadd__ = lambda self, other: self._inplace(add, other)  # type: ignore
Tensor.__isub__ = lambda self, other: self._inplace(sub, other)  # type: ignore
Tensor.__imul__ = lambda self, other: self._inplace(mul, other)  # type: ignore
Tensor.__itruediv__ = lambda self, other: self._inplace(div, other)  # type: ignore


OPERANDS = (Tensor, np.ndarray, int, float, np.generic)  # what operators take


def floating(input: Tensor) -> Tensor:
    """The tensor itself if floating-point, else converted to the default float."""
    return input if input._data.dtype.kind == "f" else input.to(dtypes.default_float())


@method
@inplace
def exp(input: Tensor) -> Tensor:
    """e ** x."""
    return ops.Exp.apply(floating(input))


@method
@inplace
def log(input: Tensor) -> Tensor:
    """Natural logarithm (-inf at 0, nan below)."""
    return ops.Log.apply(floating(input))


@method
@inplace
def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + e ** -x)."""
    return ops.Sigmoid.apply(floating(input))


@method
@inplace
def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent."""
    return ops.Tanh.apply(floating(input))


@method
@inplace
def relu(input: Tensor) -> Tensor:
    """max(x, 0)."""
    return ops.ReLU.apply(input)


@method
@inplace
def sqrt(input: Tensor) -> Tensor:
    """Square root."""
    return ops.Pow.apply(floating(input), exponent=0.5)


@method
@inplace
def rsqrt(input: Tensor) -> Tensor:
    """1 / sqrt(x)."""
    return ops.Pow.apply(floating(input), exponent=-0.5)


@method
@inplace
def abs(input: Tensor) -> Tensor:  # noqa: A001 (PyTorch's name)
    """|x|; its gradient is sign(x), 0 at 0."""
    sign = Tensor._wrap(np.sign(input._data), None)
    return ops.Mul.apply(input, sign)


@method
@inplace
def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """Each value held in [min, max]; the gradient flows where nothing was held."""
    if min is None and max is None:
        raise RuntimeError(
            "torch.clamp: At least one of 'min' or 'max' must not be None"
        )
    return ops.Clip.apply(input, low=min, high=max)


@method
@inplace
def clip(input: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """Another name for `clamp`."""
    return clamp(input, min, max)


Tensor.__abs__ = abs  # type: ignore[assignment]
