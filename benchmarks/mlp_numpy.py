"""The benchmark's reference: the MNIST MLP as a good student writes it in plain
numpy, backward by hand, textbook optimizer updates."""

from __future__ import annotations

import numpy as np
from config import Config


class NumpyRun:
    """The reference: the loop a good student writes in plain numpy, backward by
    hand, textbook optimizer updates."""

    def __init__(
        self, config: Config, weights: dict[str, np.ndarray], x, y, seed: int
    ) -> None:
        self.config, self.x, self.y = config, x, y
        # weights as (in, out), hand-written numpy's usual layout (x @ W + b): the
        # transpose of tinytorch's
        self.params = [
            np.ascontiguousarray(weights[k].T)
            for k in ("0.weight", "0.bias", "2.weight", "2.bias")
        ]
        self.m = [
            np.zeros_like(p) for p in self.params
        ]  # momentum velocity, or Adam's first moment
        self.v = [np.zeros_like(p) for p in self.params]  # Adam's second moment
        self.t = 0

    def gradients(
        self, xb: np.ndarray, yb: np.ndarray
    ) -> tuple[list[np.ndarray], float, int]:
        """Forward and backward of one batch: (grads in the order of params, mean
        loss, correct predictions)."""
        w1, b1, w2, b2 = self.params
        n = len(yb)
        h = xb @ w1 + b1
        a = np.maximum(h, 0)
        logits = a @ w2 + b2
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        rows = np.arange(n)
        loss = float(np.mean(np.log(total[:, 0]) - shifted[rows, yb]))
        d_logits = exp / total
        d_logits[rows, yb] -= 1
        d_logits /= n
        d_a = d_logits @ w2.T
        d_h = d_a * (h > 0)
        grads = [xb.T @ d_h, d_h.sum(axis=0), a.T @ d_logits, d_logits.sum(axis=0)]
        return grads, loss, int((logits.argmax(axis=1) == yb).sum())

    def update(self, grads: list[np.ndarray]) -> None:
        c = self.config
        self.t += 1
        for p, g, m, v in zip(self.params, grads, self.m, self.v, strict=True):
            if c.optimizer == "adam":
                b1, b2, eps = 0.9, 0.999, 1e-8
                m[:] = b1 * m + (1 - b1) * g
                v[:] = b2 * v + (1 - b2) * g * g
                m_hat = m / (1 - b1**self.t)
                v_hat = v / (1 - b2**self.t)
                p -= c.lr * m_hat / (np.sqrt(v_hat) + eps)
            elif c.momentum:
                m[:] = c.momentum * m + g
                p -= c.lr * m
            else:
                p -= c.lr * g

    def epoch(self, order: np.ndarray) -> tuple[float, float]:
        bs, total_loss, hits = self.config.batch_size, 0.0, 0
        for start in range(0, len(order), bs):
            idx = order[start : start + bs]
            grads, loss, correct = self.gradients(self.x[idx], self.y[idx])
            self.update(grads)
            total_loss += loss * len(idx)
            hits += correct
        return total_loss / len(order), hits / len(order)

    def accuracy(self, x: np.ndarray, y: np.ndarray) -> float:
        w1, b1, w2, b2 = self.params
        logits = [
            np.maximum(x[i : i + 1000] @ w1 + b1, 0) @ w2 + b2
            for i in range(0, len(x), 1000)
        ]
        return float((np.concatenate(logits).argmax(axis=1) == y).mean())
