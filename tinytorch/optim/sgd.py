"""SGD: stochastic gradient descent, with momentum (plain or Nesterov's), dampening
and weight decay, as PyTorch's ``torch.optim.SGD``.

Book: book/modules/06_optimizers.md
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .._tensor import Tensor
from .optimizer import Group, Optimizer, Scratch, _check, _grad, _implementation


class SGD(Optimizer):
    """g = grad + weight_decay * p; with momentum, b = momentum * b + (1 -
    dampening) * g (b = g at a parameter's first step) and g = b, or g + momentum *
    b for Nesterov's; then p -= lr * g. PyTorch's formulation and defaults."""

    def __init__(
        self, params: Iterable[Any], lr: float = 1e-3, momentum: float = 0,
        dampening: float = 0, weight_decay: float = 0, nesterov: bool = False, *,
        maximize: bool = False, foreach: bool | None = None,
        differentiable: bool = False, fused: bool | None = None,
    ) -> None:  # fmt: skip
        _check("learning rate", lr)
        _check("momentum value", momentum)
        _check("weight_decay value", weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        _implementation(foreach, fused, differentiable=differentiable)
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov,
                        maximize=maximize, foreach=foreach,
                        differentiable=differentiable, fused=fused)  # fmt: skip
        super().__init__(params, defaults)

    def _update(self, p: Tensor, param: np.ndarray, grad: np.ndarray,
                scratch: Scratch, group: Group) -> None:  # fmt: skip
        out, temp = scratch
        g = _grad(param, grad, group["weight_decay"], group["maximize"], out, temp)
        momentum = group["momentum"]
        if momentum:
            state = self.state[p]
            if "momentum_buffer" not in state:  # a parameter's first step
                state["momentum_buffer"] = Tensor._wrap(g.copy(), None)
                buffer = state["momentum_buffer"]._data
            else:
                buffer = state["momentum_buffer"]._data
                buffer *= momentum
                dampening = group["dampening"]
                buffer += np.multiply(g, 1 - dampening, out=temp) if dampening else g
            if group["nesterov"]:
                g = np.add(g, np.multiply(buffer, momentum, out=temp), out=out)
            else:
                g = buffer
        param -= np.multiply(g, group["lr"], out=temp)
