"""Reductions: many numbers summed up along dimensions (``x.sum(dim=1)``,
``x.max(1)``, ``x.var(0)``, ``x.norm()``), the running ones (``cumsum``), and the
normalisations along one (softmax). `dim` and `keepdim` are PyTorch's names; numpy's
`axis` and `keepdims` are taken too, as PyTorch takes them.

Book: book/modules/05_autograd.md
"""

from __future__ import annotations

import builtins
from collections import namedtuple
from types import SimpleNamespace
from typing import Any

import numpy as np

from . import dtypes, ops
from ._tensor import Tensor, inplace, method
from .checks import check_dim, numpy_names
from .pointwise import floating

# PyTorch's named results, (values, indices): `x.max(1).values`
return_types = SimpleNamespace(**{
    name: namedtuple(name, ["values", "indices"], module="tinytorch.return_types")
    for name in ("max", "min", "sort", "topk")
})  # fmt: skip


def dims(input: Tensor, dim: Any, axis: Any = None) -> int | tuple[int, ...] | None:
    """The dimensions to reduce, non-negative: `dim` (or numpy's `axis`), one or a
    tuple of them; None for all."""
    dim = axis if dim is None else dim
    if dim is None or (isinstance(dim, tuple | list) and not dim):
        return None
    many = isinstance(dim, tuple | list)
    for d in dim if many else (dim,):
        if not isinstance(d, int | np.integer) or isinstance(d, bool):
            raise TypeError(f"dim must be an int or a tuple of ints, got {d!r}")
    if not many:
        return check_dim(dim, input.ndim)
    chosen = tuple(check_dim(d, input.ndim) for d in dim)
    for d in chosen:
        if chosen.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return chosen


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
    total = ops.Sum.apply(input, axis=axes, keepdims=keepdim)
    return total / _count(input, axes)  # nan for no elements, as PyTorch


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
    if dim is None:
        return _largest(input, None, False, name == "min", name)
    d = check_dim(dim, input.ndim)
    if input._data.ndim and input._data.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    indices = np.expand_dims(pick(input._data, axis=d), d) if input.ndim else (
        np.zeros((), np.int64))  # fmt: skip
    values = (ops.Gather.apply(input, index=indices, axis=d) if input.ndim
              else ops.Copy.apply(input, dtype=input._data.dtype))  # fmt: skip
    index = Tensor._wrap(indices.astype(np.int64), None)
    if not keepdim and input.ndim:
        values, index = values.squeeze(d), index.squeeze(d)
    return getattr(return_types, name)(values, index)


@method
@numpy_names
def amax(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """The largest value over `dim` (all dimensions by default); tied maxima share
    the gradient evenly."""
    return _largest(input, dims(input, dim), keepdim, False, "amax")


@method
@numpy_names
def amin(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """The smallest value over `dim` (all dimensions by default)."""
    return _largest(input, dims(input, dim), keepdim, True, "amin")


def _largest(input: Tensor, axes: Any, keepdim: bool, smallest: bool,
             name: str) -> Tensor:  # fmt: skip
    if input._data.size == 0:
        if axes is None:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                               f"input.numel() == 0. Specify the reduction dim with "
                               f"the 'dim' argument.")  # fmt: skip
        empty = [a for a in np.atleast_1d(axes) if input._data.shape[a] == 0]
        if empty:
            raise IndexError(f"{name}(): Expected reduction dim {empty[0]} to have "
                             f"non-zero size.")  # fmt: skip
    if input._data.dtype.kind != "f":  # no gradient: numpy's own
        pick = np.min if smallest else np.max
        return Tensor._wrap(np.asarray(pick(input._data, axes, keepdims=keepdim)), None)
    if not smallest:
        return ops.Max.apply(input, axis=axes, keepdims=keepdim)
    return -ops.Max.apply(-input, axis=axes, keepdims=keepdim)  # negation is exact


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


def _count(input: Tensor, axes: Any) -> int:
    """How many elements each result of a reduction over `axes` sums up."""
    chosen = range(input.ndim) if axes is None else np.atleast_1d(axes)
    return int(np.prod([input._data.shape[a] for a in chosen]))


def _shape_without(input: Tensor, axes: Any) -> tuple[int, ...]:
    gone = set(range(input.ndim) if axes is None else np.atleast_1d(axes).tolist())
    return tuple(n for i, n in enumerate(input._data.shape) if i not in gone)


@method
@numpy_names
def prod(input: Tensor, dim: int | None = None, keepdim: bool = False, *,
         dtype: Any = None) -> Tensor:  # fmt: skip
    """The product over `dim` (all elements by default): the last of the running
    products (`cumprod`), whose gradient is right where a value is zero."""
    x = _summable(input, dtype)
    line = x.reshape(-1) if dim is None else x
    d = 0 if dim is None or x.ndim == 0 else check_dim(dim, x.ndim)
    line = line.reshape(1) if line.ndim == 0 else line
    if line._data.shape[d] == 0:
        out = Tensor._wrap(np.ones(_shape_without(line, d), x._data.dtype), None)
    else:
        out = ops.Cumprod.apply(line, axis=d)[(slice(None),) * d + (-1,)]
    if dim is None or x.ndim == 0:
        return out.reshape((1,) * x.ndim if keepdim else ())
    return out.unsqueeze(d) if keepdim else out


def _summable(input: Tensor, dtype: Any) -> Tensor:
    """The input in `dtype`, else booleans and integers as int64, as PyTorch sums."""
    if dtype is not None:
        return input.to(dtype)
    return input.to(dtypes.int64) if input._data.dtype.kind in "bui" else input


@method
@inplace
@numpy_names
def cumsum(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """The running sums along `dim`."""
    return _running(ops.Cumsum, _summable(input, dtype), dim)


@method
@inplace
@numpy_names
def cumprod(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """The running products along `dim`."""
    return _running(ops.Cumprod, _summable(input, dtype), dim)


def _running(op: Any, x: Tensor, dim: int) -> Tensor:
    d = check_dim(dim, x.ndim)
    if x.ndim == 0:
        return op.apply(x.reshape(1), axis=0).reshape(())
    return op.apply(x, axis=d)


def _floats_only(input: Tensor) -> None:
    if input._data.dtype.kind != "f":
        raise RuntimeError("std and var only support floating point and complex "
                           "dtypes")  # fmt: skip


@method
@numpy_names
def var(input: Tensor, dim: Any = None, unbiased: bool | None = None,
        keepdim: bool = False, *, correction: Any = None) -> Tensor:  # fmt: skip
    """The variance over `dim`: the mean squared distance from the mean, summed and
    divided by (count - correction); correction=1 (the default; unbiased=True)
    is Bessel's, correction=0 (unbiased=False) the plain mean."""
    if isinstance(dim, bool):  # var(x, False): PyTorch's old var(input, unbiased)
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError("var(): cannot take both unbiased= and correction=")
    if correction is None:
        correction = 1 if unbiased is None else int(unbiased)
    _floats_only(input)
    axes = dims(input, dim)
    centred = input - mean(input, axes, keepdim=True)
    squares = (centred * centred).sum(axes, keepdim=keepdim)
    return squares / builtins.max(_count(input, axes) - correction, 0)


@method
@numpy_names
def std(input: Tensor, dim: Any = None, unbiased: bool | None = None,
        keepdim: bool = False, *, correction: Any = None) -> Tensor:  # fmt: skip
    """The standard deviation: the square root of `var` (same arguments)."""
    return var(input, dim, unbiased, keepdim, correction=correction).sqrt()


@numpy_names
def var_mean(input: Tensor, dim: Any = None, unbiased: bool | None = None,
             keepdim: bool = False, *, correction: Any = None) -> tuple:  # fmt: skip
    """(var, mean) over `dim`."""
    return (var(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dims(input, dim), keepdim))  # fmt: skip


@numpy_names
def std_mean(input: Tensor, dim: Any = None, unbiased: bool | None = None,
             keepdim: bool = False, *, correction: Any = None) -> tuple:  # fmt: skip
    """(std, mean) over `dim`."""
    return (std(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dims(input, dim), keepdim))  # fmt: skip


@method
@numpy_names
def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """True if any value over `dim` is nonzero (uint8 for a uint8 input, as in
    PyTorch)."""
    return _logical(np.any, input, dim, keepdim)


@method
@numpy_names
def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """True if every value over `dim` is nonzero."""
    return _logical(np.all, input, dim, keepdim)


def _logical(test: Any, input: Tensor, dim: Any, keepdim: bool) -> Tensor:
    found = np.asarray(test(input._data, axis=dims(input, dim), keepdims=keepdim))
    return Tensor._wrap(found.astype(np.uint8 if input._data.dtype == np.uint8
                                     else np.bool_), None)  # fmt: skip


@method
@numpy_names
def count_nonzero(input: Tensor, dim: Any = None) -> Tensor:
    """How many values over `dim` (all by default) are not zero, as int64."""
    found = np.count_nonzero(input._data, axis=dims(input, dim))
    return Tensor._wrap(np.asarray(found, np.int64), None)


@method
@numpy_names
def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    """log(sum(exp(x))) over `dim`, computed after subtracting the max so that it
    never overflows."""
    x = floating(input)
    axes = dims(x, dim)
    top = ops.Max.apply(x, axis=axes, keepdims=True)._data
    shift = Tensor._wrap(np.where(np.isinf(top), 0, top), None)  # all -inf: no shift
    out = (x - shift).exp().sum(axes, keepdim=True).log() + shift
    return out if keepdim else out.reshape(_shape_without(x, axes))


@method
def norm(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False,
         dtype: Any = None) -> Tensor:  # fmt: skip
    """The p-norm over `dim` (all elements by default): p=2 or 'fro' the length,
    p=1 the sum of |x|, inf the largest |x|, 0 the count of nonzero values."""
    x = input if dtype is None else input.to(dtype)
    if x._data.dtype.kind != "f":
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex "
                           f"tensor as input. Got {x.dtype.name}")  # fmt: skip
    p = 2 if p == "fro" else p
    if not isinstance(p, int | float) or isinstance(p, bool):
        raise NotImplementedError(f"norm(p={p!r}) is not part of tinytorch: p is a "
                                  f"number or 'fro'")  # fmt: skip
    axes = dims(x, dim)
    if p == 1:
        return x.abs().sum(axes, keepdim=keepdim)
    if p in (np.inf, -np.inf):
        return _largest(x.abs(), axes, keepdim, p < 0, "norm")
    if p == 0:
        return (x != 0).sum(axes, keepdim=keepdim).to(x.dtype)
    return ops.Norm.apply(x, p=p, axis=axes, keepdims=keepdim)


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
