"""Shape functions that make new tensors from others' values: joined (``cat``,
``stack``), repeated (``repeat``, ``repeat_interleave``), reordered (``flip``,
``roll``) or cut to a triangle (``tril``, ``triu``). Each is a copy, as in PyTorch,
and stays in the graph.

Book: book/modules/01_tensor.md
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import dtypes, ops
from ._tensor import Tensor, inplace, method
from .checks import check_dim, numpy_names
from .indexing import narrow, sizes


@numpy_names
def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """The tensors joined along `dim` (their other sizes must match), in their
    promoted dtype; 1-D empty tensors are skipped, as in PyTorch."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"cat(): expected a sequence of Tensors, got "
                            f"{type(t).__name__} at position {i}")  # fmt: skip
        if t.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be "
                               f"concatenated")  # fmt: skip
    dt = dtypes.common(*tensors) if len(tensors) > 1 else tensors[0]._data.dtype
    kept = [t._as(dt) for t in tensors if t.shape != (0,)] or [tensors[0]._as(dt)]
    return ops.Cat.apply(*kept, axis=check_dim(dim, kept[0].ndim))


def concat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Another name for `cat`."""
    return cat(tensors, dim)


def concatenate(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """numpy's name for `cat`."""
    return cat(tensors, axis)


@numpy_names
def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Tensors of one shape joined along a new dimension `dim`."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("stack expects a non-empty TensorList")
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(tensors[0].shape)} at entry 0 and "
                               f"{list(t.shape)} at entry {i}")  # fmt: skip
    d = check_dim(dim, tensors[0].ndim + 1)
    return cat([t.unsqueeze(d) for t in tensors], d)


@method
def flip(input: Tensor, *dims_: Any, dims: Any = None) -> Tensor:
    """The order along each of `dims` reversed (a copy)."""
    named = sizes(dims_ if dims is None else (dims,))
    chosen = {check_dim(d, input.ndim) for d in named}
    index = tuple(slice(None, None, -1) if i in chosen else slice(None)
                  for i in range(input.ndim))  # fmt: skip
    return input[index].clone()


@method
def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """Elements shifted along `dims` by `shifts`, those pushed off one end coming
    back at the other; without dims, over the flattened tensor."""
    if dims is None:
        return roll(input.flatten(), shifts, 0).view(input.shape)
    shifts = shifts if isinstance(shifts, tuple | list) else (shifts,)
    dims = dims if isinstance(dims, tuple | list) else (dims,)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims:{len(dims)}")  # fmt: skip
    out = input
    for shift, dim in zip(shifts, dims, strict=True):
        d = check_dim(dim, input.ndim)
        size = input._data.shape[d]
        s = int(shift) % size if size else 0
        if s:
            out = cat([narrow(out, d, size - s, s), narrow(out, d, 0, size - s)], d)
    return out if out is not input else input.clone()


@method
def repeat(input: Tensor, *repeats_: Any, repeats: Any = None) -> Tensor:
    """The tensor tiled `repeats` times along each dimension (new leading
    dimensions for extra counts)."""
    counts = sizes(repeats_ if repeats is None else (repeats,))
    if len(counts) < input.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller "
                           "than number of dimensions of tensor")  # fmt: skip
    shape = (1,) * (len(counts) - input.ndim) + input.shape
    # each dimension n as (1, n), stretched to (count, n), then merged: a copy
    spread = input.reshape([m for n in shape for m in (1, n)])
    tiled = spread.expand([m for c, n in zip(counts, shape, strict=True)
                           for m in (c, n)])  # fmt: skip
    out = tiled.reshape([c * n for c, n in zip(counts, shape, strict=True)])
    return out.clone() if np.may_share_memory(out._data, input._data) else out


@method
def repeat_interleave(input: Tensor, repeats: Any = None, dim: int | None = None, *,
                      output_size: int | None = None) -> Tensor:  # fmt: skip
    """Each element (or slice along `dim`) repeated `repeats` times in place:
    [a, b] -> [a, a, b, b]; `repeats` may give one count per element.
    repeat_interleave(counts) alone repeats 0, 1, 2, ... by the counts."""
    if repeats is None:  # the positions 0..n-1, each repeated by the input's count
        counts = input._data
        return Tensor._wrap(np.repeat(np.arange(len(counts)), counts), None)
    x = input.flatten() if dim is None else input
    d = 0 if dim is None else check_dim(dim, input.ndim)
    counts = getattr(repeats, "_data", repeats)
    picks = np.repeat(np.arange(x._data.shape[d]), counts)
    return x[(slice(None),) * d + (picks,)]


@method
@inplace
def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two dimensions (on and below `diagonal`),
    zeros above it."""
    return _triangle(input, diagonal, lower=True)


@method
@inplace
def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two dimensions (on and above `diagonal`),
    zeros below it."""
    return _triangle(input, diagonal, lower=False)


def _triangle(input: Tensor, diagonal: int, lower: bool) -> Tensor:
    if input.ndim < 2:
        name = "tril" if lower else "triu"
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    n, m = input._data.shape[-2:]
    keep = np.tri(n, m, diagonal, dtype=bool)
    keep = keep if lower else ~np.tri(n, m, diagonal - 1, dtype=bool)
    zero = Tensor._wrap(np.zeros((), input._data.dtype), None)
    return ops.Where.apply(input, zero, condition=keep)
