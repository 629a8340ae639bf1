"""Adam and AdamW: a step size of its own for every weight, from its gradient
history, as PyTorch's ``torch.optim.Adam`` and ``torch.optim.AdamW``.

Book: book/modules/06_optimizers.md
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from .._tensor import Tensor
from ..dtypes import default_float
from .optimizer import Group, Optimizer, Scratch, _check, _grad, _implementation


class Adam(Optimizer):
    """Adaptive moments (Kingma & Ba, 2015): each weight's step is its gradient's
    running mean divided by the root of its running mean square, both corrected
    for starting at zero by the parameter's own step count."""

    def __init__(
        self, params: Iterable[Any], lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
        weight_decay: float = 0, amsgrad: bool = False, *,
        foreach: bool | None = None, maximize: bool = False,
        capturable: bool = False, differentiable: bool = False,
        fused: bool | None = None, decoupled_weight_decay: bool = False,
    ) -> None:  # fmt: skip
        _check("learning rate", lr)
        _check("epsilon value", eps)
        for i, beta in enumerate(betas):
            _check(f"beta parameter at index {i}", beta, below=1.0)
        _check("weight_decay value", weight_decay)
        _implementation(foreach, fused, differentiable=differentiable,
                        capturable=capturable)  # fmt: skip
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable,
                        fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)  # fmt: skip
        super().__init__(params, defaults)

    def _update(self, p: Tensor, param: np.ndarray, grad: np.ndarray,
                scratch: Scratch, group: Group) -> None:  # fmt: skip
        state = self.state[p]
        if not state:  # the parameter's first gradient: its own count starts
            state["step"] = Tensor._wrap(np.zeros((), default_float()), None)
            for key in ("exp_avg", "exp_avg_sq") + (
                    ("max_exp_avg_sq",) if group["amsgrad"] else ()):  # fmt: skip
                state[key] = Tensor._wrap(np.zeros_like(grad), None)
        out, temp = scratch
        lr, (beta1, beta2), decay = group["lr"], group["betas"], group["weight_decay"]
        if decay and group["decoupled_weight_decay"]:
            param *= 1 - lr * decay  # AdamW: shrink the weight itself
            decay = 0
        g = _grad(param, grad, decay, group["maximize"], out, temp)
        state["step"]._data += 1
        step = float(state["step"]._data)
        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        m += np.multiply(np.subtract(g, m, out=temp), 1 - beta1, out=temp)
        v *= beta2
        v += np.multiply(np.multiply(g, g, out=temp), 1 - beta2, out=temp)
        if group["amsgrad"]:  # the largest mean square so far
            v = np.maximum(state["max_exp_avg_sq"]._data, v,
                           out=state["max_exp_avg_sq"]._data)  # fmt: skip
        # lr * m_hat / (sqrt(v_hat) + eps), with m_hat = m / (1 - beta1^step) and
        # v_hat = v / (1 - beta2^step) folded into two numbers
        denom = np.sqrt(v, out=temp)
        denom /= math.sqrt(1 - beta2**step)
        denom += group["eps"]
        update = np.divide(m, denom, out=temp)
        update *= lr / (1 - beta1**step)
        param -= update


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019): shrink the
    weights themselves, not the gradient; weight_decay 0.01 by default."""

    def __init__(
        self, params: Iterable[Any], lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
        weight_decay: float = 1e-2, amsgrad: bool = False, *,
        maximize: bool = False, foreach: bool | None = None,
        capturable: bool = False, differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:  # fmt: skip
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad,
                         foreach=foreach, maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)  # fmt: skip
