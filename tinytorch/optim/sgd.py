"""SGD: stochastic gradient descent, with momentum and weight decay.

Book: book/modules/06_optimizers.md
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .._tensor import Tensor
from ..checks import check_number
from .optimizer import Optimizer


class SGD(Optimizer):
    """p -= lr * v, v = momentum * v + (grad + weight_decay * p): PyTorch's form."""

    def __init__(
        self,
        params: Iterable[Tensor],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr=lr, momentum=momentum, weight_decay=weight_decay)
        check_number("SGD", "momentum", momentum)
        check_number("SGD", "weight_decay", weight_decay)
        self.momentum, self.weight_decay = momentum, weight_decay
        self.velocity = (
            [np.zeros_like(p._data) for p in self.params] if momentum else []
        )

    def _update(self, i, param, grad, scratch):
        if self.weight_decay:
            np.multiply(param, self.weight_decay, out=scratch)
            grad = np.add(grad, scratch, out=scratch)
        if self.momentum:
            velocity = self.velocity[i]
            velocity *= self.momentum
            velocity += grad
            grad = velocity
        np.multiply(grad, self.lr, out=scratch)
        param -= scratch
