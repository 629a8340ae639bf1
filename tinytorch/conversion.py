"""Conversions: a tensor as numpy or Python values (``x.numpy()``, ``x.item()``),
in another dtype (``x.float()``, ``x.to(torch.int64)``) or in new memory
(``x.clone()``). Casts and copies stay in the graph, as in PyTorch: the gradient
flows back through a cast, converted to the input's dtype.

Book: book/modules/01_tensor.md
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes, ops
from ._tensor import Tensor, method
from .devices import as_device, device


@method
def numpy(self: Tensor, force: bool = False) -> np.ndarray:
    """The values as a numpy array sharing this tensor's memory."""
    if self._requires_grad and not force:
        raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                           "tensor.detach().numpy() instead.")  # fmt: skip
    return self._data


@method
def item(self: Tensor) -> float | int | bool:
    """The value of a one-element tensor as a Python number."""
    if self._data.size != 1:
        raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be "
                           f"converted to Scalar")  # fmt: skip
    return self._data.item()


@method
def tolist(self: Tensor) -> Any:
    """The values as (nested lists of) Python numbers."""
    return self._data.tolist()


@method
def to(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """The tensor in another dtype or on a device: to(dtype), to(device),
    to(device, dtype), to(other tensor); itself if nothing changes."""
    dtype, copy = kwargs.pop("dtype", None), kwargs.pop("copy", False)
    as_device(kwargs.pop("device", None))
    kwargs.pop("non_blocking", None)
    if kwargs:
        raise TypeError(f"to() got unexpected arguments {sorted(kwargs)}")
    for arg in args:
        if isinstance(arg, Tensor):
            dtype = arg.dtype
        elif isinstance(arg, str | device):
            as_device(arg)
        else:
            dtype = arg
    if dtype is None or dtypes.as_dtype(dtype) == self.dtype:
        return clone(self) if copy else self
    return ops.Copy.apply(self, dtype=dtypes.as_dtype(dtype).dtype)


@method
def type(self: Tensor, dtype: Any = None) -> Tensor | str:  # noqa: A001
    """The type's name without an argument, else the tensor in that dtype."""
    if dtype is None:
        return f"tinytorch.{_TYPE_NAMES[self._data.dtype.name]}"
    return to(self, dtype)


@method
def clone(input: Tensor) -> Tensor:
    """A copy in new memory, still in the graph."""
    return ops.Copy.apply(input, dtype=input._data.dtype)


@method
def contiguous(self: Tensor) -> Tensor:
    """Itself if row-major in memory, else a row-major copy."""
    if self._data.flags.c_contiguous:
        return self
    return ops.Copy.apply(self, dtype=self._data.dtype, order="C")


@method
def cpu(self: Tensor) -> Tensor:
    """Itself: tensors live on the CPU."""
    return self


@method
def cuda(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """An error: tinytorch runs on the CPU only."""
    as_device("cuda")
    return self


def _cast_method(name: str, target: dtypes.dtype) -> None:
    def cast(self: Tensor) -> Tensor:
        return to(self, target)

    cast.__name__ = cast.__qualname__ = name
    cast.__doc__ = f"The tensor as {target.name} (in the graph; itself if it is)."
    method(cast)


for _name, _target in (("half", dtypes.float16), ("float", dtypes.float32),
                       ("double", dtypes.float64), ("short", dtypes.int16),
                       ("int", dtypes.int32), ("long", dtypes.int64),
                       ("bool", dtypes.bool_), ("byte", dtypes.uint8),
                       ("char", dtypes.int8)):  # fmt: skip
    _cast_method(_name, _target)

_TYPE_NAMES = {"bool": "BoolTensor", "uint8": "ByteTensor", "int8": "CharTensor",
               "int16": "ShortTensor", "int32": "IntTensor", "int64": "LongTensor",
               "float16": "HalfTensor", "float32": "FloatTensor",
               "float64": "DoubleTensor"}  # fmt: skip


@method
def type_as(self: Tensor, tensor: Tensor) -> Tensor:
    """The tensor in the other tensor's dtype."""
    return to(self, tensor.dtype)


def _filled(target: Tensor, value: Tensor) -> Tensor:
    """`value` broadcast to the target's shape, as a new tensor in the graph (the
    target's old values get no gradient)."""
    everywhere = np.ones((), bool)
    return ops.Where.apply(value, target, condition=everywhere)


@method
def fill_(self: Tensor, value: Any) -> Tensor:
    """Every element set to `value` (a number or a 0-d tensor), in place."""
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got "
                           f"tensor with {value.ndim} dimensions.")  # fmt: skip
    dt = self._data.dtype
    fill = value._as(dt) if isinstance(value, Tensor) else Tensor._wrap(
        np.asarray(value).astype(dt), None)  # fmt: skip
    return self._inplace(_filled, fill)


@method
def zero_(self: Tensor) -> Tensor:
    """Every element set to zero, in place."""
    return fill_(self, 0)


@method
def copy_(self: Tensor, src: Any, non_blocking: bool = False) -> Tensor:
    """The values of `src` (broadcast to this shape, converted to this dtype)
    copied in, in place; the gradient flows back to `src`."""
    if not isinstance(src, Tensor | int | float | bool):
        raise TypeError(f"copy_(): argument 'other' must be Tensor, not "
                        f"{src.__class__.__name__}")  # fmt: skip
    if not isinstance(src, Tensor):
        src = Tensor._wrap(np.asarray(src), None)
    try:
        fits = np.broadcast_shapes(src.shape, self.shape) == self.shape
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError(f"copy_: values of shape {list(src.shape)} do not "
                           f"broadcast to the shape {list(self.shape)}")  # fmt: skip
    return self._inplace(_filled, src._as(self._data.dtype))
