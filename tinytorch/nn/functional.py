"""Activations and losses as functions (the modules in `tinytorch.nn` wrap these).

`linear` and `cross_entropy` are primitives of their own: composed from matmul, add, log_softmax and indexing they
would give the same gradients, but as one node each they save most of a training step's graph bookkeeping.
"""

from __future__ import annotations

import math

import numpy as np

from ..tensor import Function, ShapeError, Tensor


class Linear(Function):
    """y = x @ W.T + b in one node (W has PyTorch's (out_features, in_features) layout)."""

    def forward(ctx, x, weight, bias=None):
        if x.shape[-1] != weight.shape[1]:
            raise ShapeError(
                f"linear: input of shape {x.shape} has {x.shape[-1]} features, but the weight {weight.shape} "
                f"expects {weight.shape[1]}"
            )
        if x.dtype != weight.dtype:  # numpy would quietly compute the whole network in float64
            raise TypeError(
                f"linear: input is {x.dtype} but the weight is {weight.dtype}; convert the data "
                f"(e.g. x.astype(np.{weight.dtype})) or the model (model.to(np.{x.dtype}))"
            )
        ctx.x, ctx.weight = x, weight
        out = x @ weight.T
        if bias is not None:
            out += bias  # in place: `out` is fresh, so this saves an allocation
        return out

    def backward(ctx, grad):
        x, weight = ctx.x, ctx.weight
        if x.ndim > 2:  # fold leading axes into one batch axis
            x, grad = x.reshape(-1, x.shape[-1]), grad.reshape(-1, grad.shape[-1])
        needs = ctx.needs_input_grad
        grads = (
            (grad @ weight).reshape(ctx.x.shape) if needs[0] else None,  # skipped for the data: it never needs it
            (x.T @ grad).T if needs[1] else None,  # = grad.T @ x, laid out column-major like the weight
        )
        return grads + (grad.sum(axis=0) if needs[2] else None,) if len(needs) == 3 else grads


class CrossEntropy(Function):
    """Mean of -log softmax(logits)[target]: a stable log-softmax forward, (softmax - one_hot) / N backward."""

    def forward(ctx, logits, targets):
        n = len(logits)
        shifted = logits - logits.max(axis=1, keepdims=True)  # exp never overflows, even for logits of 1e4
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        ctx.rows, ctx.targets = np.arange(n), targets
        ctx.probs = np.divide(exp, total, out=exp)  # in place: exp is not needed again
        return np.asarray((np.log(total).sum() - shifted[ctx.rows, targets].sum()) / n, dtype=logits.dtype)

    def backward(ctx, grad):
        scale = grad / len(ctx.rows)
        d_logits = ctx.probs * scale
        d_logits[ctx.rows, ctx.targets] -= scale
        return (d_logits,)


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """x @ weight.T + bias."""
    return Linear.apply(x, weight) if bias is None else Linear.apply(x, weight, bias)


def relu(x: Tensor) -> Tensor:
    """max(x, 0)."""
    return x.relu()


def sigmoid(x: Tensor) -> Tensor:
    """1 / (1 + e ** -x)."""
    return x.sigmoid()


def tanh(x: Tensor) -> Tensor:
    """Hyperbolic tangent."""
    return x.tanh()


def softmax(x: Tensor, axis: int = -1) -> Tensor:
    """Probabilities along `axis` that sum to one."""
    return x.softmax(axis)


def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    """log(softmax(x)), computed stably."""
    return x.log_softmax(axis)


def gelu(x: Tensor) -> Tensor:
    """GELU with the tanh approximation (numpy has no erf): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""
    return 0.5 * x * (1 + (math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)).tanh())


def _check_same_shape(op: str, prediction: Tensor, target: Tensor) -> None:
    if prediction.shape != target.shape:
        raise ShapeError(f"{op}: prediction of shape {prediction.shape} and target of shape {target.shape} differ")


def mse_loss(prediction: Tensor, target: Tensor) -> Tensor:
    """Mean squared error."""
    _check_same_shape("mse_loss", prediction, target)
    diff = prediction - target
    return (diff * diff).mean()


def binary_cross_entropy(probability: Tensor, target: Tensor) -> Tensor:
    """-mean(y log p + (1 - y) log(1 - p)) for probabilities p; logs are clipped at log(1e-12) as PyTorch clips."""
    _check_same_shape("binary_cross_entropy", probability, target)
    log_p = probability.clip(min=1e-12).log()
    log_not_p = (1 - probability).clip(min=1e-12).log()
    return -(target * log_p + (1 - target) * log_not_p).mean()


def binary_cross_entropy_with_logits(logits: Tensor, target: Tensor) -> Tensor:
    """BCE on sigmoid(logits), computed stably as relu(z) - z y + log(1 + e ** -|z|)."""
    _check_same_shape("binary_cross_entropy_with_logits", logits, target)
    abs_z = logits.relu() + (-logits).relu()
    return (logits.relu() - logits * target + (1 + (-abs_z).exp()).log()).mean()


def cross_entropy(logits: Tensor, target: Tensor | np.ndarray) -> Tensor:
    """Cross-entropy between logits (N, C) and class indices (N,) in [0, C)."""
    targets = target.data if isinstance(target, Tensor) else np.asarray(target)
    if logits.ndim != 2:
        raise ShapeError(f"cross_entropy: logits must be (batch, classes), got shape {logits.shape}")
    if targets.shape != logits.shape[:1]:
        raise ShapeError(
            f"cross_entropy: logits {logits.shape} need targets of shape {logits.shape[:1]}, got {targets.shape}"
        )
    if targets.dtype.kind not in "iu":
        raise TypeError(f"cross_entropy: targets must be integer class indices, got dtype {targets.dtype}")
    classes = logits.shape[1]
    if targets.size and (targets.min() < 0 or targets.max() >= classes):
        bad = targets[(targets < 0) | (targets >= classes)][0]
        raise ValueError(f"cross_entropy: target {bad} is out of range for {classes} classes (valid: 0..{classes - 1})")
    return CrossEntropy.apply(logits, targets=targets)
