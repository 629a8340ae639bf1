"""Pooling, as ``torch.nn.functional`` has it: each window of an image (N, C, H, W)
or (C, H, W) summed up by one number, its maximum or its mean; the 1-d functions are
the 2-d ones on images one pixel high. The windows are the columns `ops.Unfold`
lays out for a convolution, reduced instead of multiplied.

Book: book/modules/09_convolutions.md
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import ops
from .._tensor import Tensor
from .functional_conv import _ints, pad


def _pooled(size: int, reach: int, stride: int, padding: int, ceil_mode: bool) -> int:
    """How many windows fit (PyTorch's rule: with ceil_mode a last, partial window
    counts if it starts inside the input or its left padding)."""
    count = (
        size + 2 * padding - reach + (stride - 1 if ceil_mode else 0)
    ) // stride + 1
    return count - 1 if ceil_mode and (count - 1) * stride >= size + padding else count


def _windows(op: str, x: Tensor, kernel_size: Any, stride: Any, padding: Any,
             dilation: Any, ceil_mode: bool, fill: float
             ) -> tuple[Tensor, tuple]:  # fmt: skip
    """The pooling windows of images x (N, C, H, W) as columns (C, kh*kw, OH*OW*N),
    with the output's shape (C, OH, OW, N); padding is filled with `fill`."""
    kernel = _ints(kernel_size, 2, "kernel_size")
    stride = kernel if stride is None or stride == [] else _ints(stride, 2, "stride")
    padding, dilation = _ints(padding, 2, "padding"), _ints(dilation, 2, "dilation")
    if min(stride) < 1 or min(kernel) < 1 or min(dilation) < 1:
        raise RuntimeError(
            f"{op}: kernel_size, stride and dilation must be positive, "
            f"got {kernel}, {stride} and {dilation}"
        )
    reach = tuple((k - 1) * d + 1 for k, d in zip(kernel, dilation, strict=True))
    for p, k, d in zip(padding, kernel, dilation, strict=True):
        if not 0 <= p <= ((k - 1) * d + 1) // 2:
            raise RuntimeError(
                f"pad should be at most half of effective kernel size, "
                f"but got pad={p}, kernel_size={k} and dilation={d}"
            )
    n, c, h, w = x.shape
    oh, ow = (
        _pooled(s, r, st, p, ceil_mode)
        for s, r, st, p in zip((h, w), reach, stride, padding, strict=True)
    )
    if oh < 1 or ow < 1:
        raise RuntimeError(
            f"Given input size: ({c}x{h}x{w}). Calculated output size: "
            f"({c}x{oh}x{ow}). Output size is too small"
        )
    # pad after the input just enough that exactly oh x ow windows fit
    bottom = max((oh - 1) * stride[0] + reach[0] - padding[0] - h, 0)
    right = max((ow - 1) * stride[1] + reach[1] - padding[1] - w, 0)
    if max(padding) or bottom or right:
        x = pad(x, (padding[1], right, padding[0], bottom), value=fill)
    columns = ops.Unfold.apply(x, kernel_size=reach, stride=stride, padding=(0, 0))
    if reach != kernel:
        columns = columns.reshape(c, *reach, -1)[:, :: dilation[0], :: dilation[1]]
    return columns.reshape(c, kernel[0] * kernel[1], -1), (c, oh, ow, n)


def _images(pool: Callable[..., Tensor], input: Tensor, dims: int, *args: Any
            ) -> Tensor:  # fmt: skip
    """`pool` on images (N, C, H, W), for input of `dims` spatial dimensions, batched
    or not; 1-d input is images one pixel high."""
    if input.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(
            f"Expected {dims + 1}D or {dims + 2}D input to a {dims}-d "
            f"pooling, got input of size: {list(input.shape)}"
        )
    x = input if input.ndim == dims + 2 else input.unsqueeze(0)
    out = pool(x.unsqueeze(2), *args).squeeze(2) if dims == 1 else pool(x, *args)
    return out if input.ndim == dims + 2 else out.squeeze(0)


def _one_high(value: Any, fill: int) -> Any:
    """A 1-d pooling setting as the 2-d one of an image one pixel high."""
    return value if value is None or value == [] else (fill, *_ints(value, 1, "size"))


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False
               ) -> Tensor:  # fmt: skip
    """The maximum of each window; its gradient goes to the first maximum (in
    reading order), as PyTorch's does. Padding never wins (it is -inf)."""
    if return_indices:
        raise NotImplementedError(
            "max_pool2d(return_indices=True) is not part of tinytorch"
        )

    def pool(x: Tensor) -> Tensor:
        windows, shape = _windows(
            "max_pool2d",
            x,
            kernel_size,
            stride,
            padding,
            dilation,
            ceil_mode,
            -math.inf,
        )
        return windows.max(1).values.reshape(shape).permute(3, 0, 1, 2)

    return _images(pool, input, 2)


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False
               ) -> Tensor:  # fmt: skip
    """The maximum of each window of sequences (N, C, L)."""
    settings = [
        _one_high(v, f)
        for v, f in ((kernel_size, 1), (stride, 1), (padding, 0), (dilation, 1))
    ]
    return _images(
        lambda x: max_pool2d(x, *settings, ceil_mode, return_indices), input, 1
    )


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:  # fmt: skip
    """The mean of each window. Zero padding counts in the mean unless
    count_include_pad=False; a window that hangs over the padding (ceil_mode)
    counts only what it covers."""

    def pool(x: Tensor) -> Tensor:
        windows, shape = _windows(
            "avg_pool2d", x, kernel_size, stride, padding, 1, ceil_mode, 0.0
        )
        divisor = divisor_override
        if divisor is None:
            size, step = _ints(kernel_size, 2, "kernel_size"), stride or kernel_size
            rows, cols = (
                _covered(*a, count_include_pad)
                for a in zip(
                    x.shape[2:],
                    size,
                    _ints(step, 2, "stride"),
                    _ints(padding, 2, "padding"),
                    shape[1:3],
                    strict=True,
                )
            )
            divisor = np.multiply.outer(rows, cols)[None, :, :, None]
        divisor = Tensor._wrap(np.asarray(divisor, x._data.dtype), None)
        return (windows.sum(1).reshape(shape) / divisor).permute(3, 0, 1, 2)

    return _images(pool, input, 2)


def _covered(size: int, kernel: int, stride: int, padding: int, count: int,
             include_pad: bool) -> np.ndarray:  # fmt: skip
    """How many positions each of `count` windows averages over, along one axis."""
    start = np.arange(count) * stride - padding
    end = np.minimum(start + kernel, size + padding)
    if include_pad:
        return end - start
    return np.minimum(end, size) - np.maximum(start, 0)


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True
               ) -> Tensor:  # fmt: skip
    """The mean of each window of sequences (N, C, L)."""
    kernel, step = _one_high(kernel_size, 1), _one_high(stride, 1)
    return _images(
        lambda x: avg_pool2d(
            x, kernel, step, _one_high(padding, 0), ceil_mode, count_include_pad
        ),
        input,
        1,
    )


def _averaging(size: int, out: int, dtype: np.dtype) -> np.ndarray:
    """The (out, size) matrix whose row i averages positions floor(i size / out) to
    ceil((i + 1) size / out) - 1: adaptive pooling is a product with it."""
    matrix = np.zeros((out, size), dtype)
    for i in range(out):
        start, end = i * size // out, -(-(i + 1) * size // out)
        matrix[i, start:end] = 1 / (end - start)
    return matrix


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Means over windows chosen so that the output is `output_size` (an int, a
    pair, None keeping a size), whatever the input's: A_h @ x @ A_w^T."""
    sizes = output_size if isinstance(output_size, Sequence) else (output_size,) * 2
    h, w = input.shape[-2:]
    oh, ow = (s if o is None else o for o, s in zip(sizes, (h, w), strict=True))
    dt = input._data.dtype
    rows = Tensor._wrap(_averaging(h, oh, dt), None)
    cols = Tensor._wrap(_averaging(w, ow, dt).T.copy(), None)
    return rows @ input @ cols


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """Means over windows chosen so that the last axis becomes `output_size`."""
    (size,) = _ints(output_size, 1, "output_size")
    dt = input._data.dtype
    return input @ Tensor._wrap(_averaging(input.shape[-1], size, dt).T.copy(), None)
