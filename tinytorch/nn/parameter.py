"""Parameter and Buffer, as PyTorch's ``torch/nn/parameter.py``: the tensors a module
owns. Assigned as a module's attribute, a Parameter is registered as something to
learn, a Buffer as state to keep and save but not to learn.

Book: book/modules/03_layers.md
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes
from .._tensor import Tensor
from ..creation import tensor
from ..devices import as_device


class Parameter(Tensor):
    """A learnable weight: a tensor that shares the memory of the tensor it is made
    from (cut from that tensor's graph) and requires grad unless told otherwise."""

    __slots__ = ()

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        _share(self, data, "Parameter")
        self.requires_grad = requires_grad

    def __repr__(self) -> str:
        return "Parameter containing:\n" + Tensor.__repr__(self)


class Buffer(Tensor):
    """State a module keeps but does not learn (BatchNorm's running statistics):
    saved by `state_dict` unless `persistent=False`, never given to an optimizer."""

    __slots__ = ("persistent",)

    def __init__(self, data: Tensor | None = None, *, persistent: bool = True) -> None:
        _share(self, data, "Buffer")
        self.persistent = persistent


def _share(t: Tensor, data: Any, kind: str) -> None:
    """Make `t` a leaf that shares `data`'s memory and version counter."""
    if data is None:
        data = tensor([])
    if not isinstance(data, Tensor):
        raise TypeError(
            f"{kind}(data): data must be a tensor, got {type(data).__name__}; "
            f"make one first, e.g. {kind}(torch.tensor(...))"
        )
    t._data, t._grad, t._ctx, t._base = data._data, None, None, None
    t._requires_grad, t._retains, t._version = False, False, data._version


def _fresh(shape: tuple[int, ...], device: Any = None, dtype: Any = None,
           order: str = "C") -> Parameter:  # fmt: skip
    """A Parameter of zeros for a layer to initialise: in `dtype` (the default
    float unless given), on `device` (the CPU), as PyTorch's factory keywords."""
    as_device(device)
    dt = dtypes.default_float() if dtype is None else dtypes.as_dtype(dtype).dtype
    return Parameter(Tensor._wrap(np.zeros(shape, dt, order=order), None))
