"""The ops the losses of ``torch.nn`` need beyond the primitives: binary
cross-entropy on probabilities, whose gradient at a probability of exactly 0 or 1
is PyTorch's clamped one, which no composition of log and clamp gives (its chain
rule meets 0 * inf there).

Book: book/modules/04_losses.md
"""

from __future__ import annotations

import numpy as np

from ..autograd import Function
from .elementwise import _quiet

EPSILON = 1e-12  # the smallest p (1 - p) the gradient divides by, as PyTorch's


class BinaryCrossEntropy(Function):
    """-(y log p + (1 - y) log(1 - p)) for each probability p and target y, each
    log held at -100 or above (so p = 0 or 1 costs 100, not inf), with gradient
    (p - y) / max(p (1 - p), 1e-12), as PyTorch's."""

    def forward(ctx, p, y):
        ctx.save_for_backward(p, y)
        with _quiet():
            log_p = np.maximum(np.log(p), -100)
            log_not_p = np.maximum(np.log1p(-p), -100)
        return -(y * log_p + (1 - y) * log_not_p)

    def backward(ctx, grad):
        p, y = ctx.saved_tensors
        denominator = np.maximum(p * (1 - p), EPSILON)
        grad_p = grad * (p - y) / denominator if ctx.needs_input_grad[0] else None
        grad_y = None
        if ctx.needs_input_grad[1]:  # d/dy = log(1 - p) - log p, not held (PyTorch's)
            with _quiet():
                grad_y = grad * (np.log1p(-p) - np.log(p))
        return grad_p, grad_y
