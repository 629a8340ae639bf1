"""The fused ops: computations a composition of primitives would give exactly as
well, written as one node because they run at every training step: the fully
connected layer and the cross-entropy loss.

Book: book/modules/03_layers.md
"""

from __future__ import annotations

import numpy as np

from ..autograd import Function
from ..checks import ShapeError


class Linear(Function):
    """y = x @ W.T + b in one node (W in PyTorch's (out_features, in_features) layout).

    As one node it saves most of a training step's graph bookkeeping, and skips the
    gradient of the input data, which nobody needs.
    """

    def forward(ctx, x, weight, bias=None):
        _check_linear(x, weight)
        ctx.save_for_backward(x, weight)
        # leading axes folded into one: a single product, ~14 % faster than a batch
        out = x.reshape(-1, x.shape[-1]) @ weight.T
        if bias is not None:
            out += bias  # in place: `out` is fresh, so this saves an allocation
        return out.reshape(*x.shape[:-1], len(weight))

    def backward(ctx, grad):
        (x, weight), needs = ctx.saved_tensors, ctx.needs_input_grad
        grad = grad.reshape(-1, grad.shape[-1])  # leading axes fold into one batch axis
        grad_x = None
        if needs[0]:  # skipped for the data: nothing needs its gradient
            grad_x = (grad @ weight).reshape(x.shape)
        rows = x.reshape(-1, x.shape[-1])
        grad_w = (rows.T @ grad).T if needs[1] else None  # column-major, like weight
        if len(needs) == 2:
            return grad_x, grad_w
        # the bias's gradient as a product with ones: ~2x numpy's column sums
        grad_b = np.ones(len(grad), grad.dtype) @ grad if needs[2] else None
        return grad_x, grad_w, grad_b


def _check_linear(x: np.ndarray, weight: np.ndarray) -> None:
    if x.ndim == 0:
        raise ShapeError(
            f"linear: the input is 0-d; it needs a last axis of "
            f"{weight.shape[1]} features"
        )
    if x.shape[-1] != weight.shape[1]:
        raise ShapeError(
            f"linear: input of shape {x.shape} has {x.shape[-1]} features, but the "
            f"weight {weight.shape} expects {weight.shape[1]}"
        )
    if x.dtype.kind != "f":
        raise TypeError(
            f"linear: the input is {x.dtype}, but layers compute in floating point; "
            f"convert the data, e.g. x.astype(np.{weight.dtype}) (and scale pixel "
            f"values into [0, 1])"
        )
    if x.dtype != weight.dtype:  # numpy would quietly compute everything in float64
        raise TypeError(
            f"linear: the input is {x.dtype} but the weight is {weight.dtype}; convert "
            f"the data (x.astype(np.{weight.dtype})) or the model "
            f"(model.to(np.{x.dtype}))"
        )


class CrossEntropy(Function):
    """Mean of -log softmax(logits)[target]: a stable log-softmax forward and
    (softmax - one_hot) / N backward, in one node."""

    def forward(ctx, logits, targets):
        n = len(logits)
        shifted = logits - logits.max(axis=1, keepdims=True)  # exp never overflows
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        ctx.rows, ctx.targets = np.arange(n), targets
        probs = np.divide(exp, total, out=exp)  # in place: exp is not needed again
        ctx.save_for_backward(probs)
        loss = (np.log(total).sum() - shifted[ctx.rows, targets].sum()) / n
        return np.asarray(loss, dtype=logits.dtype)

    def backward(ctx, grad):
        (probs,) = ctx.saved_tensors
        scale = grad / len(ctx.rows)
        d_logits = probs * scale
        d_logits[ctx.rows, ctx.targets] -= scale
        return (d_logits,)
