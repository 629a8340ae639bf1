"""Comparisons and logic: elementwise tests that give bool tensors (``x == y``,
``x > 0``, ``mask & other``, ``isnan``), outside the graph as in PyTorch; whole-tensor
tests that give a Python bool (``equal``, ``allclose``); and the orderings
(``sort``, ``argsort``, ``topk``), whose values stay in the graph.

Book: book/modules/01_tensor.md
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import ops
from ._tensor import Tensor, method
from .checks import check_dim, numpy_names
from .pointwise import operands, operator
from .reduction import return_types


def _compare(input: Tensor, other: Any, fn: Any) -> Tensor:
    a, b = operands(input, other)
    return Tensor._wrap(fn(a._data, b._data), None)


@method
def eq(input: Tensor, other: Any) -> Tensor:
    """input == other, elementwise."""
    return _compare(input, other, np.equal)


@method
def ne(input: Tensor, other: Any) -> Tensor:
    """input != other, elementwise."""
    return _compare(input, other, np.not_equal)


@method
def lt(input: Tensor, other: Any) -> Tensor:
    """input < other, elementwise."""
    return _compare(input, other, np.less)


@method
def le(input: Tensor, other: Any) -> Tensor:
    """input <= other, elementwise."""
    return _compare(input, other, np.less_equal)


@method
def gt(input: Tensor, other: Any) -> Tensor:
    """input > other, elementwise."""
    return _compare(input, other, np.greater)


@method
def ge(input: Tensor, other: Any) -> Tensor:
    """input >= other, elementwise."""
    return _compare(input, other, np.greater_equal)


def _bitwise(fn: Any, name: str) -> Any:
    def op(self: Tensor, other: Any) -> Tensor:
        if self._data.dtype.kind not in "biu":
            raise TypeError(f"{name} needs bool or integer tensors, got {self.dtype}")
        return _compare(self, other, fn)

    op.__name__ = name
    return operator(op)


def _invert(self: Tensor) -> Tensor:
    if self._data.dtype.kind not in "biu":
        raise TypeError(f"~ (bitwise not) needs a bool or integer tensor, got "
                        f"{self.dtype}")  # fmt: skip
    return Tensor._wrap(np.invert(self._data), None)


for _name, _fn in (
    ("eq", eq),
    ("ne", ne),
    ("lt", lt),
    ("le", le),
    ("gt", gt),
    ("ge", ge),
):
    setattr(Tensor, f"__{_name}__", operator(_fn))
Tensor.__and__ = Tensor.__rand__ = _bitwise(np.bitwise_and, "and")
Tensor.__or__ = Tensor.__ror__ = _bitwise(np.bitwise_or, "or")
Tensor.__xor__ = Tensor.__rxor__ = _bitwise(np.bitwise_xor, "xor")
Tensor.__invert__ = _invert  # type: ignore[assignment]


@method
def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:  # fmt: skip
    """|input - other| <= atol + rtol * |other|, elementwise (same dtypes only)."""
    if not isinstance(other, Tensor):
        raise TypeError(f"isclose(): argument 'other' must be Tensor, not "
                        f"{type(other).__name__}")  # fmt: skip
    if input.dtype != other.dtype:
        raise RuntimeError(f"{other.dtype.name} did not match {input.dtype.name}")
    close = np.isclose(input._data, other._data, rtol, atol, equal_nan)
    return Tensor._wrap(np.asarray(close), None)


@method
def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:  # fmt: skip
    """True if every pair of values is close (see `isclose`)."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


@method
def equal(input: Tensor, other: Tensor) -> bool:
    """True if both have the same shape and the same values."""
    return input.shape == other.shape and bool((input._data == other._data).all())


def _test(fn: Any, input: Tensor) -> Tensor:
    return Tensor._wrap(np.asarray(fn(input._data)), None)


@method
def isnan(input: Tensor) -> Tensor:
    """True where a value is nan."""
    return _test(np.isnan, input)


@method
def isinf(input: Tensor) -> Tensor:
    """True where a value is inf or -inf."""
    return _test(np.isinf, input)


@method
def isfinite(input: Tensor) -> Tensor:
    """True where a value is neither inf, -inf nor nan."""
    return _test(np.isfinite, input)


def _logical(fn: Any, input: Tensor, other: Any) -> Tensor:
    b = other._data if isinstance(other, Tensor) else np.asarray(other)
    return Tensor._wrap(np.asarray(fn(input._data != 0, b != 0)), None)


@method
def logical_and(input: Tensor, other: Tensor) -> Tensor:
    """Both nonzero, elementwise."""
    return _logical(np.logical_and, input, other)


@method
def logical_or(input: Tensor, other: Tensor) -> Tensor:
    """Either nonzero, elementwise."""
    return _logical(np.logical_or, input, other)


@method
def logical_xor(input: Tensor, other: Tensor) -> Tensor:
    """Exactly one nonzero, elementwise."""
    return _logical(np.logical_xor, input, other)


@method
def logical_not(input: Tensor) -> Tensor:
    """True where a value is zero."""
    return _test(np.logical_not, input)


def _order(data: np.ndarray, dim: int, descending: bool) -> np.ndarray:
    """The stable order of `data` along `dim`, as int64 positions; nan counts as
    the largest value, as in PyTorch."""
    if not descending:
        return np.argsort(data, axis=dim, kind="stable")
    # ascending over the reversed line, reversed back: equal values keep their order
    order = np.argsort(np.flip(data, dim), axis=dim, kind="stable")
    return np.flip(data.shape[dim] - 1 - order, dim)


def _along(input: Tensor, dim: int) -> tuple[Tensor, int]:
    """The input with at least one dimension (a 0-d tensor as one element), and
    `dim` checked and made non-negative."""
    d = check_dim(dim, input.ndim)
    return (input.reshape(1) if input.ndim == 0 else input), d


@method
@numpy_names
def sort(input: Tensor, dim: int = -1, descending: bool = False, *,
         stable: bool = False) -> Any:  # fmt: skip
    """The values sorted along `dim`, and where each came from: the named pair
    (values, indices). Always stable in tinytorch (equal values keep their order)."""
    line, d = _along(input, dim)
    order = _order(line._data, d, descending)
    values = ops.Gather.apply(line, index=order, axis=d)
    if input.ndim == 0:
        values, order = values.reshape(()), order.reshape(())
    return return_types.sort(values, Tensor._wrap(order, None))


@method
@numpy_names
def argsort(input: Tensor, dim: int = -1, descending: bool = False, *,
            stable: bool = False) -> Tensor:  # fmt: skip
    """The positions that sort the values along `dim` (stable)."""
    return sort(input, dim, descending).indices


@method
@numpy_names
def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True,
         sorted: bool = True) -> Any:  # fmt: skip
    """The k largest (or smallest) values along `dim`, largest first, and their
    positions: the named pair (values, indices)."""
    line, d = _along(input, dim)
    if not 0 <= k <= line.shape[d]:
        raise RuntimeError("selected index k out of range")
    order = np.take(_order(line._data, d, largest), np.arange(k), axis=d)
    values = ops.Gather.apply(line, index=order, axis=d)
    if input.ndim == 0:
        values, order = values.reshape(()), order.reshape(())
    return return_types.topk(values, Tensor._wrap(order, None))
