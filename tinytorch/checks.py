"""The library's argument checks: a bad shape, axis, size or setting becomes an error
that names the op, the argument, the value and what is allowed.

Book: book/modules/01_tensor.md
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np


class ShapeError(RuntimeError, ValueError):
    """An op got shapes that do not fit together; the message names the op and them.
    A RuntimeError, as PyTorch raises for these."""


def _is_int(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def check_axes(op: str, axis: Any, ndim: int) -> int | tuple[int, ...] | None:
    """`axis` (an int, a tuple of them, or None for all) made non-negative, checked
    against `ndim`."""
    if axis is None:
        return None
    many = isinstance(axis, tuple | list)
    for a in tuple(axis) if many else (axis,):
        if not _is_int(a) or not -ndim <= a < ndim:
            valid = f"-{ndim}..{ndim - 1}" if ndim else "none: the tensor is 0-d"
            raise ShapeError(
                f"{op}: axis {a!r} is out of range for {ndim} dimensions "
                f"(valid: {valid})"
            )
    normal = tuple(int(a) % ndim for a in axis) if many else int(axis) % ndim
    if many and len(set(normal)) != len(normal):
        raise ShapeError(f"{op}: axis {axis!r} names a dimension twice")
    return normal


def check_permutation(axes: tuple[Any, ...], ndim: int) -> tuple[int, ...]:
    """transpose's axes, given as (1, 0) or ((1, 0),), as a checked permutation;
    none at all reverses the axes."""
    if len(axes) == 1 and isinstance(axes[0], tuple | list):
        axes = tuple(axes[0])
    if not axes:
        return tuple(reversed(range(ndim)))
    normal = check_axes("transpose", tuple(axes), ndim)
    if len(normal) != ndim:
        raise ShapeError(f"transpose: axes {axes} do not permute {ndim} dimensions")
    return normal


def check_sizes(op: str, shape: tuple[Any, ...]) -> tuple[int, ...]:
    """Sizes given as zeros(2, 3) or zeros((2, 3)), checked to be whole and >= 0."""
    if len(shape) == 1 and isinstance(shape[0], tuple | list):
        shape = tuple(shape[0])
    if not all(_is_int(n) and n >= 0 for n in shape):
        raise ValueError(f"{op}: sizes must be non-negative integers, got {shape}")
    return tuple(int(n) for n in shape)


def check_int(owner: str, name: str, value: Any, low: int | None = 1) -> None:
    """Refuse what is not a whole number >= `low`: 2.5, "4" or True is a TypeError
    (as PyTorch), -1 a ValueError; with low=None any integer will do (a seed)."""
    if not _is_int(value) or (low is not None and value < low):
        bound = "" if low is None else f" >= {low}"
        error = ValueError if _is_int(value) else TypeError
        raise error(f"{owner}: {name} must be an integer{bound}, got {value!r}")


def check_number(
    owner: str,
    name: str,
    value: Any,
    low: float = 0,
    high: float = math.inf,
    low_inclusive: bool = True,
    high_inclusive: bool = False,
) -> None:
    """Refuse a setting that is not a finite number in its range, naming both."""
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    ok = ok and math.isfinite(value)
    ok = ok and (low <= value if low_inclusive else low < value)
    ok = ok and (value <= high if high_inclusive else value < high)
    if not ok:
        left, right = "[" if low_inclusive else "(", "]" if high_inclusive else ")"
        upper = "inf" if high == math.inf else f"{high:g}"
        raise ValueError(
            f"{owner}: {name} must be a finite number in {left}{low:g}, "
            f"{upper}{right}, got {value!r}"
        )


def check_pair(owner: str, name: str, value: Any, low: int = 1) -> tuple[int, int]:
    """A window setting given as one int or an (h, w) pair, as PyTorch takes it:
    kernel_size=5 means (5, 5). Refuses anything but whole numbers >= `low`."""
    pair = tuple(value) if isinstance(value, tuple | list) else (value, value)
    if len(pair) != 2 or not all(_is_int(v) and v >= low for v in pair):
        raise ValueError(
            f"{owner}: {name} must be an integer >= {low} or a pair of them, "
            f"got {value!r}"
        )
    return int(pair[0]), int(pair[1])


def check_windows(
    op: str,
    shape: tuple[int, ...],
    kernel_size: tuple[int, int],
    padding: tuple[int, int],
) -> None:
    """Images (N, C, H, W) that a kernel fits, once padded: else a ShapeError."""
    if len(shape) != 4:
        raise ShapeError(
            f"{op}: the input has shape {shape}; it needs 4 dimensions, a batch of "
            f"images (N, C, H, W) (one image: x.reshape(1, *x.shape))"
        )
    size = (shape[2] + 2 * padding[0], shape[3] + 2 * padding[1])
    if kernel_size[0] > size[0] or kernel_size[1] > size[1]:
        raise ShapeError(
            f"{op}: kernel {kernel_size} is larger than the input {shape} padded by "
            f"{padding} ({size[0]}x{size[1]} pixels); use a smaller kernel, more "
            f"padding or larger images"
        )


def check_dim(dim: int, ndim: int) -> int:
    """A dimension counted from the end if negative, checked (PyTorch's message)."""
    low, high = (-ndim, ndim - 1) if ndim else (-1, 0)
    if not _is_int(dim):
        raise TypeError(f"dim must be an integer, got {dim!r}")
    if not low <= dim <= high:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{low}, {high}], but got {dim})")  # fmt: skip
    return int(dim) % max(ndim, 1)


def numpy_names(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Take numpy's keywords for PyTorch's, as PyTorch does: axis= for dim=,
    keepdims= for keepdim=."""

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        for numpy_name, name in (("axis", "dim"), ("keepdims", "keepdim")):
            if numpy_name in kwargs:
                if name in kwargs:
                    raise TypeError(f"{fn.__name__}() got both {name}= and "
                                    f"{numpy_name}=")  # fmt: skip
                kwargs[name] = kwargs.pop(numpy_name)
        return fn(*args, **kwargs)

    return call
