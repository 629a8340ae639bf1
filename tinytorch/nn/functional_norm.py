"""Normalisation, as ``torch.nn.functional`` has it: batch norm (each channel by its
statistics over the batch), layer norm (each position by its own features), and
vectors scaled to unit length.

Book: book/modules/09_convolutions.md
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from .._tensor import Tensor
from ..checks import ShapeError, check_dim


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: Tensor | None = None) -> Tensor:  # fmt: skip
    """input / max(‖input‖_p, eps) along `dim`: unit vectors, and zero ones left
    zero (the norm is held at eps before its root, so its gradient stays finite)."""
    if out is not None:
        raise NotImplementedError("normalize(out=...) is not part of tinytorch")
    powers = input.abs() if p == 1 else input.abs() ** p
    total = powers.sum(check_dim(dim, input.ndim), keepdim=True).clamp(min=eps**p)
    return input / (total if p == 1 else total ** (1 / p))


def layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:  # fmt: skip
    """Normalise over the last len(normalized_shape) axes to mean 0, variance 1
    (biased, as PyTorch), then scale by `weight` and shift by `bias`."""
    shape = tuple(np.atleast_1d(normalized_shape).tolist())  # an int: one axis
    if not shape or input.shape[input.ndim - len(shape) :] != shape:
        raise ShapeError(
            f"Given normalized_shape={list(shape)}, expected input with "
            f"shape [*, {str(list(shape))[1:-1]}], but got input of "
            f"size{list(input.shape)}"
        )
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and p.shape != shape:
            raise ShapeError(
                f"Expected {name} to be of same shape as normalized_shape"
                f", but got {name} of shape {list(p.shape)} and "
                f"normalized_shape = {list(shape)}"
            )
    if weight is None and bias is not None:
        weight = Tensor._wrap(np.ones(shape, input._data.dtype), None)  # scale by one
    params = [p for p in (weight, bias) if p is not None]
    return ops.LayerNorm.apply(input, *params, dims=len(shape), eps=eps)


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5
               ) -> Tensor:  # fmt: skip
    """Normalise each channel (axis 1) to mean 0 and variance 1, then scale by
    `weight` and shift by `bias`.

    In training the batch's own statistics are used, and the running ones move
    `momentum` of the way towards them (the variance unbiased, as in PyTorch); in
    evaluation the running statistics are used, so one image's output does not depend
    on the rest of its batch.
    """
    axes = (0, *range(2, input.ndim))  # every axis but the channels
    shape = (1, input.shape[1]) + (1,) * (input.ndim - 2)
    for name, t in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        if t is not None and t.numel() != input.shape[1]:
            raise ShapeError(
                f"{name} should contain {input.shape[1]} elements not {t.numel()}"
            )
    count = input.numel() // input.shape[1]
    if training and count == 1:
        raise ValueError(
            f"Expected more than 1 value per channel when training, got "
            f"input size {input.shape}"
        )
    if training or running_mean is None or running_var is None:
        mean = input.mean(axes, keepdim=True)
        centred = input - mean
        var = (centred * centred).mean(axes, keepdim=True)
        if training and running_mean is not None and running_var is not None:
            unbiased = var._data.reshape(-1) * (count / max(count - 1, 1))
            for running, batch in ((running_mean, mean._data), (running_var, unbiased)):
                running *= 1 - momentum
                running += momentum * batch.reshape(-1)
    else:
        centred = input - running_mean.reshape(shape)
        var = running_var.reshape(shape)
    out = centred * (var + eps).rsqrt()
    if weight is not None:
        out = out * weight.reshape(shape)
    return out if bias is None else out + bias.reshape(shape)
