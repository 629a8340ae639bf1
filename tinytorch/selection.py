"""Selection: values picked by a condition (``where``, ``masked_fill``,
``masked_select``) or by integer positions (``gather``, ``index_select``,
``take_along_dim``), written at positions (``scatter``, ``scatter_add``), and the
positions themselves (``nonzero``). The values picked stay in the graph.

Book: book/modules/01_tensor.md
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes, ops
from ._tensor import Tensor, inplace, method
from .checks import check_dim, numpy_names
from .ops.movement import positions as places
from .pointwise import operands


def _condition(op: str, condition: Any) -> np.ndarray:
    """A condition as a bool array: a bool tensor (or uint8, as PyTorch still
    takes), a numpy array of bools."""
    data = getattr(condition, "_data", condition)
    data = np.asarray(data)
    if data.dtype == np.uint8:
        return data.astype(bool)
    if data.dtype != np.bool_:
        raise RuntimeError(f"{op} expected condition to be a boolean tensor, but got a "
                           f"tensor with dtype {dtypes.of(data).name}")  # fmt: skip
    return data


def _value(value: Any, dt: np.dtype | None = None) -> Tensor:
    if isinstance(value, Tensor):
        return value if dt is None else value._as(dt)
    return Tensor._wrap(np.asarray(value, dt or dtypes.common(value)), None)


def where(condition: Any, input: Any = None, other: Any = None) -> Any:
    """input where the condition holds, else other (tensors or numbers, broadcast
    together, in their promoted dtype); where(condition) alone is
    nonzero(condition, as_tuple=True)."""
    if input is None and other is None:
        return nonzero(_value(condition), as_tuple=True)
    mask = _condition("where", condition)
    if not isinstance(input, Tensor):
        if not isinstance(other, Tensor):  # two numbers
            dt = dtypes.common(input, other)
            return ops.Where.apply(_value(input, dt), _value(other, dt), condition=mask)
        b, a = operands(other, input)
    else:
        a, b = operands(input, other)
    return ops.Where.apply(a, b, condition=mask)


def _where_method(self: Tensor, condition: Any, y: Any) -> Tensor:
    """self where the condition holds, else y."""
    return where(condition, self, y)


_where_method.__name__ = _where_method.__qualname__ = "where"
method(_where_method)


@method
@inplace
def masked_fill(input: Tensor, mask: Any, value: Any) -> Tensor:
    """The input with `value` (a number or 0-d tensor, in the input's dtype) where
    the mask is True."""
    m = getattr(mask, "_data", mask)
    if np.asarray(m).dtype != np.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask "
                           f"with dtype {dtypes.of(np.asarray(m)).name}")  # fmt: skip
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value "
                           f"tensor, but got tensor with {value.ndim} "
                           f"dimension(s).")  # fmt: skip
    return ops.Where.apply(_value(value, input._data.dtype), input, condition=m)


@method
def masked_select(input: Tensor, mask: Any) -> Tensor:
    """The values where the mask (broadcast with the input) is True, in a 1-D
    tensor."""
    m = _condition("masked_select", mask)
    shape = np.broadcast_shapes(input.shape, m.shape)
    values = input if input.shape == shape else input.expand(shape)
    return values[np.broadcast_to(m, shape)]


def _index_array(op: str, index: Any) -> np.ndarray:
    data = np.asarray(getattr(index, "_data", index))
    if data.dtype.kind not in "iu":
        raise RuntimeError(f"{op}(): Expected dtype int64 for index")
    return data


@method
@numpy_names
def gather(input: Tensor, dim: int, index: Any, *, sparse_grad: bool = False) -> Tensor:
    """out[i][j] = input[index[i][j]][j] (dim 0; likewise along any dim): values
    picked along `dim` by an index of the input's number of dimensions."""
    d, positions = check_dim(dim, input.ndim), _index_array("gather", index)
    _check_positions("gather", input, d, positions)
    return ops.Gather.apply(input, index=positions, axis=d)


def _check_positions(op: str, input: Tensor, d: int, index: np.ndarray) -> None:
    if index.ndim != max(input.ndim, 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as "
                           "input tensor")  # fmt: skip
    size = input._data.shape[d] if input.ndim else 1
    if index.size and not (-size <= index.min() and index.max() < size):
        bad = index.max() if index.max() >= size else index.min()
        raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size "
                           f"{size}")  # fmt: skip


@method
@inplace
def scatter(input: Tensor, dim: int, index: Any, src: Any = None, *,
            value: Any = None, reduce: str | None = None) -> Tensor:  # fmt: skip
    """The input with values written along `dim` at the index's positions:
    out[index[i][j]][j] = src[i][j] (dim 0), or a number `value` everywhere."""
    if reduce is not None:
        raise NotImplementedError("scatter(reduce=...) is not part of tinytorch; "
                                  "scatter_add adds")  # fmt: skip
    d, positions = check_dim(dim, input.ndim), _index_array("scatter", index)
    _check_positions("scatter", input, d, positions)
    src = value if src is None else src
    if isinstance(src, Tensor):
        src = src[tuple(slice(0, n) for n in positions.shape)]
    src = _value(src, input._data.dtype)
    return ops.IndexPut.apply(input, src, index=places(positions, d))


@method
@inplace
def scatter_add(input: Tensor, dim: int, index: Any, src: Tensor) -> Tensor:
    """The input with src added along `dim` at the index's positions (a position
    named twice gets both)."""
    d, positions = check_dim(dim, input.ndim), _index_array("scatter_add", index)
    _check_positions("scatter_add", input, d, positions)
    src = src[tuple(slice(0, n) for n in positions.shape)]._as(input._data.dtype)
    return ops.ScatterAdd.apply(input, src, index=positions, axis=d)


@method
@numpy_names
def index_select(input: Tensor, dim: int, index: Any) -> Tensor:
    """The slices along `dim` at the positions of a 1-D index, in its order."""
    d, positions = check_dim(dim, input.ndim), _index_array("index_select", index)
    if positions.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    return input[(slice(None),) * d + (positions.reshape(-1),)]


def take_along_dim(input: Tensor, indices: Any, dim: int | None = None) -> Tensor:
    """Values picked along `dim` by `indices`, the two broadcast together
    elsewhere (numpy's take_along_axis); without `dim`, from the flattened input."""
    positions = _index_array("take_along_dim", indices)
    if dim is None:
        return ops.Gather.apply(input.reshape(-1), index=positions.reshape(-1), axis=0)
    d = check_dim(dim, input.ndim)
    shape = list(np.broadcast_shapes(
        input.shape[:d] + (1,) + input.shape[d + 1 :],
        positions.shape[:d] + (1,) + positions.shape[d + 1 :]))  # fmt: skip
    values = input.expand(*shape[:d], input.shape[d], *shape[d + 1 :])
    shape[d] = positions.shape[d]
    return ops.Gather.apply(values, index=np.broadcast_to(positions, shape), axis=d)


@method
def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    """The positions of the nonzero values: an (n, ndim) int64 tensor, or with
    as_tuple one 1-D tensor per dimension."""
    found = np.argwhere(input._data)
    if as_tuple:
        columns = found.T if input.ndim else np.zeros((1, len(found)), np.int64)
        return tuple(Tensor._wrap(c.astype(np.int64), None) for c in columns)
    return Tensor._wrap(found.astype(np.int64), None)


@method
def argwhere(input: Tensor) -> Tensor:
    """nonzero(input): the positions of the nonzero values, one row each."""
    return nonzero(input)
