"""Creation functions: new tensors from data (``tensor``, ``as_tensor``,
``from_numpy``) or from a shape (``zeros``, ``randn``, ...), with PyTorch's
keywords: dtype=, device= (the CPU) and requires_grad=.

Book: book/modules/01_tensor.md
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes, random
from ._tensor import Tensor
from .devices import as_device
from .indexing import sizes


def _made(array: np.ndarray, requires_grad: bool, device: Any) -> Tensor:
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
    return _made(dtypes.as_array(data, dtype), requires_grad, device)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """`data` as a tensor, sharing memory with a numpy array or tensor when no
    conversion is needed."""
    if isinstance(data, Tensor) and (dtype is None or data.dtype == dtype):
        as_device(device)
        return data
    if isinstance(data, np.ndarray) and (dtype is None or data.dtype == dtype):
        return _made(dtypes.as_array(data) if data.dtype not in _OK else data,
                     False, device)  # fmt: skip
    return tensor(data, dtype, device)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing the numpy array's memory and dtype."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    return as_tensor(ndarray)


def _filled(fill: Any, size: tuple[Any, ...], dtype: Any, kw: dict[str, Any]) -> Tensor:
    dt = dtypes.default_float() if dtype is None else dtypes.as_dtype(dtype).dtype
    array = fill(sizes(size), dt)
    return _made(array, kw.get("requires_grad", False), kw.get("device"))


def zeros(*size: Any, dtype: Any = None, **kw: Any) -> Tensor:
    """A tensor of zeros (the default float dtype unless `dtype` says)."""
    return _filled(np.zeros, size, dtype, kw)


def ones(*size: Any, dtype: Any = None, **kw: Any) -> Tensor:
    """A tensor of ones."""
    return _filled(np.ones, size, dtype, kw)


def randn(*size: Any, dtype: Any = None, **kw: Any) -> Tensor:
    """Standard normal samples from tinytorch's seeded generator."""
    draw = random.rng().standard_normal
    return _filled(lambda s, dt: draw(s, dtype=dt.type), size, dtype, kw)


_OK = set(dtypes._BY_NUMPY)
