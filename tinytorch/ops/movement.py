"""The ops that only move values: reshape, transpose, index, and Unfold (im2col),
which lays every window of an image out as a column so that a convolution becomes one
matrix product. Their backward passes move each gradient back to where its value came
from.

Book: book/modules/05_autograd.md
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..autograd import Function
from ..checks import ShapeError, check_windows
from .elementwise import unbroadcast


class Reshape(Function):
    """The same elements in another shape (a view when numpy can make one)."""

    is_view = True

    def forward(ctx, a, shape: tuple[int, ...]):
        ctx.shape = a.shape
        try:
            return a.reshape(shape)
        except (ValueError, TypeError):
            raise ShapeError(
                f"reshape: cannot reshape {a.shape} ({a.size} elements) into {shape}"
            ) from None

    def backward(ctx, grad):
        return (grad.reshape(ctx.shape),)


class Transpose(Function):
    """Permute the axes (given as a permutation of 0..ndim-1): a view."""

    is_view = True

    def forward(ctx, a, axes: tuple[int, ...]):
        ctx.axes = axes
        return np.transpose(a, axes)

    def backward(ctx, grad):
        return (np.transpose(grad, np.argsort(ctx.axes)),)


class Index(Function):
    """a[index]: basic (ints, slices: a view) or advanced (integer or boolean
    arrays: a copy)."""

    is_view = True

    def forward(ctx, a, index):
        ctx.shape, ctx.dtype, ctx.index = a.shape, a.dtype, index
        try:
            return a[index]
        except IndexError as err:
            raise IndexError(
                f"index {index!r} for a tensor of shape {a.shape}: {err}"
            ) from None

    def backward(ctx, grad):
        full = np.zeros(ctx.shape, dtype=ctx.dtype)
        if _is_basic(ctx.index):  # ints and slices pick each element at most once
            full[ctx.index] = grad
        elif type(ctx.index) is np.ndarray and ctx.index.dtype.kind in "iu":
            _add_rows(full, ctx.index.ravel(), grad.reshape(-1, *ctx.shape[1:]))
        else:
            np.add.at(full, ctx.index, grad)  # not +=: repeated indices accumulate
        return (full,)


class IndexPut(Function):
    """a with `value` written at `index` (a[index] = value), as a new array: an
    in-place assignment, as the graph records it."""

    def forward(ctx, a, value, index):
        out = a.copy()
        try:
            out[index] = value
        except (IndexError, ValueError) as err:
            raise IndexError(
                f"index {index!r} of a tensor of shape {a.shape} cannot take a value "
                f"of shape {value.shape}: {err}"
            ) from None
        ctx.index, ctx.value_shape = index, value.shape
        return out

    def backward(ctx, grad):
        grad_a = None
        if ctx.needs_input_grad[0]:
            grad_a = grad.copy()
            grad_a[ctx.index] = 0  # the old values there were overwritten
        grad_value = None
        if ctx.needs_input_grad[1]:
            basic = _is_basic(ctx.index)
            picked = grad[ctx.index] if basic else _last_writes(ctx, grad)
            if picked.ndim < len(ctx.value_shape):  # a value with extra leading 1s
                picked = picked.reshape(ctx.value_shape)
            grad_value = unbroadcast(picked, ctx.value_shape)
        return grad_a, grad_value


def _last_writes(ctx: Function, grad: np.ndarray) -> np.ndarray:
    """grad at the written places, counted only for the write that stayed where an
    index repeats (numpy keeps the last)."""
    shape = np.empty(grad.shape, bool)[ctx.index].shape
    writer = np.full(grad.shape, -1)
    writer[ctx.index] = np.arange(int(np.prod(shape))).reshape(shape)
    kept = writer >= 0
    picked = np.zeros(int(np.prod(shape)), grad.dtype)
    picked[writer[kept]] = grad[kept]  # each write that stayed, once
    return picked.reshape(shape)


class Gather(Function):
    """Values picked along `axis` by an integer array of positions (numpy's
    take_along_axis, PyTorch's gather); a position picked twice gets both
    gradients."""

    def forward(ctx, a, index, axis: int):
        ctx.shape, ctx.index, ctx.axis = a.shape, index, axis
        ctx.positions = positions(index, axis)
        return a[ctx.positions]

    def backward(ctx, grad):
        full = np.zeros(ctx.shape, grad.dtype)
        if ctx.index.shape[ctx.axis] == 1:  # one pick per line: none picked twice
            full[ctx.positions] = grad
        else:
            np.add.at(full, ctx.positions, grad)
        return (full,)


def positions(index: np.ndarray, axis: int) -> tuple[np.ndarray, ...]:
    """The places an index array names along `axis` (gather's and scatter's): along
    `axis` the index's values, along every other axis the index's own position."""
    places = list(np.indices(index.shape, sparse=True))
    places[axis] = index
    return tuple(places)


class ScatterAdd(Function):
    """a with src added at the places an integer array names along `axis` (a place
    named twice gets both); d/da is the gradient, d/dsrc the gradient at each
    place."""

    def forward(ctx, a, src, index, axis: int):
        ctx.positions = positions(index, axis)
        out = a.copy()
        np.add.at(out, ctx.positions, src)
        return out

    def backward(ctx, grad):
        needs = ctx.needs_input_grad
        return grad if needs[0] else None, grad[ctx.positions] if needs[1] else None


class Cat(Function):
    """The inputs joined along `axis`; each gets back its own slice of the
    gradient."""

    def forward(ctx, *arrays, axis: int):
        ctx.axis = axis
        ctx.ends = np.cumsum([a.shape[axis] for a in arrays])[:-1]
        try:
            return np.concatenate(arrays, axis=axis)
        except ValueError:
            shapes = ", ".join(str(a.shape) for a in arrays)
            raise ShapeError(
                f"cat: the tensors' sizes must match except in dimension {axis}, "
                f"got {shapes}"
            ) from None

    def backward(ctx, grad):
        pieces = np.split(grad, ctx.ends, axis=ctx.axis)
        needs = ctx.needs_input_grad
        return tuple(p if need else None for p, need in zip(pieces, needs, strict=True))


class Expand(Function):
    """a broadcast to `shape` without copying: a read-only view, as PyTorch's expand;
    the gradient is summed back over the stretched dimensions."""

    is_view = True

    def forward(ctx, a, shape: tuple[int, ...]):
        ctx.shape = a.shape
        try:
            return np.broadcast_to(a, shape)
        except ValueError:
            raise ShapeError(
                f"expand: the tensor of shape {a.shape} cannot be expanded to "
                f"{shape} (only dimensions of size 1 stretch)"
            ) from None

    def backward(ctx, grad):
        return (unbroadcast(grad, ctx.shape),)


def _add_rows(full: np.ndarray, rows: np.ndarray, grad: np.ndarray) -> None:
    """full[rows] += grad, repeated rows accumulating (an embedding's backward):
    sorted, then summed run by run, about 5x faster than np.add.at."""
    if rows.size == 0:
        return
    rows = rows % len(full)  # negative indices count from the end
    order = np.argsort(rows, kind="stable")
    rows = rows[order]
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    full[rows[starts]] = np.add.reduceat(grad[order], starts, axis=0)


def _is_basic(index: object) -> bool:
    """True for an index of ints, slices, None and ...: it never repeats an element."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(p, int | slice | type(None) | type(Ellipsis)) for p in parts)


class Unfold(Function):
    """im2col: every kh x kw window of images (N, C, H, W), zero-padded and `stride`
    apart, as the columns of one matrix (C*kh*kw, OH*OW*N): a convolution is then one
    matrix product, a pooling layer one reduction.

    One copy of a strided view, with the images innermost: the copy, and backward's
    kh*kw strided slice-adds (col2im), run over contiguous rows of OW*N values, and
    `weight @ columns` is NCHW after a transpose that copies nothing.
    """

    def forward(ctx, x, kernel_size, stride, padding):
        check_windows("unfold", x.shape, kernel_size, padding)
        (kh, kw), (sh, sw), (ph, pw) = kernel_size, stride, padding
        padded = x.transpose(1, 2, 3, 0)  # (C, H, W, N)
        if ph or pw:
            padded = np.pad(padded, ((0, 0), (ph, ph), (pw, pw), (0, 0)))
        windows = sliding_window_view(padded, (kh, kw), axis=(1, 2))[:, ::sh, ::sw]
        ctx.shape, ctx.padded, ctx.windows = x.shape, padded.shape, windows.shape
        ctx.stride, ctx.padding = stride, padding
        columns = np.ascontiguousarray(windows.transpose(0, 4, 5, 1, 2, 3))
        return columns.reshape(x.shape[1] * kh * kw, -1)

    def backward(ctx, grad):
        (n, c, h, w), (sh, sw), (ph, pw) = ctx.shape, ctx.stride, ctx.padding
        _, oh, ow, _, kh, kw = ctx.windows  # (C, OH, OW, N, kh, kw)
        patches = grad.reshape(c, kh, kw, oh, ow, n)
        image = np.zeros(ctx.padded, grad.dtype)
        for i in range(kh):
            for j in range(kw):
                rows, columns = slice(i, i + sh * oh, sh), slice(j, j + sw * ow, sw)
                image[:, rows, columns] += patches[:, i, j]
        return (image[:, ph : ph + h, pw : pw + w].transpose(3, 0, 1, 2),)
