"""What every PyTorch reference shares: the loop its tutorials write, fed by indexing
tensors (no torch DataLoader and its workers). Optional: only with PyTorch."""

from __future__ import annotations

from typing import Any

import numpy as np
from config import Config


class TorchLoop:
    """PyTorch eager training of `model`, started from tinytorch's weights."""

    def __init__(
        self, config: Config, model: Any, weights: dict[str, np.ndarray], x, y
    ) -> None:
        import torch

        self.torch, self.config, self.model = torch, config, model
        self.model.load_state_dict(
            {k: torch.from_numpy(np.array(v)) for k, v in weights.items()}
        )
        if config.optimizer == "adam":
            self.optimizer = torch.optim.Adam(self.model.parameters(), lr=config.lr)
        else:
            self.optimizer = torch.optim.SGD(
                self.model.parameters(), lr=config.lr, momentum=config.momentum
            )
        self.x, self.y = torch.from_numpy(x), torch.from_numpy(y)
        self.loss_fn = torch.nn.CrossEntropyLoss()

    def epoch(self, order: np.ndarray) -> tuple[float, float]:
        bs, total_loss, hits = self.config.batch_size, 0.0, 0
        order_t = self.torch.from_numpy(order)
        self.model.train()
        for start in range(0, len(order), bs):
            idx = order_t[start : start + bs]
            xb, yb = self.x[idx], self.y[idx]
            output = self.model(xb)
            loss = self.loss_fn(output, yb)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            total_loss += loss.item() * len(idx)
            hits += int((output.argmax(dim=1) == yb).sum())
        return total_loss / len(order), hits / len(order)

    def accuracy(self, x: np.ndarray, y: np.ndarray) -> float:
        self.model.eval()
        with self.torch.no_grad():
            out = self.model(self.torch.from_numpy(x)).numpy()
        return float((out.argmax(axis=1) == y).mean())
