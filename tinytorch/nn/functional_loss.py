"""The losses of ``torch.nn.functional``: how wrong a prediction is, per element
(reduction="none"), summed ("sum") or averaged ("mean", the default), with PyTorch's
class weights, ignored targets and label smoothing.

Book: book/modules/04_losses.md
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import ops
from .._tensor import Tensor


def _reduction(size_average: Any, reduce: Any, reduction: str) -> str:
    """The reduction, from PyTorch's deprecated size_average= and reduce= if given."""
    if size_average is None and reduce is None:
        return reduction
    warnings.warn("size_average and reduce args will be deprecated, please use "
                  "reduction='sum' instead.", stacklevel=3)  # fmt: skip
    if reduce is not None and not reduce:
        return "none"
    return "sum" if size_average is not None and not size_average else "mean"


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return loss
    if reduction in ("mean", "sum"):
        return loss.mean() if reduction == "mean" else loss.sum()
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _tensors(op: str, input: Any, target: Any) -> None:
    for name, value in (("input", input), ("target", target)):
        if not isinstance(value, Tensor):
            raise TypeError(
                f"{op}(): argument '{name}' must be Tensor, not {type(value).__name__}"
            )


def _elementwise(op: str, input: Tensor, target: Tensor, reduction: str,
                 weight: Tensor | None, loss: Callable[[Tensor], Tensor],
                 weighted_mean: bool = True) -> Tensor:  # fmt: skip
    """loss(input - target) for each element (PyTorch warns, and broadcasts, if the
    shapes differ), times `weight`, reduced; a weighted mean divides by the sum of
    the weights if `weighted_mean`."""
    _tensors(op, input, target)
    if target.shape != input.shape:
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the "
            f"input size ({input.shape}). This will likely lead to incorrect "
            f"results due to broadcasting. Please ensure they have the same "
            f"size.",
            stacklevel=3,
        )
    diff = input - target
    if not diff.is_floating_point():
        raise NotImplementedError(f"\"{op}\" not implemented for '{diff.dtype.name}'")
    losses = loss(diff)
    if weight is None:
        return _reduce(losses, reduction)
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    losses = losses * weight
    if reduction == "mean" and weighted_mean:
        return losses.sum() / weight.sum()
    return _reduce(losses, reduction)


def mse_loss(input: Tensor, target: Tensor, size_average: Any = None,
             reduce: Any = None, reduction: str = "mean", weight: Tensor | None = None
             ) -> Tensor:  # fmt: skip
    """Squared error (x - y)²."""
    reduction = _reduction(size_average, reduce, reduction)
    return _elementwise("mse_loss", input, target, reduction, weight, lambda d: d * d)


def l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
            reduction: str = "mean", weight: Tensor | None = None
            ) -> Tensor:  # fmt: skip
    """Absolute error |x - y|."""
    reduction = _reduction(size_average, reduce, reduction)
    return _elementwise("l1_loss", input, target, reduction, weight, lambda d: d.abs())


def _quadratic_then_linear(d: Tensor, width: float, slope: float) -> Tensor:
    """0.5 d² / width * slope inside |d| < width, slope (|d| - width / 2) outside:
    the smooth L1 (slope 1) and Huber (width = slope = delta) losses."""
    size = d.abs()
    inside = Tensor._wrap((size._data < width).astype(d._data.dtype), None)
    quadratic = d * d * (0.5 * slope / width)
    return quadratic * inside + (size - 0.5 * width) * slope * (1 - inside)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: Any = None,
                   reduce: Any = None, reduction: str = "mean", beta: float = 1.0
                   ) -> Tensor:  # fmt: skip
    """0.5 (x - y)² / beta where |x - y| < beta, |x - y| - beta / 2 elsewhere."""
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    reduction = _reduction(size_average, reduce, reduction)

    def loss(d: Tensor) -> Tensor:
        return d.abs() if beta == 0 else _quadratic_then_linear(d, beta, 1)

    return _elementwise("smooth_l1_loss", input, target, reduction, None, loss)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean",
               delta: float = 1.0, weight: Tensor | None = None) -> Tensor:  # fmt: skip
    """0.5 (x - y)² where |x - y| < delta, delta (|x - y| - delta / 2) elsewhere."""
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")

    def loss(d: Tensor) -> Tensor:
        return _quadratic_then_linear(d, delta, delta)

    return _elementwise("huber_loss", input, target, reduction, weight, loss, False)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average: Any = None, reduce: Any = None,
                         reduction: str = "mean") -> Tensor:  # fmt: skip
    """-(y log p + (1 - y) log(1 - p)) for probabilities p (after a sigmoid); each
    log held at -100 or above, as PyTorch's (see `ops.BinaryCrossEntropy`)."""
    _tensors("binary_cross_entropy", input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to "
            f"the input size ({input.shape}) is deprecated. Please ensure "
            f"they have the same size."
        )
    if target.dtype != input.dtype:
        raise RuntimeError(
            f"Found dtype {target.dtype.name} but expected {input.dtype.name}"
        )
    p = input._data
    if not ((p >= 0) & (p <= 1)).all():
        raise RuntimeError("all elements of input should be between 0 and 1")
    losses = ops.BinaryCrossEntropy.apply(input, target)
    return _reduce(losses if weight is None else losses * weight, reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | None = None,
                                     size_average: Any = None, reduce: Any = None,
                                     reduction: str = "mean",
                                     pos_weight: Tensor | None = None
                                     ) -> Tensor:  # fmt: skip
    """Binary cross-entropy of sigmoid(input), computed stably as (1 - y) z +
    w (log(1 + e ** -|z|) + max(-z, 0)), w = 1 + (pos_weight - 1) y weighing the
    positive targets."""
    _tensors("binary_cross_entropy_with_logits", input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Target size ({target.shape}) must be the same as input "
            f"size ({input.shape})"
        )
    # one mask for both kinks (|z| and max(-z, 0)), so that the slope at 0 is right
    up = Tensor._wrap((input._data >= 0).astype(input._data.dtype), None)
    softplus = (input * (1 - 2 * up)).exp().add(1).log() - input * (1 - up)
    log_weight = 1 if pos_weight is None else (pos_weight - 1) * target + 1
    losses = (1 - target) * input + log_weight * softplus
    return _reduce(losses if weight is None else losses * weight, reduction)


# ------------------------------------------------------------- class indices


def _class_targets(op: str, input: Tensor, target: Tensor) -> np.ndarray:
    """The targets as int64 class indices, checked against the scores' shape."""
    if target._data.dtype not in (np.int64, np.uint8):
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {target.dtype.name}"
        )
    if input.ndim < 1:
        raise ValueError(f"{op}: the input must have a class dimension, got a 0-d one")
    if input.ndim >= 2 and target.ndim and target.shape[0] != input.shape[0]:
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match "
            f"target batch_size ({target.shape[0]})."
        )
    expected = input.shape[:1] + input.shape[2:] if input.ndim >= 2 else ()
    if target.shape != expected:
        raise RuntimeError(
            f"Expected target size {list(expected)}, got {list(target.shape)}"
        )
    return target._data.astype(np.int64)


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
             size_average: Any = None, ignore_index: int = -100, reduce: Any = None,
             reduction: str = "mean") -> Tensor:  # fmt: skip
    """-input[target] (log-probabilities, classes along dim 1, or 0 for a single
    sample) times the class weight; the mean divides by the weights of the targets
    that are not `ignore_index`."""
    _tensors("nll_loss", input, target)
    reduction = _reduction(size_average, reduce, reduction)
    losses, weights = _picked(
        input, _class_targets("nll_loss", input, target), weight, ignore_index
    )
    if reduction == "mean":
        return _weighted_mean(losses, weights.sum())
    return _reduce(losses, reduction)


def _weighted_mean(losses: Tensor, total: float) -> Tensor:
    """The losses' sum over the total weight; nan if every target is ignored, with
    zero gradients (as PyTorch: the ignored positions get none)."""
    return losses.sum() / total if total else losses.sum() + math.nan


def _check_range(targets: np.ndarray, kept: np.ndarray, classes: int) -> None:
    wrong = kept & ((targets < 0) | (targets >= classes))
    if wrong.any():
        raise IndexError(f"Target {targets[wrong].flat[0]} is out of bounds: the "
                         f"scores have {classes} classes (valid targets 0.."
                         f"{classes - 1}, or ignore_index)")  # fmt: skip


def _picked(input: Tensor, targets: np.ndarray, weight: Tensor | None, ignore_index: int
            ) -> tuple[Tensor, np.ndarray]:  # fmt: skip
    """-input[target] * weight[target] at each position (0 where ignored), and those
    weights."""
    axis, classes = min(1, input.ndim - 1), input.shape[min(1, input.ndim - 1)]
    kept = targets != ignore_index
    _check_range(targets, kept, classes)
    safe = np.where(kept, targets, 0)
    scale = np.ones(classes) if weight is None else weight._data
    weights = (scale[safe] * kept).astype(input._data.dtype)
    picked = ops.Gather.apply(input, index=np.expand_dims(safe, axis), axis=axis)
    return -picked.squeeze(axis) * Tensor._wrap(weights, None), weights


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  size_average: Any = None, ignore_index: int = -100,
                  reduce: Any = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:  # fmt: skip
    """Cross-entropy from scores (N, C) or (N, C, d1, ...) (or (C,)): log-softmax
    over the classes, then nll_loss for class indices, or -sum(p log q) for target
    probabilities of the input's shape. label_smoothing=e mixes each target with
    the uniform distribution, (1 - e) target + e / C."""
    _tensors("cross_entropy", input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if not input.is_floating_point():
        raise NotImplementedError(
            f"cross_entropy: the scores are {input.dtype.name}; "
            f"they must be floating-point"
        )
    if not 0 <= label_smoothing <= 1:
        raise RuntimeError(
            f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}"
        )
    axis = min(1, input.ndim - 1)
    classes = input.shape[axis]
    if target.is_floating_point() and target.shape == input.shape:
        return _soft_cross_entropy(input, target, weight, reduction, label_smoothing)
    targets = _class_targets("cross_entropy", input, target)
    kept = targets != ignore_index
    plain = weight is None and label_smoothing == 0 and reduction == "mean"
    if plain and input.ndim == 2 and kept.any():  # the common case, as one node
        _check_range(targets, kept, classes)
        rows = input if kept.all() else input[np.flatnonzero(kept)]
        return ops.CrossEntropy.apply(rows, targets=targets[kept])
    logp = input.log_softmax(axis)
    losses, weights = _picked(logp, targets, weight, ignore_index)
    mean = reduction == "mean"
    loss = _weighted_mean(losses, weights.sum()) if mean else _reduce(losses, reduction)
    if label_smoothing == 0:
        return loss
    view = (1, classes) + (1,) * (input.ndim - 2) if input.ndim > 1 else (classes,)
    scaled = logp if weight is None else logp * weight.reshape(view)
    smooth = -scaled.sum(axis) * Tensor._wrap(kept.astype(input._data.dtype), None)
    if reduction == "mean":
        total = weights.sum() if weight is not None else kept.sum()
        smooth = _weighted_mean(smooth, total)
    elif reduction == "sum":
        smooth = smooth.sum()
    return loss * (1 - label_smoothing) + smooth * (label_smoothing / classes)


def _soft_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None,
                        reduction: str, label_smoothing: float) -> Tensor:  # fmt: skip
    """-sum over classes of p log softmax(input), p the target probabilities."""
    axis = min(1, input.ndim - 1)
    classes = input.shape[axis]
    if label_smoothing:
        target = target * (1 - label_smoothing) + label_smoothing / classes
    products = input.log_softmax(axis) * target
    if weight is not None:
        view = (1, classes) + (1,) * (input.ndim - 2) if input.ndim > 1 else (classes,)
        products = products * weight.reshape(view)
    if reduction == "mean":
        return -products.sum() / (input.numel() // classes)
    return _reduce(-products.sum(axis), reduction)
