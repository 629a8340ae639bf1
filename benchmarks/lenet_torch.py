"""LeNet-5 in PyTorch eager, written as its tutorials do (optional: only when PyTorch
is installed)."""

from __future__ import annotations

import numpy as np
from config import Config
from torch_loop import TorchLoop


class TorchRun(TorchLoop):
    """nn.Sequential LeNet-5, layer for layer tinytorch's, from its weights."""

    def __init__(
        self, config: Config, weights: dict[str, np.ndarray], x, y, seed: int
    ) -> None:
        from torch import nn

        model = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, 10),
        )  # fmt: skip
        super().__init__(config, model, weights, x, y)
