"""Optimizers, from simplest to most elaborate: SGD (with momentum), Adam, AdamW.

Updates happen in place with `out=` and one scratch buffer per parameter, so a step allocates no new arrays.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from .tensor import Tensor


class Optimizer:
    """Holds the parameters to update; `step()` applies one update from their `.grad`."""

    def __init__(self, params: Iterable[Tensor], lr: float) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        if lr <= 0:
            raise ValueError(f"{type(self).__name__}: learning rate must be positive, got {lr}")
        self.lr = lr
        self.steps = 0
        self._scratch = [np.empty_like(p.data) for p in self.params]

    def zero_grad(self) -> None:
        """Forget the gradients of the last backward pass (set them to None, as PyTorch does)."""
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        """Update every parameter that has a gradient."""
        self.steps += 1
        for i, p in enumerate(self.params):
            if p.grad is not None:
                self._update(i, p.data, p.grad, self._scratch[i])

    def _update(self, i: int, param: np.ndarray, grad: np.ndarray, scratch: np.ndarray) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """p -= lr * v, where v = momentum * v + (grad + weight_decay * p) (PyTorch's form of momentum)."""

    def __init__(self, params: Iterable[Tensor], lr: float, momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum, self.weight_decay = momentum, weight_decay
        self.velocity = [np.zeros_like(p.data) for p in self.params] if momentum else []

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


class Adam(Optimizer):
    """Adaptive moments (Kingma & Ba, 2015): each weight's step is scaled by its own gradient history."""

    decoupled_weight_decay = False

    def __init__(
        self,
        params: Iterable[Tensor],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.beta1, self.beta2 = betas
        self.eps, self.weight_decay = eps, weight_decay
        self.m = [np.zeros_like(p.data) for p in self.params]
        self.v = [np.zeros_like(p.data) for p in self.params]

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
        # lr * m_hat / (sqrt(v_hat) + eps), with both bias corrections folded into two scalars (same result)
        correction2 = math.sqrt(1 - b2**self.steps)
        step_size = self.lr * correction2 / (1 - b1**self.steps)
        np.sqrt(v, out=scratch)
        scratch += self.eps * correction2
        np.divide(m, scratch, out=scratch)
        scratch *= step_size
        param -= scratch


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019): shrink the weights, not the gradient."""

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
