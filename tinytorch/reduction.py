"""Reductions: many numbers summed up along dimensions (``x.sum(dim=1)``), and the
normalisations along one (softmax). `dim` and `keepdim` are PyTorch's names; numpy's
`axis` and `keepdims` are taken too, as PyTorch takes them.

Book: book/modules/05_autograd.md
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from . import dtypes, ops
from ._tensor import Tensor, method
from .checks import check_dim, numpy_names
from .pointwise import floating

values_indices = namedtuple(
    "values_indices", ["values", "indices"]
)  # torch.return_types


def dims(input: Tensor, dim: Any, axis: Any = None) -> int | tuple[int, ...] | None:
    """The dimensions to reduce, non-negative: `dim` (or numpy's `axis`), one or a
    tuple of them; None for all."""
    dim = axis if dim is None else dim
    if dim is None or (isinstance(dim, tuple | list) and not dim):
        return None
    if isinstance(dim, tuple | list):
        chosen = tuple(check_dim(d, input.ndim) for d in dim)
        if len(set(chosen)) != len(chosen):
            raise RuntimeError(
                f"dim {chosen} appears multiple times in the list of dims"
            )
        return chosen
    return check_dim(dim, input.ndim)


@method
@numpy_names
def sum(  # noqa: A001 (PyTorch's name)
    input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None
) -> Tensor:
    """Sum over `dim` (all dimensions by default); booleans and integers sum in
    int64, as PyTorch."""
    if dtype is not None:
        input = input.to(dtype)
    elif input._data.dtype.kind in "bui":
        input = input.to(dtypes.int64)
    return ops.Sum.apply(input, axis=dims(input, dim), keepdims=keepdim)


@method
@numpy_names
def mean(
    input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None
) -> Tensor:
    """Mean over `dim` (all dimensions by default) of a floating-point tensor."""
    input = input if dtype is None else input.to(dtype)
    if input._data.dtype.kind != "f":
        raise RuntimeError(
            f"mean(): could not infer output dtype. Input dtype must be either a "
            f"floating point or complex dtype. Got: {input.dtype.name}"
        )
    axes = dims(input, dim)
    chosen = range(input.ndim) if axes is None else np.atleast_1d(axes)
    count = int(np.prod([input._data.shape[a] for a in chosen]))
    total = ops.Sum.apply(input, axis=axes, keepdims=keepdim)
    return total / count  # nan for no elements, as PyTorch


@method
@numpy_names
def max(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    """The largest value (ties share the gradient); along `dim`, the named pair
    (values, indices); with a tensor, the elementwise maximum."""
    if isinstance(dim, Tensor):
        return input.maximum(dim)
    return _extreme(input, dim, keepdim, np.argmax, "max")


@method
@numpy_names
def min(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    """The smallest value; along `dim`, the named pair (values, indices); with a
    tensor, the elementwise minimum."""
    if isinstance(dim, Tensor):
        return input.minimum(dim)
    return _extreme(input, dim, keepdim, np.argmin, "min")


def _extreme(input: Tensor, dim: Any, keepdim: bool, pick: Any, name: str) -> Any:
    if input._data.size == 0:
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
            f"Specify the reduction dim with the 'dim' argument."
        )
    if dim is None:
        sign = 1 if name == "max" else -1
        return sign * ops.Max.apply(sign * input, axis=None, keepdims=False)
    d = check_dim(dim, input.ndim)
    indices = np.expand_dims(pick(input._data, axis=d), d)
    values = ops.Gather.apply(input, index=indices, axis=d)
    index = Tensor._wrap(indices.astype(np.int64), None)
    if not keepdim:
        values, index = values.squeeze(d), index.squeeze(d)
    return values_indices(values, index)


@method
@numpy_names
def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """The position of the largest value (in the flattened tensor if no `dim`)."""
    return _position(input, dim, keepdim, np.argmax)


@method
@numpy_names
def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """The position of the smallest value (in the flattened tensor if no `dim`)."""
    return _position(input, dim, keepdim, np.argmin)


def _position(input: Tensor, dim: int | None, keepdim: bool, pick: Any) -> Tensor:
    if dim is None:
        found = pick(input._data)
        shape = (1,) * input.ndim if keepdim else ()
        return Tensor._wrap(np.asarray(found, np.int64).reshape(shape), None)
    found = pick(input._data, axis=check_dim(dim, input.ndim), keepdims=keepdim)
    return Tensor._wrap(found.astype(np.int64), None)


@method
@numpy_names
def softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """exp(x) / sum(exp(x)) along `dim`, shifted by the max: it never overflows."""
    input = floating(input if dtype is None else input.to(dtype))
    return ops.Softmax.apply(input, axis=check_dim(dim, input.ndim))


@method
@numpy_names
def log_softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """log(softmax(x)), computed stably as z - log(sum(exp(z))), z = x - max(x)."""
    input = floating(input if dtype is None else input.to(dtype))
    d = check_dim(dim, input.ndim)
    z = input - ops.Max.apply(input, axis=d, keepdims=True).detach()
    return z - z.exp().sum(d, keepdim=True).log()
