"""Padding and convolution, as ``torch.nn.functional`` has them: over batches
(N, C, H, W) or single images (C, H, W); conv1d is conv2d on images one pixel high.

A convolution is one matrix product: `ops.Unfold` (im2col) lays every window out as
a column, and the weight, one row per output channel, multiplies them all. Groups
split both into blocks multiplied side by side; dilation takes every d-th row and
column of a larger window.

Book: book/modules/09_convolutions.md
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import ops
from .._tensor import Tensor

_MODES = ("constant", "reflect", "replicate", "circular")


def _ints(value: Any, n: int, name: str) -> tuple[int, ...]:
    """An int or a sequence of `n` ints, as a tuple of `n` ints."""
    many = tuple(value) if isinstance(value, Sequence) else (value,) * n
    if len(many) == 1:
        many *= n
    if len(many) != n or not all(isinstance(v, int | np.integer) for v in many):
        raise TypeError(f"{name} must be an int or a tuple of {n} ints, got {value!r}")
    return tuple(int(v) for v in many)


# ------------------------------------------------------------------------- padding


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant",
        value: float | None = None) -> Tensor:  # fmt: skip
    """Pad the last len(pad) // 2 dimensions: pad = (left, right) for the last,
    then (top, bottom) for the one before, ...; negative sizes crop. "constant"
    fills with `value` (0), "reflect" mirrors without the edge, "replicate" repeats
    the edge, "circular" wraps around."""
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(
            f"Padding length should be less than or equal to two times "
            f"the input dimension but got padding length {len(pad)} and "
            f"input of dimension {input.ndim}"
        )
    if mode not in _MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    sides = [(int(pad[2 * i]), int(pad[2 * i + 1])) for i in range(len(pad) // 2)]
    if mode == "constant":
        return _constant_pad(input, sides, 0 if value is None else value)
    out = input
    for i, (before, after) in enumerate(sides):
        dim, n = input.ndim - 1 - i, input.shape[input.ndim - 1 - i]
        if max(before, after) >= n + (mode == "circular"):
            raise RuntimeError(
                f"Padding size should be less than the corresponding "
                f"input dimension, but got: padding ({before}, {after}) "
                f"at dimension {dim} of input {list(input.shape)}"
            )
        where = np.arange(-before, n + after)  # the source of each output position
        if mode == "reflect":
            where = (n - 1) - np.abs((n - 1) - np.abs(where))
        where = np.clip(where, 0, n - 1) if mode == "replicate" else where % n
        out = out[(slice(None),) * dim + (where,)]
    return out


def _constant_pad(input: Tensor, sides: list[tuple[int, int]], value: float) -> Tensor:
    """Crop where a side is negative, then write the rest into a tensor of `value`."""
    shape, crop, inside = list(input.shape), [slice(None)] * input.ndim, []
    for i, (before, after) in enumerate(sides):
        dim = input.ndim - 1 - i
        n = shape[dim]
        kept = n - max(-before, 0) - max(-after, 0)
        crop[dim] = slice(max(-before, 0), max(-before, 0) + kept)
        inside.insert(0, slice(max(before, 0), max(before, 0) + kept))
        shape[dim] = n + before + after
    if min(shape) < 0:
        raise RuntimeError(
            f"The input size {list(input.shape)}, plus negative padding "
            f"resulted in a negative output size"
        )
    if any(s != slice(None) for s in crop):
        input = input[tuple(crop)]
    full = Tensor._wrap(np.full(shape, value, input._data.dtype), None)
    index = (Ellipsis, *inside) if inside else (Ellipsis,)
    return ops.IndexPut.apply(full, input, index=index)


# --------------------------------------------------------------------- convolution


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:  # fmt: skip
    """1-d convolution of sequences (N, C, L) with weight (out_channels,
    C / groups, k): conv2d on images one pixel high."""
    return _conv(1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:  # fmt: skip
    """2-d convolution (cross-correlation, as PyTorch's) of images (N, C, H, W) with
    weight (out_channels, C / groups, kh, kw); padding is a size, a pair, "valid"
    (none) or "same" (the output as large as the input)."""
    return _conv(2, input, weight, bias, stride, padding, dilation, groups)


def _conv(dims: int, input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any,
          padding: Any, dilation: Any, groups: int) -> Tensor:  # fmt: skip
    op = f"conv{dims}d"
    if input.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(
            f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) "
            f"input to {op}, but got input of size: {list(input.shape)}"
        )
    if weight.ndim != dims + 2:
        raise RuntimeError(
            f"{op}: the weight has shape {tuple(weight.shape)}; it needs "
            f"{dims + 2} dimensions (out_channels, in_channels, ...)"
        )
    stride, dilation = _ints(stride, dims, "stride"), _ints(dilation, dims, "dilation")
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        padding = _ints(padding, dims, "padding")
    x = input if input.ndim == dims + 2 else input.unsqueeze(0)
    if dims == 1:  # one pixel high
        x, weight = x.unsqueeze(2), weight.unsqueeze(2)
        stride, dilation = (1, *stride), (1, *dilation)
        padding = padding if isinstance(padding, str) else (0, *padding)
    out = _conv2d(x, weight, bias, stride, padding, dilation, groups)
    out = out.squeeze(2) if dims == 1 else out
    return out if input.ndim == dims + 2 else out.squeeze(0)


def _check_conv(x: Tensor, weight: Tensor, bias: Tensor | None, groups: int) -> None:
    out_channels, channels = weight.shape[0], weight.shape[1] * groups
    if groups < 1 or out_channels % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be at least "
            f"{groups} at dimension 0 and divisible by groups"
        )
    if x.shape[1] != channels:
        raise RuntimeError(
            f"Given groups={groups}, weight of size "
            f"{list(weight.shape)}, expected input{list(x.shape)} to "
            f"have {channels} channels, but got {x.shape[1]} channels "
            f"instead"
        )
    if bias is not None and bias.shape != (out_channels,):
        raise RuntimeError(
            f"Given weight of size {list(weight.shape)}, expected bias "
            f"to be 1-dimensional with {out_channels} elements, but got "
            f"bias of size {list(bias.shape)} instead"
        )
    for other, name in ((weight, "weight"), (bias, "bias")):
        if other is not None and other.dtype != x.dtype:
            raise RuntimeError(
                f"Input type ({x.dtype.name}) and {name} type "
                f"({other.dtype.name}) should be the same"
            )


def _conv2d(x: Tensor, weight: Tensor, bias: Tensor | None, stride: tuple[int, int],
            padding: Any, dilation: tuple[int, int], groups: int
            ) -> Tensor:  # fmt: skip
    """The convolution of a batch of images: im2col, then one matrix product."""
    _check_conv(x, weight, bias, groups)
    if min(stride) < 1 or min(dilation) < 1:
        raise RuntimeError(
            f"non-positive {'stride' if min(stride) < 1 else 'dilation'} "
            f"is not supported"
        )
    out_channels, in_channels, kh, kw = weight.shape
    reach = ((kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1)  # a dilated window
    if padding == "same":
        if stride != (1, 1):
            raise RuntimeError(
                "padding='same' is not supported for strided convolutions"
            )
        top, left = (reach[0] - 1) // 2, (reach[1] - 1) // 2
        bottom, right = reach[0] - 1 - top, reach[1] - 1 - left
        if (bottom, right) != (top, left):  # an even window: one more after than before
            x, padding = pad(x, (left, right, top, bottom)), (0, 0)
        else:
            padding = (top, left)
    padding = (0, 0) if padding == "valid" else padding
    if min(padding) < 0:
        raise RuntimeError("negative padding is not supported")
    n, _, h, w = x.shape
    size = (h + 2 * padding[0], w + 2 * padding[1])
    if size[0] < reach[0] or size[1] < reach[1]:
        raise RuntimeError(
            f"Calculated padded input size per channel: ({size[0]} x "
            f"{size[1]}). Kernel size: ({reach[0]} x {reach[1]}). Kernel "
            f"size can't be greater than actual input size"
        )
    columns = ops.Unfold.apply(x, kernel_size=reach, stride=stride, padding=padding)
    if reach != (kh, kw):  # every d-th row and column of the larger window
        columns = columns.reshape(x.shape[1], *reach, -1)[
            :, :: dilation[0], :: dilation[1]
        ]
        columns = columns.reshape(x.shape[1] * kh * kw, -1)
    if groups == 1:
        out = weight.reshape(out_channels, -1) @ columns  # (out_channels, OH*OW*N)
    else:  # each group's filters see only its channels' rows of the columns
        blocks = columns.reshape(groups, in_channels * kh * kw, -1)
        out = weight.reshape(groups, out_channels // groups, -1) @ blocks
        out = out.reshape(out_channels, -1)
    if bias is not None:
        out = out + bias.reshape(out_channels, 1)
    oh = (size[0] - reach[0]) // stride[0] + 1
    ow = (size[1] - reach[1]) // stride[1] + 1
    return out.reshape(out_channels, oh, ow, n).permute(3, 0, 1, 2)
