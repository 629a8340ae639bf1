"""The function namespace, as PyTorch's ``torch.nn.functional`` (import it as F):
layers, activations and losses as plain functions. The modules call these.

Book: book/modules/02_activations.md
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import compatibility, ops, random
from .._tensor import Tensor
from ..checks import ShapeError, check_pair, check_windows


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """x @ weight.T + bias, as one node (see `ops.Linear`)."""
    if bias is None:
        return ops.Linear.apply(x, weight)
    return ops.Linear.apply(x, weight, bias)


def relu(x: Tensor) -> Tensor:
    """max(x, 0)."""
    return x.relu()


def sigmoid(x: Tensor) -> Tensor:
    """1 / (1 + e ** -x)."""
    return x.sigmoid()


def tanh(x: Tensor) -> Tensor:
    """Hyperbolic tangent."""
    return x.tanh()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """Probabilities along `dim` that sum to one."""
    return x.softmax(dim)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """log(softmax(x)), computed stably."""
    return x.log_softmax(dim)


def gelu(x: Tensor) -> Tensor:
    """GELU, tanh approximation (numpy has no erf):
    0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""
    return ops.GELU.apply(x)


def check_dropout_probability(p: float) -> None:
    """Dropout's p must be a probability below one (p = 1 would zero everything)."""
    if isinstance(p, bool) or not isinstance(p, int | float) or not 0 <= p < 1:
        raise ValueError(f"dropout: p must be a number in [0, 1), got {p!r}")


def dropout(x: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    """Zero each value with probability p and scale the rest by 1/(1-p), in training."""
    check_dropout_probability(p)
    if not training or p == 0:
        return x
    keep = random.rng().random(x.shape, dtype=np.float32) >= p
    return x * Tensor._wrap((keep / (1 - p)).astype(x._data.dtype), None)


# ------------------------------------------------------------- convolution, pooling


def conv2d(
    x: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
) -> Tensor:
    """2-D convolution (cross-correlation, as PyTorch's) of images x (N, C, H, W) with
    weight (out_channels, C, kh, kw): im2col, then one matrix product."""
    stride = check_pair("conv2d", "stride", stride)
    padding = check_pair("conv2d", "padding", padding, low=0)
    _check_conv(x, weight, bias)
    out_channels, _, kh, kw = weight.shape
    check_windows("conv2d", x.shape, (kh, kw), padding)
    columns = ops.Unfold.apply(x, kernel_size=(kh, kw), stride=stride, padding=padding)
    out = weight.reshape(out_channels, -1) @ columns  # (out_channels, OH * OW * N)
    if bias is not None:
        out = out + bias.reshape(out_channels, 1)
    n, _, h, w = x.shape
    oh = (h + 2 * padding[0] - kh) // stride[0] + 1
    ow = (w + 2 * padding[1] - kw) // stride[1] + 1
    return out.reshape(out_channels, oh, ow, n).permute(3, 0, 1, 2)


def _check_conv(x: Tensor, weight: Tensor, bias: Tensor | None) -> None:
    if weight.ndim != 4:
        raise ShapeError(
            f"conv2d: the weight has shape {weight.shape}; it needs 4 dimensions, "
            f"(out_channels, in_channels, kh, kw)"
        )
    if x.ndim == 4 and x.shape[1] != weight.shape[1]:
        raise ShapeError(
            f"conv2d: input of shape {x.shape} has {x.shape[1]} channels, but the "
            f"weight {weight.shape} expects {weight.shape[1]}"
        )
    if bias is not None and bias.shape != weight.shape[:1]:
        raise ShapeError(
            f"conv2d: bias of shape {bias.shape} for a weight of shape "
            f"{weight.shape}; it needs shape {weight.shape[:1]}"
        )
    if x.dtype != weight.dtype:  # numpy would quietly compute in float64, or in ints
        raise TypeError(
            f"conv2d: the input is {x.dtype} but the weight is {weight.dtype}; convert "
            f"the data (x.to({weight.dtype!r}), pixels scaled into [0, 1]) or the "
            f"model (model.to({x.dtype!r}))"
        )


def _pool(
    op: str, x: Tensor, kernel_size: int | tuple[int, int], stride: Any
) -> tuple[Tensor, tuple[int, ...]]:
    """The windows of a pooling layer, (C, kh*kw, OH*OW*N), and the shape of its
    output before the transpose to NCHW, (C, OH, OW, N). The stride is the kernel
    size unless given, as in PyTorch."""
    kernel = check_pair(op, "kernel_size", kernel_size)
    stride = kernel if stride is None else check_pair(op, "stride", stride)
    check_windows(op, x.shape, kernel, (0, 0))
    columns = ops.Unfold.apply(x, kernel_size=kernel, stride=stride, padding=(0, 0))
    n, c, h, w = x.shape
    oh, ow = (h - kernel[0]) // stride[0] + 1, (w - kernel[1]) // stride[1] + 1
    return columns.reshape(c, kernel[0] * kernel[1], -1), (c, oh, ow, n)


def max_pool2d(
    x: Tensor,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
) -> Tensor:
    """The maximum of each kh x kw window; its gradient goes to the first maximum
    (in reading order), as PyTorch's does."""
    windows, shape = _pool("max_pool2d", x, kernel_size, stride)
    return windows.max(1).values.reshape(shape).permute(3, 0, 1, 2)


def avg_pool2d(
    x: Tensor,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
) -> Tensor:
    """The mean of each kh x kw window."""
    windows, shape = _pool("avg_pool2d", x, kernel_size, stride)
    return windows.mean(1).reshape(shape).permute(3, 0, 1, 2)


def batch_norm(
    x: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel (axis 1) to mean 0 and variance 1, then scale by
    `weight` and shift by `bias`.

    In training the batch's own statistics are used, and the running ones move
    `momentum` of the way towards them (the variance unbiased, as in PyTorch); in
    evaluation the running statistics are used, so one image's output does not depend
    on the rest of its batch.
    """
    axes = (0, *range(2, x.ndim))  # every axis but the channels
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    if training:
        mean = x.mean(axis=axes, keepdims=True)
        centred = x - mean
        var = (centred * centred).mean(axis=axes, keepdims=True)
        if running_mean is not None and running_var is not None:
            count = x._data.size // x.shape[1]
            unbiased = var._data.reshape(-1) * (count / max(count - 1, 1))
            for running, batch in ((running_mean, mean._data), (running_var, unbiased)):
                running *= 1 - momentum
                running += momentum * batch.reshape(-1)
    elif running_mean is None or running_var is None:
        raise ValueError("batch_norm: evaluation needs the running mean and variance")
    else:
        centred = x - running_mean.reshape(shape)
        var = running_var.reshape(shape)
    out = centred * (var + eps) ** -0.5
    if weight is not None:
        out = out * weight.reshape(shape)
    return out if bias is None else out + bias.reshape(shape)


# ----------------------------------------------------------------- sequence models


def embedding(input: Tensor | np.ndarray, weight: Tensor) -> Tensor:
    """Rows of `weight` (num_embeddings, embedding_dim) picked by integer `input` of
    any shape; a row picked twice gets both gradients (see `ops.Index`)."""
    idx = input._data if isinstance(input, Tensor) else np.asarray(input)
    if weight.ndim != 2:
        raise ShapeError(f"embedding: weight must be (num_embeddings, embedding_dim), "
                         f"got shape {weight.shape}")  # fmt: skip
    if idx.dtype.kind not in "iu":
        raise TypeError(f"embedding: input must hold integer token ids, got dtype "
                        f"{idx.dtype}")  # fmt: skip
    wrong = (idx < 0) | (idx >= len(weight))
    if wrong.any():
        raise IndexError(
            f"embedding: index {idx[wrong].flat[0]} is out of range for "
            f"{len(weight)} embeddings (valid: 0..{len(weight) - 1})"
        )
    return weight[idx]


def layer_norm(
    input: Tensor,
    normalized_shape: int | tuple[int, ...],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise over the last len(normalized_shape) axes to mean 0, variance 1
    (biased, as PyTorch), then scale by `weight` and shift by `bias`."""
    shape = tuple(np.atleast_1d(normalized_shape).tolist())  # an int: one axis
    if input.shape[input.ndim - len(shape) :] != shape or not shape:
        raise ShapeError(
            f"layer_norm: input of shape {input.shape} does not end in "
            f"normalized_shape {shape}"
        )
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and p.shape != shape:
            raise ShapeError(f"layer_norm: {name} of shape {p.shape} must be "
                             f"normalized_shape {shape}")  # fmt: skip
    if weight is None and bias is not None:
        weight = Tensor(np.ones(shape, input.dtype))  # a constant: scale by one
    params = [p for p in (weight, bias) if p is not None]
    return ops.LayerNorm.apply(input, *params, dims=len(shape), eps=eps)


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | np.ndarray | None = None,
    *,
    is_causal: bool = False,
    scale: float | None = None,
) -> Tensor:
    """softmax(query @ key^T * scale + mask) @ value over (..., time, dim) tensors,
    scale 1/sqrt(dim) by default. A boolean `attn_mask` says which keys each query
    may see (True: take part), a float one is added to the scores; `is_causal` lets
    query i see keys 0..i only."""
    if (
        query.ndim < 2
        or query.shape[-1] != key.shape[-1]
        or (key.shape[:-1] != value.shape[:-1])
    ):
        raise ShapeError(
            f"scaled_dot_product_attention: query {query.shape}, key {key.shape} and "
            f"value {value.shape} must be (..., L, E), (..., S, E) and (..., S, Ev)"
        )
    scale = float(scale) if scale is not None else 1 / math.sqrt(query.shape[-1])
    shape = (query.shape[-2], key.shape[-2])
    mask = _attention_mask(attn_mask, is_causal, shape, query.dtype)
    return ops.ScaledDotProductAttention.apply(query, key, value, mask=mask,
                                               scale=scale)  # fmt: skip


def _attention_mask(
    attn_mask: Tensor | np.ndarray | None,
    is_causal: bool,
    shape: tuple[int, int],
    dtype: np.dtype,
) -> np.ndarray | None:
    """The mask as numbers to add to the scores: 0 where a query may look, -inf
    where it may not."""
    if attn_mask is not None and is_causal:
        raise ValueError("scaled_dot_product_attention: give attn_mask or is_causal, "
                         "not both")  # fmt: skip
    if attn_mask is None and not is_causal:
        return None
    mask = getattr(attn_mask, "_data", attn_mask)  # a Tensor's array, or the array
    allowed = np.tri(*shape, dtype=bool) if is_causal else np.asarray(mask)
    if allowed.dtype != bool:
        return allowed.astype(dtype)
    return np.where(allowed, 0, -np.inf).astype(dtype)


# --------------------------------------------------------------------------- losses


def _loss_inputs(op: str, prediction: Tensor, target: Tensor | np.ndarray) -> Tensor:
    """The target as a tensor, checked against the prediction: same shape, floats."""
    target = target if isinstance(target, Tensor) else Tensor(target)
    if prediction.shape != target.shape:
        raise ShapeError(
            f"{op}: prediction of shape {prediction.shape} and target of "
            f"shape {target.shape} differ"
        )
    if not prediction.is_floating_point():
        raise TypeError(
            f"{op}: the prediction is {prediction.dtype}; losses need "
            f"floating-point predictions"
        )
    if target.dtype != prediction.dtype:
        raise TypeError(
            f"{op}: the target is {target.dtype} but the prediction is "
            f"{prediction.dtype}; convert the target, e.g. "
            f"y.to({prediction.dtype!r})"
        )
    if prediction._data.size == 0:
        raise ValueError(f"{op}: the batch is empty (shape {prediction.shape})")
    return target


def _check_probabilities(op: str, what: str, values: np.ndarray) -> None:
    outside = (values < 0) | (values > 1)  # NaN passes: a diverged run is fit's
    if outside.any():
        advice = "; apply a sigmoid first, or use the _with_logits loss"
        raise ValueError(
            f"{op}: every {what} must be in [0, 1], found {values[outside].flat[0]}"
            + (advice if what == "probability" else "")
        )


def mse_loss(prediction: Tensor, target: Tensor | np.ndarray) -> Tensor:
    """Mean squared error."""
    diff = prediction - _loss_inputs("mse_loss", prediction, target)
    return (diff * diff).mean()


def binary_cross_entropy(probability: Tensor, target: Tensor | np.ndarray) -> Tensor:
    """-mean(y log p + (1 - y) log(1 - p)) for probabilities p; logs are clipped at
    log(1e-12), as PyTorch clips them."""
    op = "binary_cross_entropy"
    target = _loss_inputs(op, probability, target)
    _check_probabilities(op, "probability", probability._data)
    _check_probabilities(op, "target", target._data)
    log_p = probability.clip(min=1e-12).log()
    log_not_p = (1 - probability).clip(min=1e-12).log()
    return -(target * log_p + (1 - target) * log_not_p).mean()


def binary_cross_entropy_with_logits(
    logits: Tensor, target: Tensor | np.ndarray
) -> Tensor:
    """BCE on sigmoid(logits), computed stably as relu(z) - z y + log(1 + e ** -|z|)."""
    op = "binary_cross_entropy_with_logits"
    target = _loss_inputs(op, logits, target)
    _check_probabilities(op, "target", target._data)
    abs_z = logits.relu() + (-logits).relu()
    return (logits.relu() - logits * target + (1 + (-abs_z).exp()).log()).mean()


def cross_entropy(
    logits: Tensor, target: Tensor | np.ndarray, ignore_index: int = -100
) -> Tensor:
    """Cross-entropy between logits (N, C) and class indices (N,) in [0, C),
    averaged over the targets that are not `ignore_index` (e.g. a prompt's tokens,
    which a model is not asked to predict)."""
    targets = target._data if isinstance(target, Tensor) else np.asarray(target)
    if logits.ndim != 2:
        raise ShapeError(
            f"cross_entropy: logits must be (batch, classes), got shape {logits.shape}"
        )
    if targets.shape != logits.shape[:1]:
        raise ShapeError(
            f"cross_entropy: logits {logits.shape} need targets of shape "
            f"{logits.shape[:1]}, got {targets.shape}"
        )
    if not logits.is_floating_point():
        raise TypeError(
            f"cross_entropy: the logits are {logits.dtype}; they must be "
            f"floating-point scores"
        )
    if targets.dtype.kind not in "iu":
        raise TypeError(
            f"cross_entropy: targets must be integer class indices, got "
            f"dtype {targets.dtype}"
        )
    if len(targets) == 0:
        raise ValueError("cross_entropy: the batch is empty (0 rows)")
    classes = logits.shape[1]
    kept = targets != ignore_index
    wrong = kept & ((targets < 0) | (targets >= classes))
    if wrong.any():
        raise ValueError(
            f"cross_entropy: target {targets[wrong][0]} is out of range for "
            f"{classes} classes (valid: 0..{classes - 1})"
        )
    if not kept.all():
        if not kept.any():
            raise ValueError(
                f"cross_entropy: every target is ignore_index ({ignore_index})"
            )
        logits, targets = logits[np.flatnonzero(kept)], targets[kept]
    return ops.CrossEntropy.apply(logits, targets=targets)


def __getattr__(name: str) -> Any:
    """A PyTorch name this module does not offer: an error that says so."""
    compatibility.missing(__name__, name)
