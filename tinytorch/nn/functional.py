"""The function namespace, as PyTorch's ``torch.nn.functional`` (import it as F):
layers, activations and losses as plain functions. The modules call these.

Book: book/modules/02_activations.md
"""

from __future__ import annotations

import math

import numpy as np

from .. import ops, random
from .._tensor import Tensor
from ..checks import ShapeError


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
    return 0.5 * x * (1 + (math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)).tanh())


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
    return x * (keep / (1 - p)).astype(x.dtype)


# --------------------------------------------------------------------------- losses


def _loss_inputs(op: str, prediction: Tensor, target: Tensor | np.ndarray) -> Tensor:
    """The target as a tensor, checked against the prediction: same shape, floats."""
    target = target if isinstance(target, Tensor) else Tensor(target)
    if prediction.shape != target.shape:
        raise ShapeError(
            f"{op}: prediction of shape {prediction.shape} and target of "
            f"shape {target.shape} differ"
        )
    if prediction.dtype.kind != "f":
        raise TypeError(
            f"{op}: the prediction is {prediction.dtype}; losses need "
            f"floating-point predictions"
        )
    if target.dtype != prediction.dtype:
        raise TypeError(
            f"{op}: the target is {target.dtype} but the prediction is "
            f"{prediction.dtype}; convert the target, e.g. "
            f"y.astype(np.{prediction.dtype})"
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


def cross_entropy(logits: Tensor, target: Tensor | np.ndarray) -> Tensor:
    """Cross-entropy between logits (N, C) and class indices (N,) in [0, C)."""
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
    if logits.dtype.kind != "f":
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
    wrong = (targets < 0) | (targets >= classes)
    if wrong.any():
        raise ValueError(
            f"cross_entropy: target {targets[wrong][0]} is out of range for "
            f"{classes} classes (valid: 0..{classes - 1})"
        )
    return ops.CrossEntropy.apply(logits, targets=targets)
