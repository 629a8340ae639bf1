"""The MNIST MLP in PyTorch eager, written as its tutorials do (optional: only when
PyTorch is installed)."""

from __future__ import annotations

import numpy as np
from config import Config
from torch_loop import TorchLoop


class TorchRun(TorchLoop):
    """nn.Sequential(Linear, ReLU, Linear) of tinytorch's sizes and weights."""

    def __init__(
        self, config: Config, weights: dict[str, np.ndarray], x, y, seed: int
    ) -> None:
        from torch import nn

        w1, w2 = weights["0.weight"], weights["2.weight"]
        model = nn.Sequential(
            nn.Linear(w1.shape[1], w1.shape[0]),
            nn.ReLU(),
            nn.Linear(w2.shape[1], w2.shape[0]),
        )
        super().__init__(config, model, weights, x, y)
