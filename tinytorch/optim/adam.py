"""Adam and AdamW: a step size of its own for every weight, from its gradient history.

Book: book/modules/06_optimizers.md
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from .._tensor import Tensor
from ..checks import check_number
from .optimizer import Optimizer


class Adam(Optimizer):
    """Adaptive moments (Kingma & Ba, 2015): each weight's step is its gradient's
    running mean divided by the root of its running mean square."""

    decoupled_weight_decay = False

    def __init__(
        self,
        params: Iterable[Tensor],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(
            params, lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay
        )
        name = type(self).__name__
        if len(self.defaults["betas"]) != 2:
            raise ValueError(f"{name}: betas must be two numbers, got {betas!r}")
        for i, beta in enumerate(betas):
            check_number(name, f"betas[{i}]", beta, 0, 1)
        check_number(name, "eps", eps)
        check_number(name, "weight_decay", weight_decay)
        self.beta1, self.beta2 = betas
        self.eps, self.weight_decay = eps, weight_decay
        self.m = [np.zeros_like(p._data) for p in self.params]
        self.v = [np.zeros_like(p._data) for p in self.params]

    def _update(self, i, param, grad, scratch):
        b1, b2, m, v = self.beta1, self.beta2, self.m[i], self.v[i]
        if self.weight_decay and self.decoupled_weight_decay:
            param *= 1 - self.lr * self.weight_decay
        elif self.weight_decay:
            grad = grad + self.weight_decay * param
        m *= b1
        m += np.multiply(grad, 1 - b1, out=scratch)
        v *= b2
        v += np.multiply(np.square(grad, out=scratch), 1 - b2, out=scratch)
        # lr * m_hat / (sqrt(v_hat) + eps), both bias corrections folded into scalars
        correction2 = math.sqrt(1 - b2**self.steps)
        step_size = self.lr * correction2 / (1 - b1**self.steps)
        np.sqrt(v, out=scratch)
        scratch += self.eps * correction2
        np.divide(m, scratch, out=scratch)
        scratch *= step_size
        param -= scratch


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019): shrink the
    weights themselves, not the gradient."""

    decoupled_weight_decay = True

    def __init__(
        self,
        params: Iterable[Tensor],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)
