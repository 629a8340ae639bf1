"""Random sampling: new tensors of random numbers (``rand``, ``randn``, ``randint``,
``randperm``, ``normal``, ``multinomial``, ``bernoulli``), and tensors refilled
with them in place (``w.uniform_(-1, 1)``, ``w.normal_(0, 0.02)``). Each takes
``generator=``; without it, the default generator that `manual_seed` seeds.

Book: book/modules/01_tensor.md
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes, random
from ._tensor import Tensor, method
from .creation import float_type, made, shape_of


def _floats(draw: Any, size: tuple[Any, ...], dtype: Any) -> np.ndarray:
    """Random floats of the dtype: numpy draws float32 and float64 directly."""
    dt = float_type(dtype)
    if dt.kind != "f":
        raise NotImplementedError(f"random floats cannot be of dtype "
                                  f"{dtypes.of(np.empty(0, dt))}")  # fmt: skip
    wide = dt if dt.itemsize >= 4 else np.dtype(np.float32)
    return draw(size, dtype=wide.type).astype(dt, copy=False)


def rand(*sizes_: Any, size: Any = None, generator: random.Generator | None = None,
         dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Uniform samples from [0, 1)."""
    shape = shape_of("rand", sizes_ if size is None else (size,))
    values = _floats(random.rng(generator).random, shape, dtype)
    return made(values, requires_grad, device)


def randn(*sizes_: Any, size: Any = None, generator: random.Generator | None = None,
          dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Standard normal samples (mean 0, standard deviation 1)."""
    shape = shape_of("randn", sizes_ if size is None else (size,))
    draw = random.rng(generator).standard_normal
    return made(_floats(draw, shape, dtype), requires_grad, device)


def rand_like(input: Tensor, *, generator: random.Generator | None = None,
              dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Uniform samples from [0, 1) in the input's shape and dtype."""
    return rand(input.shape, generator=generator, dtype=dtype or input.dtype,
                device=device, requires_grad=requires_grad)  # fmt: skip


def randn_like(input: Tensor, *, generator: random.Generator | None = None,
               dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Standard normal samples in the input's shape and dtype."""
    return randn(input.shape, generator=generator, dtype=dtype or input.dtype,
                 device=device, requires_grad=requires_grad)  # fmt: skip


def randint(*args: Any, size: Any = None, low: int | None = None,
            high: int | None = None, generator: random.Generator | None = None,
            dtype: Any = None, device: Any = None,
            requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Whole numbers drawn uniformly from [low, high): randint(high, size) or
    randint(low, high, size), `size` a tuple; int64 unless `dtype` says."""
    if size is None and args:
        *args, size = args
    given = [*args, *(v for v in (low, high) if v is not None)]
    if len(given) not in (1, 2) or not isinstance(size, tuple | list):
        raise TypeError("randint() takes (high, size) or (low, high, size), with "
                        "size a tuple of ints")  # fmt: skip
    low, high = (0, given[0]) if len(given) == 1 else given
    dtype = np.int64 if dtype is None else dtype
    shape = shape_of("randint", (size,))
    return _integers(low, high, shape, generator, dtype, device, requires_grad)


def randint_like(input: Tensor, low: int = 0, high: int | None = None, *,
                 generator: random.Generator | None = None, dtype: Any = None,
                 device: Any = None,
                 requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Whole numbers from [low, high) in the input's shape and dtype
    (randint_like(x, high) starts at 0)."""
    low, high = (0, low) if high is None else (low, high)
    return _integers(low, high, input.shape, generator, dtype or input.dtype,
                     device, requires_grad)  # fmt: skip


def _integers(low: int, high: int, shape: tuple[int, ...], generator: Any,
              dtype: Any, device: Any, requires_grad: bool) -> Tensor:  # fmt: skip
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                           f"from={low} >= to={high}")  # fmt: skip
    values = random.rng(generator).integers(low, high, shape)
    return made(values.astype(dtypes.as_dtype(dtype).dtype), requires_grad, device)


def randperm(n: int, *, generator: random.Generator | None = None,
             dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:  # fmt: skip
    """0..n-1 in a random order (int64 unless `dtype` says)."""
    order = random.rng(generator).permutation(n)
    dt = np.int64 if dtype is None else dtypes.as_dtype(dtype).dtype
    return made(order.astype(dt), requires_grad, device)


def normal(mean: Any = 0.0, std: Any = 1.0, size: Any = None, *,
           generator: random.Generator | None = None, dtype: Any = None,
           device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Normal samples: one per element of `mean` and `std` (tensors, broadcast
    together, or a tensor and a number), or of shape `size` for two numbers."""
    tensors = [v for v in (mean, std) if isinstance(v, Tensor)]
    if not tensors and size is None:
        raise TypeError("normal() with a number mean and std needs a size")
    low = np.min(getattr(std, "_data", std), initial=0.0)
    if low < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {low:g}")
    m, s = getattr(mean, "_data", mean), getattr(std, "_data", std)
    if tensors:
        shape = np.broadcast_shapes(*(t.shape for t in tensors))
        dt = dtypes.common(*tensors)
    else:
        shape, dt = shape_of("normal", (size,)), float_type(dtype)
    z = _floats(random.rng(generator).standard_normal, shape, dt)
    return made((m + s * z).astype(dt, copy=False), requires_grad, device)


@method
def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: random.Generator | None = None) -> Tensor:  # fmt: skip
    """Indices drawn from the categories of each row of `input` (weights, not
    necessarily summing to one): with replacement, or each at most once."""
    p = input._data
    if p.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if p.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for "
                           f"input, got: {input.dtype}")  # fmt: skip
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > p.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples "
                           "without replacement")  # fmt: skip
    if not np.isfinite(p).all() or (p < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or "
                           "element < 0")  # fmt: skip
    rows = p.reshape(-1, p.shape[-1]).astype(np.float64)
    if (rows.sum(axis=1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities "
                           "<= 0)")  # fmt: skip
    rng = random.rng(generator)
    if replacement:  # the inverse of each row's cumulative distribution
        cumulative = np.cumsum(rows, axis=1)
        u = rng.random((len(rows), num_samples)) * cumulative[:, -1:]
        picks = np.stack([np.searchsorted(c, v, side="right")
                          for c, v in zip(cumulative, u, strict=True)])  # fmt: skip
        picks = np.minimum(picks, rows.shape[1] - 1)
    else:  # exponential clocks E / p: the first to ring are a draw without replacement
        with np.errstate(divide="ignore"):
            clocks = rng.exponential(size=rows.shape) / rows
        picks = np.argsort(clocks, axis=1, kind="stable")[:, :num_samples]
    return made(picks.reshape(*p.shape[:-1], num_samples).astype(np.int64))


@method
def bernoulli(input: Tensor, p: float | None = None, *,
              generator: random.Generator | None = None) -> Tensor:  # fmt: skip
    """1 with probability `p` (or each element's own probability), else 0, in the
    input's dtype."""
    chance = input._data if p is None else p
    drawn = random.rng(generator).random(input.shape) < chance
    return made(drawn.astype(input._data.dtype))


def _refill(input: Tensor, values: np.ndarray) -> Tensor:
    return Tensor._wrap(values.astype(input._data.dtype, copy=False), None)


@method
def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0, *,
             generator: random.Generator | None = None) -> Tensor:  # fmt: skip
    """Refill in place with uniform samples from [a, b)."""
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                           f"from={a} > to={b}")  # fmt: skip
    draw = random.rng(generator).random

    def fill(t: Tensor) -> Tensor:
        return _refill(t, a + (b - a) * _floats(draw, t.shape, t.dtype))

    return self._inplace(fill)


@method
def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *,
            generator: random.Generator | None = None) -> Tensor:  # fmt: skip
    """Refill in place with normal samples."""
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    draw = random.rng(generator).standard_normal

    def fill(t: Tensor) -> Tensor:
        return _refill(t, mean + std * _floats(draw, t.shape, t.dtype))

    return self._inplace(fill)


@method
def bernoulli_(self: Tensor, p: float = 0.5, *,
               generator: random.Generator | None = None) -> Tensor:  # fmt: skip
    """Refill in place with 1 (with probability p) or 0."""
    rng = random.rng(generator)

    def fill(t: Tensor) -> Tensor:
        return _refill(t, rng.random(t.shape) < getattr(p, "_data", p))

    return self._inplace(fill)
