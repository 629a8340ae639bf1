"""How a DataLoader makes one batch of many samples, as PyTorch's default collate:
tensors and numpy arrays are stacked along a new first dimension, Python numbers
become a tensor (floats float64, ints int64), strings stay a list, and tuples,
lists and dicts are collated field by field, keeping their shape.

Book: book/modules/08_data_loading.md
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Mapping, MutableMapping, MutableSequence, Sequence
from typing import Any

import numpy as np

from ..._tensor import Tensor
from ...autograd import is_grad_enabled
from ...creation import as_tensor, tensor
from ...dtypes import float64, promote_types

UNSUPPORTED = re.compile(r"[SaUO]")  # numpy dtypes of strings and objects
ERROR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts "
         "or lists; found {}")  # fmt: skip


def default_collate(batch: Sequence[Any]) -> Any:
    """One batch of the samples in `batch`, built like each sample: a tensor of
    samples (a new first dimension), or a tuple's fields as a list, a dict's
    values by key, each collated the same way."""
    first = batch[0]
    if isinstance(first, Tensor):
        return _stack(batch)
    if isinstance(first, np.ndarray):
        if UNSUPPORTED.search(first.dtype.str):
            raise TypeError(ERROR.format(first.dtype))
        return _stack([as_tensor(sample) for sample in batch])
    if isinstance(first, np.bool_ | np.number):
        return as_tensor(np.array(batch))
    if isinstance(first, float):
        return tensor(batch, dtype=float64)
    if isinstance(first, int):  # and bool: a bool tensor, as PyTorch makes
        return tensor(batch)
    if isinstance(first, str | bytes):
        return batch
    if isinstance(first, Mapping):
        fields = {key: default_collate([s[key] for s in batch]) for key in first}
        return _rebuilt(first, fields)
    if isinstance(first, tuple) and hasattr(first, "_fields"):  # a named tuple
        return type(first)(*(default_collate(f) for f in zip(*batch, strict=True)))
    if isinstance(first, Sequence):
        if any(len(sample) != len(first) for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        fields = [default_collate(f) for f in zip(*batch, strict=True)]
        return fields if isinstance(first, tuple) else _rebuilt(first, fields)
    raise TypeError(ERROR.format(type(first)))


def default_convert(data: Any) -> Any:
    """A sample as a DataLoader with batch_size=None gives it: numpy arrays and
    numbers become tensors, inside tuples (as lists), lists and dicts too."""
    if isinstance(data, np.ndarray | np.bool_ | np.number):
        is_text = isinstance(data, np.ndarray) and UNSUPPORTED.search(data.dtype.str)
        return data if is_text else as_tensor(np.asarray(data))
    if isinstance(data, Mapping):
        return _rebuilt(data, {k: default_convert(v) for k, v in data.items()})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, Sequence) and not isinstance(data, str | bytes):
        return _rebuilt(data, [default_convert(d) for d in data])
    return data


def _stack(batch: Sequence[Tensor]) -> Tensor:
    """torch.stack(batch): the samples along a new first dimension."""
    shapes = [tuple(t.shape) for t in batch]
    for i, shape in enumerate(shapes):
        if shape != shapes[0]:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(shapes[0])} at entry 0 and {list(shape)} at "
                               f"entry {i}")  # fmt: skip
    if is_grad_enabled() and any(t.requires_grad for t in batch):
        import tinytorch  # the differentiable stack, for samples that need a graph

        return tinytorch.stack(list(batch))
    kinds = {t._data.dtype for t in batch}  # mixed dtypes meet as PyTorch's promote
    common = functools.reduce(promote_types, kinds).dtype if len(kinds) > 1 else None
    return Tensor._wrap(np.stack([t._data for t in batch], dtype=common), None)


def _rebuilt(like: Any, values: Any) -> Any:
    """`values` (a dict or a list) in the container type of `like`, as PyTorch
    keeps it: a mutable one copied and filled, another made from the values, or
    the plain dict or list if neither works."""
    try:
        if isinstance(like, MutableMapping | MutableSequence):
            clone = copy.copy(like)
            items = values.items() if isinstance(values, dict) else enumerate(values)
            for key, value in items:
                clone[key] = value
            return clone
        return type(like)(values)
    except TypeError:
        return values
