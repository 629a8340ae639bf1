"""Shape functions: the same values seen in another shape or order
(``x.view(2, -1)``, ``x.transpose(0, 1)``, ``x.permute(2, 0, 1)``, ``x.expand(4, -1)``)
or in pieces (``x.split(2)``, ``x.unbind(0)``), and indexing (``x[0, 1:]``). Where
numpy can, the result is a view: it shares memory and a version counter with its
input.

Book: book/modules/01_tensor.md
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes, ops
from ._tensor import Tensor, method
from .checks import check_dim, numpy_names


def sizes(shape: tuple[Any, ...]) -> tuple[int, ...]:
    """Sizes given as f(2, 3) or f((2, 3)) (or a Size), as ints."""
    if len(shape) == 1 and isinstance(shape[0], tuple | list):
        shape = tuple(shape[0])
    for n in shape:
        if not isinstance(n, int | np.integer) or isinstance(n, bool):
            raise TypeError(f"sizes must be integers, got {shape}")
    return tuple(int(n) for n in shape)


@method
def reshape(input: Tensor, *sizes_: Any, shape: Any = None) -> Tensor:
    """The same elements in a new shape (one size may be -1): a view if possible."""
    return ops.Reshape.apply(input, shape=sizes(sizes_ if shape is None else (shape,)))


@method
def view(input: Tensor, *shape: Any, size: Any = None) -> Tensor:
    """The same memory seen in a new shape; an error where only a copy would do."""
    shape = shape if size is None else (size,)
    if len(shape) == 1 and isinstance(shape[0], dtypes.dtype | type | np.dtype):
        raise NotImplementedError(
            "view(dtype), seeing the same bytes as another dtype, is not part of "
            "tinytorch; .to(dtype) converts the values"
        )
    out = ops.Reshape.apply(input, shape=sizes(shape))
    if out._data.size and not np.shares_memory(out._data, input._data):
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at "
            "least one dimension spans across two contiguous subspaces). Use "
            ".reshape(...) instead."
        )
    return out


@method
def view_as(input: Tensor, other: Tensor) -> Tensor:
    """The same memory seen in the other tensor's shape."""
    return view(input, other.shape)


@method
def reshape_as(input: Tensor, other: Tensor) -> Tensor:
    """The same elements in the other tensor's shape."""
    return reshape(input, other.shape)


@method
def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Dimensions `dim0` and `dim1` swapped: a view."""
    axes = list(range(input.ndim))
    d0, d1 = check_dim(dim0, input.ndim), check_dim(dim1, input.ndim)
    axes[d0], axes[d1] = axes[d1], axes[d0]
    return ops.Transpose.apply(input, axes=tuple(axes))


@method
def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:
    """numpy's name for `transpose`: two dimensions swapped."""
    return transpose(input, axis0, axis1)


@method
def swapdims(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Another name for `transpose`: two dimensions swapped."""
    return transpose(input, dim0, dim1)


@method
def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:
    """Dimension(s) `source` moved to `destination`, the others keeping their
    order: a view."""
    many = isinstance(source, tuple | list)
    src = [check_dim(d, input.ndim) for d in (source if many else [source])]
    dst = [check_dim(d, input.ndim) for d in (destination if many else [destination])]
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source "
                           f"({list(src)} dims) should contain the same number of "
                           f"dims as destination ({list(dst)} dims)")  # fmt: skip
    rest = iter(d for d in range(input.ndim) if d not in src)
    placed = dict(zip(dst, src, strict=True))
    order = [placed[i] if i in placed else next(rest) for i in range(input.ndim)]
    return ops.Transpose.apply(input, axes=tuple(order))


@method
def permute(input: Tensor, *dims_: Any, dims: Any = None) -> Tensor:
    """The dimensions in the order `dims` names them: a view."""
    named = sizes(dims_ if dims is None else (dims,))
    order = tuple(check_dim(d, input.ndim) for d in named)
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


@method
def unflatten(input: Tensor, dim: int, sizes: Any) -> Tensor:
    """Dimension `dim` split into several of `sizes` (one may be -1)."""
    d = check_dim(dim, input.ndim)
    shape = input._data.shape
    wanted = [int(n) for n in sizes]
    known = int(np.prod([n for n in wanted if n != -1]))
    if -1 in wanted and known:
        wanted[wanted.index(-1)] = shape[d] // known
    if int(np.prod(wanted)) != shape[d]:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up "
                           f"to the size of dim {dim} ({shape[d]}) in the input "
                           f"tensor")  # fmt: skip
    return ops.Reshape.apply(input, shape=(*shape[:d], *wanted, *shape[d + 1 :]))


@method
def expand(input: Tensor, *sizes_: Any, size: Any = None) -> Tensor:
    """The tensor stretched along its dimensions of size one (and new leading ones)
    to `sizes` without copying; -1 keeps a size. A read-only view, as in PyTorch."""
    wanted = sizes(sizes_ if size is None else (size,))
    shape = input._data.shape
    if len(wanted) < len(shape):
        raise RuntimeError(f"expand: the number of sizes provided ({len(wanted)}) must "
                           f"be greater or equal to the number of dimensions in the "
                           f"tensor ({len(shape)})")  # fmt: skip
    lead = len(wanted) - len(shape)
    if -1 in wanted[:lead]:
        raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in "
                           f"a leading, non-existing dimension "
                           f"{wanted.index(-1)}")  # fmt: skip
    target = wanted[:lead] + tuple(
        n if w == -1 else w for n, w in zip(shape, wanted[lead:], strict=True)
    )
    return ops.Expand.apply(input, shape=target)


@method
def expand_as(input: Tensor, other: Tensor) -> Tensor:
    """The tensor expanded to the other tensor's shape."""
    return expand(input, other.shape)


def broadcast_to(input: Tensor, size: Any) -> Tensor:
    """The tensor expanded to `size` (numpy's name for `expand`)."""
    return expand(input, size)


@method
def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The slice at `index` along `dim`, that dimension gone: a view."""
    d = check_dim(dim, input.ndim)
    return input[(slice(None),) * d + (index,)]


@method
@numpy_names
def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """`length` elements from `start` along `dim`: a view."""
    d = check_dim(dim, input.ndim)
    size = input._data.shape[d]
    begin = int(start) + size if start < 0 else int(start)
    if not 0 <= begin <= size or begin + length > size or length < 0:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension "
                           f"size ({size}).")  # fmt: skip
    return input[(slice(None),) * d + (slice(begin, begin + length),)]


@method
def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple:
    """Pieces along `dim`: of split_size each (the last may be smaller), or of the
    sizes listed. Views."""
    d = check_dim(dim, tensor.ndim)
    size = tensor._data.shape[d]
    if isinstance(split_size_or_sections, int | np.integer):
        step = int(split_size_or_sections)
        if step <= 0 and size:
            raise RuntimeError(f"split expects split_size be non-negative, but got "
                               f"split_size={step}")  # fmt: skip
        lengths = [min(step, size - i) for i in range(0, size, step)] or [0]
    else:
        lengths = [int(n) for n in split_size_or_sections]
        if sum(lengths) != size:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly "
                               f"to {size} (input tensor's size at dimension {d}), "
                               f"but got split_sizes={lengths}")  # fmt: skip
    starts = np.cumsum([0, *lengths[:-1]]).tolist()
    return tuple(narrow(tensor, d, s, n) for s, n in zip(starts, lengths, strict=True))


@method
@numpy_names
def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """At most `chunks` pieces of equal size along `dim` (the last may be smaller).
    Views."""
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: "
                           f"{chunks}")  # fmt: skip
    size = input._data.shape[check_dim(dim, input.ndim)]
    return split(input, max(-(-size // chunks), 1), dim)


@method
@numpy_names
def unbind(input: Tensor, dim: int = 0) -> tuple:
    """Every slice along `dim`, that dimension gone. Views."""
    d = check_dim(dim, input.ndim)
    return tuple(select(input, d, i) for i in range(input._data.shape[d]))


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
    """An index with any tensors in it replaced by their arrays (a 0-d integer
    tensor by its int, as PyTorch reads it: x[i] is then a view)."""
    if isinstance(index, tuple):
        return tuple(_part(i) for i in index)
    return _part(index)


def _part(index: Any) -> Any:
    if not isinstance(index, Tensor):
        return index
    data = index._data
    return int(data) if data.ndim == 0 and data.dtype.kind in "iu" else data


Tensor.__getitem__, Tensor.__setitem__ = _getitem, _setitem  # type: ignore[assignment]
