"""Comparisons and logic: elementwise tests that give bool tensors (``x == y``,
``x > 0``, ``mask & other``), outside the graph as in PyTorch.

Book: book/modules/01_tensor.md
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._tensor import Tensor, method
from .pointwise import operands, operator


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
