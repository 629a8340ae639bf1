"""tinytorch as the book trains with it, for every benchmark: DataLoader, the model,
CrossEntropyLoss, an optimizer and train_epoch."""

from __future__ import annotations

import numpy as np
from config import Config

import tinytorch as tt


class TinytorchLoop:
    """Trains `model` (already holding the shared initial weights) epoch by epoch."""

    def __init__(self, config: Config, model: tt.nn.Module, x, y, seed: int) -> None:
        self.model = model
        params = self.model.parameters()
        if config.optimizer == "adam":
            self.optimizer = tt.optim.Adam(params, lr=config.lr)
        else:
            self.optimizer = tt.optim.SGD(
                params, lr=config.lr, momentum=config.momentum
            )
        data = tt.utils.data.TensorDataset(tt.from_numpy(x), tt.from_numpy(y))
        shuffle = tt.Generator().manual_seed(seed)
        self.loader = tt.utils.data.DataLoader(
            data, config.batch_size, shuffle=True, generator=shuffle
        )
        self.loss_fn = tt.nn.CrossEntropyLoss()

    def epoch(self, order: np.ndarray) -> tuple[float, float]:
        # the loader draws `order` itself from the same seed (tests/test_benchmarks.py)
        return tt.train_epoch(self.model, self.loader, self.loss_fn, self.optimizer)

    def accuracy(self, x: np.ndarray, y: np.ndarray) -> float:
        return float((tt.predict(self.model, x).argmax(axis=1) == y).mean())
