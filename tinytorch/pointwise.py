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
    rank = _NUMBER_RANK.get(type(other))
    if rank is not None and rank <= _KIND_RANK[input._data.dtype.kind]:
        # a Python number of the tensor's category or below: the tensor's dtype
        return input, Tensor._wrap(np.asarray(other, input._data.dtype), None)
    if not isinstance(other, OPERANDS):
        raise TypeError(f"unsupported operand type {type(other).__name__} for a "
                        f"tensor operation")  # fmt: skip
    dt = dtypes.common(input, other)
    if not isinstance(other, Tensor):
        other = Tensor._wrap(np.asarray(other, dt), None)
    return input._as(dt), other._as(dt)


_NUMBER_RANK = {bool: 0, int: 1, float: 2}  # bool < integer < float
_KIND_RANK = {"b": 0, "u": 1, "i": 1, "f": 2}


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
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or "
                           f"'floor' but found '{rounding_mode}'")  # fmt: skip
    a, b = operands(input, other)
    if a._data.dtype.kind != "f":
        values = _int_div(a, b, rounding_mode)
    else:  # floor_divide's floor is Python's //, exact where floor(a / b) may not be
        with np.errstate(divide="ignore", invalid="ignore"):
            floor = rounding_mode == "floor"
            values = np.floor_divide(a._data, b._data) if floor else np.trunc(
                a._data / b._data)  # fmt: skip
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
    return _modulo(input, other, trunc=False)


@method
@inplace
def fmod(input: Tensor, other: Any) -> Tensor:
    """input - trunc(input / other) * other: the sign of `input`, as C's fmod."""
    return _modulo(input, other, trunc=True)


def _modulo(input: Tensor, other: Any, trunc: bool) -> Tensor:
    a, b = operands(input, other)
    if a._data.dtype.kind == "f":
        return ops.Remainder.apply(a, b, trunc=trunc)
    if (b._data == 0).any():
        raise RuntimeError("ZeroDivisionError")
    rest = (np.fmod if trunc else np.remainder)(a._data, b._data)
    return Tensor._wrap(rest, None)  # integers: no gradient


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
def maximum(input: Tensor, other: Tensor) -> Tensor:
    """The larger of the two, elementwise (nan if either is); a tie splits the
    gradient in half."""
    return ops.Maximum.apply(*operands(input, _tensor("maximum", other)))


@method
def minimum(input: Tensor, other: Tensor) -> Tensor:
    """The smaller of the two, elementwise (nan if either is)."""
    return ops.Maximum.apply(*operands(input, _tensor("minimum", other)),
                             smallest=True)  # fmt: skip


def _tensor(op: str, other: Any) -> Tensor:
    if not isinstance(other, Tensor):
        raise TypeError(f"{op}(): argument 'other' must be Tensor, not "
                        f"{type(other).__name__}")  # fmt: skip
    return other


@method
@inplace
def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """Each value held in [min, max] (numbers or tensors, broadcast); the gradient
    flows to whichever of input, min and max the value came from, as in PyTorch."""
    if min is None and max is None:
        raise RuntimeError(
            "torch.clamp: At least one of 'min' or 'max' must not be None"
        )
    bounds = [b for b in (min, max) if b is not None]
    dt = dtypes.common(input, *bounds)
    if not any(isinstance(b, Tensor) for b in bounds):
        return ops.Clip.apply(input._as(dt), low=min, high=max)
    x, lo, hi = (_bound(v, dt) for v in (input, min, max))
    values = x._data
    if lo is not None:
        values = np.maximum(values, lo._data)
    if hi is not None:
        values = np.minimum(values, hi._data)
    # each value from input, min or max: PyTorch's masks, so its gradients too
    inside, below, above = _clamp_masks(x._data, lo, hi)
    out = ops.Where.apply(x, Tensor._wrap(values, None), condition=inside)
    if lo is not None:
        out = ops.Where.apply(lo, out, condition=below)
    if hi is not None:
        out = ops.Where.apply(hi, out, condition=above)
    return out


def _bound(value: Any, dt: np.dtype) -> Tensor | None:
    if value is None or isinstance(value, Tensor):
        return value if value is None else value._as(dt)
    return Tensor._wrap(np.asarray(value, dt), None)


def _clamp_masks(x: np.ndarray, lo: Tensor | None, hi: Tensor | None) -> tuple:
    inside, below, above = np.ones(x.shape, bool), False, False
    if lo is not None:
        inside = inside & (x >= lo._data)
        below = (x < lo._data) & (True if hi is None else lo._data < hi._data)
    if hi is not None:
        inside = inside & (x <= hi._data)
        above = (x > hi._data) | (False if lo is None else hi._data < lo._data)
    return inside, below, above


@method
@inplace
def clip(input: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """Another name for `clamp`."""
    return clamp(input, min, max)


@method
@inplace
def lerp(input: Tensor, end: Tensor, weight: Any) -> Tensor:
    """input + weight * (end - input), computed from the nearer end as PyTorch does
    (so weight 1 gives `end` exactly)."""
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f"lerp is not implemented for {input.dtype}")
    w = weight if isinstance(weight, Tensor) else Tensor._wrap(
        np.asarray(weight, input._data.dtype), None)  # fmt: skip
    diff = end - input
    near_start = w._data < 0.5
    return ops.Where.apply(input + w * diff, end - diff * (1 - w),
                           condition=near_start)  # fmt: skip
