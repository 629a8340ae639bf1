"""The benchmark's reference: the MNIST MLP as a good student writes it in plain
numpy, backward by hand, textbook optimizer updates."""

from __future__ import annotations

import numpy as np
from config import Config
from numpy_loop import NumpyLoop, softmax_cross_entropy


class NumpyRun(NumpyLoop):
    """The reference: the loop a good student writes in plain numpy, backward by
    hand, textbook optimizer updates."""

    def __init__(
        self, config: Config, weights: dict[str, np.ndarray], x, y, seed: int
    ) -> None:
        # weights as (in, out), hand-written numpy's usual layout (x @ W + b): the
        # transpose of tinytorch's
        params = [
            np.ascontiguousarray(weights[k].T)
            for k in ("0.weight", "0.bias", "2.weight", "2.bias")
        ]
        super().__init__(config, params, x, y)

    def gradients(
        self, xb: np.ndarray, yb: np.ndarray
    ) -> tuple[list[np.ndarray], float, int]:
        """Forward and backward of one batch: (grads in the order of params, mean
        loss, correct predictions)."""
        w1, b1, w2, b2 = self.params
        h = xb @ w1 + b1
        a = np.maximum(h, 0)
        logits = a @ w2 + b2
        loss, d_logits = softmax_cross_entropy(logits, yb)
        d_a = d_logits @ w2.T
        d_h = d_a * (h > 0)
        grads = [xb.T @ d_h, d_h.sum(axis=0), a.T @ d_logits, d_logits.sum(axis=0)]
        return grads, loss, int((logits.argmax(axis=1) == yb).sum())

    def logits(self, x: np.ndarray) -> np.ndarray:
        w1, b1, w2, b2 = self.params
        return np.maximum(x @ w1 + b1, 0) @ w2 + b2
