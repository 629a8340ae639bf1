"""What every hand-written numpy reference shares: textbook optimizer updates and the
loop over one epoch's batches. Each model adds its own forward and backward."""

from __future__ import annotations

import numpy as np
from config import Config


class NumpyLoop:
    """A model's parameters as plain arrays, updated by hand; subclasses define
    `gradients(xb, yb)` and `logits(x)`."""

    def __init__(self, config: Config, params: list[np.ndarray], x, y) -> None:
        self.config, self.x, self.y, self.params = config, x, y, params
        self.m = [np.zeros_like(p) for p in params]  # momentum, or Adam's 1st moment
        self.v = [np.zeros_like(p) for p in params]  # Adam's second moment
        self.t = 0

    def gradients(
        self, xb: np.ndarray, yb: np.ndarray
    ) -> tuple[list[np.ndarray], float, int]:
        """Forward and backward of one batch: (grads in the order of params, mean
        loss, correct predictions)."""
        raise NotImplementedError

    def logits(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

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
        logits = [self.logits(x[i : i + 1000]) for i in range(0, len(x), 1000)]
        return float((np.concatenate(logits).argmax(axis=1) == y).mean())


def softmax_cross_entropy(
    logits: np.ndarray, y: np.ndarray
) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of a batch and its gradient, (softmax - one_hot) / n."""
    n = len(y)
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = float(np.mean(np.log(total[:, 0]) - shifted[rows, y]))
    d_logits = exp / total
    d_logits[rows, y] -= 1
    d_logits /= n
    return loss, d_logits
