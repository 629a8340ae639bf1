"""Creation functions: new tensors from data (``tensor``, ``as_tensor``,
``from_numpy``), from a shape (``zeros``, ``full``, ``eye``, ...), from a range
(``arange``, ``linspace``), or shaped like another tensor (``zeros_like``,
``x.new_zeros``), with PyTorch's keywords: dtype=, device= (the CPU) and
requires_grad=. The random ones are in sampling.py.

Book: book/modules/01_tensor.md
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import dtypes
from ._tensor import Tensor, method
from .devices import as_device
from .indexing import sizes


def made(array: np.ndarray, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A new leaf tensor holding `array` (no copy)."""
    as_device(device)
    out = Tensor._wrap(array, None)
    if requires_grad:
        out.requires_grad = True  # checked: floating-point only
    return out


def tensor(
    data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:  # fmt: skip
    """A new tensor holding a copy of `data`: Python floats in the default dtype
    (float32), ints as int64, a numpy array in its own dtype."""
    return made(dtypes.as_array(data, dtype), requires_grad, device)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """`data` as a tensor, sharing memory with a numpy array or tensor when no
    conversion is needed."""
    if isinstance(data, Tensor) and (dtype is None or data.dtype == dtype):
        as_device(device)
        return data
    if isinstance(data, np.ndarray) and (dtype is None or data.dtype == dtype):
        return made(dtypes.as_array(data) if data.dtype not in _OK else data,
                    False, device)  # fmt: skip
    return tensor(data, dtype, device)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing the numpy array's memory and dtype."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    return as_tensor(ndarray)


def shape_of(op: str, size: tuple[Any, ...]) -> tuple[int, ...]:
    """Sizes given as f(2, 3) or f((2, 3)), checked as PyTorch checks them."""
    shape = sizes(size)
    if any(n < 0 for n in shape):
        raise RuntimeError(f"{op}: Dimension size must be non-negative, got {shape}")
    return shape


def float_type(dtype: Any) -> np.dtype:
    """`dtype` as numpy's, the default float dtype if None."""
    return dtypes.default_float() if dtype is None else dtypes.as_dtype(dtype).dtype


def _filled(op: str, value: Any, size: tuple[Any, ...], dtype: Any, device: Any,
            requires_grad: bool) -> Tensor:  # fmt: skip
    array = np.full(shape_of(op, size), value, float_type(dtype))
    return made(array, requires_grad, device)


def zeros(*sizes_: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:  # fmt: skip
    """A tensor of zeros (the default float dtype unless `dtype` says)."""
    size = sizes_ if size is None else (size,)
    return _filled("zeros", 0, size, dtype, device, requires_grad)


def ones(*sizes_: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:  # fmt: skip
    """A tensor of ones."""
    size = sizes_ if size is None else (size,)
    return _filled("ones", 1, size, dtype, device, requires_grad)


def empty(*sizes_: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:  # fmt: skip
    """A tensor whose values are not to be relied on (tinytorch's are zeros)."""
    size = sizes_ if size is None else (size,)
    return _filled("empty", 0, size, dtype, device, requires_grad)


def full(size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:  # fmt: skip
    """A tensor of shape `size` (a tuple) filled with `fill_value`, whose dtype it
    takes unless `dtype` says: bool, int64 or the default float."""
    if not isinstance(size, tuple | list):
        raise TypeError(f"full(): argument 'size' must be tuple of ints, not "
                        f"{type(size).__name__}")  # fmt: skip
    value = getattr(fill_value, "_data", fill_value)
    if dtype is None:
        dtype = dtypes.as_array(value).dtype
    return _filled("full", value, tuple(size), dtype, device, requires_grad)


def _like(fill: Any, input: Tensor, dtype: Any, device: Any,
          requires_grad: bool) -> Tensor:  # fmt: skip
    dt = input._data.dtype if dtype is None else dtypes.as_dtype(dtype).dtype
    return made(np.full(input._data.shape, fill, dt), requires_grad, device)


def zeros_like(input: Tensor, *, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Zeros of the input's shape and dtype."""
    return _like(0, input, dtype, device, requires_grad)


def ones_like(input: Tensor, *, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Ones of the input's shape and dtype."""
    return _like(1, input, dtype, device, requires_grad)


def empty_like(input: Tensor, *, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:  # fmt: skip
    """A tensor of the input's shape and dtype, values not to be relied on."""
    return _like(0, input, dtype, device, requires_grad)


def full_like(input: Tensor, fill_value: Any, *, dtype: Any = None,
              device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """`fill_value` everywhere, in the input's shape and dtype."""
    return _like(fill_value, input, dtype, device, requires_grad)


@method
def new_zeros(self: Tensor, *sizes_: Any, size: Any = None, dtype: Any = None,
              device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Zeros of shape `size`, in this tensor's dtype unless `dtype` says."""
    return zeros(*sizes_, size=size, dtype=dtype or self.dtype, device=device,
                 requires_grad=requires_grad)  # fmt: skip


@method
def new_ones(self: Tensor, *sizes_: Any, size: Any = None, dtype: Any = None,
              device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Ones of shape `size`, in this tensor's dtype unless `dtype` says."""
    return ones(*sizes_, size=size, dtype=dtype or self.dtype, device=device,
                 requires_grad=requires_grad)  # fmt: skip


@method
def new_empty(self: Tensor, *sizes_: Any, size: Any = None, dtype: Any = None,
              device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """A tensor of shape `size` in this tensor's dtype, values not to be relied on."""
    return empty(*sizes_, size=size, dtype=dtype or self.dtype, device=device,
                 requires_grad=requires_grad)  # fmt: skip


@method
def new_full(self: Tensor, size: Any, fill_value: Any, *, dtype: Any = None,
             device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """`fill_value` everywhere, of shape `size`, in this tensor's dtype."""
    return full(size, fill_value, dtype=dtype or self.dtype, device=device,
                requires_grad=requires_grad)  # fmt: skip


@method
def new_tensor(self: Tensor, data: Any, *, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:  # fmt: skip
    """A copy of `data` as a new tensor, in this tensor's dtype unless `dtype` says."""
    return tensor(data, dtype or self.dtype, device, requires_grad)


def _number(value: Any) -> Any:
    return value.item() if isinstance(value, Tensor) else value


def arange(start: Any = 0, end: Any = None, step: Any = 1, *, dtype: Any = None,
           device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """start, start + step, ... up to but not including `end` (arange(end) starts at
    0): int64 if all three are integers, else the default float dtype."""
    if end is None:
        start, end = 0, start
    start, end, step = _number(start), _number(end), _number(step)
    if not all(math.isfinite(v) for v in (start, end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    whole = all(isinstance(v, int | np.integer) for v in (start, end, step))
    dt = np.dtype(np.int64) if whole and dtype is None else float_type(dtype)
    if dt.kind in "iub" and not whole:  # an integer dtype counts in whole numbers
        start, end, step, whole = int(start), int(end), int(step), True
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    count = math.ceil((end - start) / step)
    if whole:
        values = np.arange(start, end, step, dtype=np.int64)
    else:  # in float64, as PyTorch computes, then in the tensor's dtype
        values = start + np.arange(count, dtype=np.float64) * step
    return made(values.astype(dt, copy=False), requires_grad, device)


def linspace(start: Any, end: Any, steps: int, *, dtype: Any = None,
             device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """`steps` evenly spaced values from start to end, both included; in the default
    float dtype unless `dtype` says."""
    start, end = _number(start), _number(end)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    step = (end - start) / (steps - 1) if steps > 1 else 0.0
    i = np.arange(steps, dtype=np.float64)
    # from both ends, as PyTorch: the last value is `end` exactly
    values = np.where(i < steps // 2, start + step * i, end - step * (steps - 1 - i))
    return made(values.astype(float_type(dtype)), requires_grad, device)


def logspace(start: Any, end: Any, steps: int, base: float = 10.0, *,
             dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:  # fmt: skip
    """base ** linspace(start, end, steps)."""
    exponents = linspace(start, end, steps, dtype=np.float64)._data
    return made((base**exponents).astype(float_type(dtype)), requires_grad, device)


def eye(n: int, m: int | None = None, *, dtype: Any = None, device: Any = None,
        requires_grad: bool = False) -> Tensor:  # fmt: skip
    """The n x m identity matrix (square if m is not given)."""
    return made(np.eye(n, n if m is None else m, dtype=float_type(dtype)),
                requires_grad, device)  # fmt: skip


_OK = set(dtypes._BY_NUMPY)
