"""Shape functions: the same values seen in another shape or order
(``x.view(2, -1)``, ``x.transpose(0, 1)``, ``x.permute(2, 0, 1)``). Where numpy can,
the result is a view: it shares memory and a version counter with its input.

Book: book/modules/01_tensor.md
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import ops
from ._tensor import Tensor, method
from .checks import check_dim


def sizes(shape: tuple[Any, ...]) -> tuple[int, ...]:
    """Sizes given as f(2, 3) or f((2, 3)) (or a Size), as ints."""
    if len(shape) == 1 and isinstance(shape[0], tuple | list):
        shape = tuple(shape[0])
    for n in shape:
        if not isinstance(n, int | np.integer) or isinstance(n, bool):
            raise TypeError(f"sizes must be integers, got {shape}")
    return tuple(int(n) for n in shape)


@method
def reshape(input: Tensor, *shape: Any) -> Tensor:
    """The same elements in a new shape (one size may be -1): a view if possible."""
    return ops.Reshape.apply(input, shape=sizes(shape))


@method
def view(input: Tensor, *shape: Any) -> Tensor:
    """The same memory seen in a new shape; an error where only a copy would do."""
    out = ops.Reshape.apply(input, shape=sizes(shape))
    if out._data.size and not np.shares_memory(out._data, input._data):
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at "
            "least one dimension spans across two contiguous subspaces). Use "
            ".reshape(...) instead."
        )
    return out


@method
def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Dimensions `dim0` and `dim1` swapped: a view."""
    axes = list(range(input.ndim))
    d0, d1 = check_dim(dim0, input.ndim), check_dim(dim1, input.ndim)
    axes[d0], axes[d1] = axes[d1], axes[d0]
    return ops.Transpose.apply(input, axes=tuple(axes))


@method
def permute(input: Tensor, *dims: Any) -> Tensor:
    """The dimensions in the order `dims` names them: a view."""
    order = tuple(check_dim(d, input.ndim) for d in sizes(dims))
    if sorted(order) != list(range(input.ndim)):
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not "
            f"match the length of the desired ordering of dimensions i.e. input.dim() "
            f"= {input.ndim} is not equal to len(dims) = {len(order)}"
            if len(order) != input.ndim
            else f"permute(): duplicate dims are not allowed, got {order}"
        )
    return ops.Transpose.apply(input, axes=order)


@method
def t(input: Tensor) -> Tensor:
    """A matrix transposed (a vector as it is)."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{input.ndim}D")  # fmt: skip
    return input if input.ndim < 2 else transpose(input, 0, 1)


@method
def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    """Dimensions of size one removed (all, or those of `dim` that are one)."""
    chosen = range(input.ndim) if dim is None else (
        [check_dim(d, input.ndim) for d in dim] if isinstance(dim, tuple | list)
        else [check_dim(dim, input.ndim)]
    )  # fmt: skip
    shape = [n for i, n in enumerate(input._data.shape) if not (i in chosen and n == 1)]
    return ops.Reshape.apply(input, shape=tuple(shape))


@method
def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """A dimension of size one inserted at `dim`."""
    d = check_dim(dim, input.ndim + 1)
    shape = list(input._data.shape)
    shape.insert(d, 1)
    return ops.Reshape.apply(input, shape=tuple(shape))


@method
def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Dimensions start_dim..end_dim merged into one."""
    if input.ndim == 0:
        return ops.Reshape.apply(input, shape=(1,))
    start, end = check_dim(start_dim, input.ndim), check_dim(end_dim, input.ndim)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after "
                           "end_dim")  # fmt: skip
    shape = input._data.shape
    merged = int(np.prod(shape[start : end + 1]))
    return ops.Reshape.apply(input, shape=(*shape[:start], merged, *shape[end + 1 :]))


def _reversed_dims(input: Tensor) -> Tensor:
    """The dimensions reversed (a matrix's transpose)."""
    return ops.Transpose.apply(input, axes=tuple(reversed(range(input.ndim))))


def _matrix_transpose(input: Tensor) -> Tensor:
    """The last two dimensions swapped (a batch of matrices transposed)."""
    return transpose(input, -2, -1)


Tensor.T = property(_reversed_dims)  # type: ignore[attr-defined]
Tensor.mT = property(_matrix_transpose)  # type: ignore[attr-defined]


def _getitem(self: Tensor, index: Any) -> Tensor:
    return ops.Index.apply(self, index=_index(index))


def _setitem(self: Tensor, index: Any, value: Any) -> None:
    self._inplace(_put, _index(index), value)


def _put(target: Tensor, index: Any, value: Any) -> Tensor:
    """`target` with `value` written at `index` (as t[index] = value), a new tensor;
    the value is converted to the target's dtype, as PyTorch does."""
    if not isinstance(value, Tensor):
        value = Tensor._wrap(np.asarray(value, target._data.dtype), None)
    return ops.IndexPut.apply(target, value._as(target._data.dtype), index=index)


def _index(index: Any) -> Any:
    """An index with any tensors in it replaced by their arrays."""
    if isinstance(index, tuple):
        return tuple(i._data if isinstance(i, Tensor) else i for i in index)
    return index._data if isinstance(index, Tensor) else index


Tensor.__getitem__, Tensor.__setitem__ = _getitem, _setitem  # type: ignore[assignment]
