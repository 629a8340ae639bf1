"""The MNIST MLP in PyTorch eager, written as its tutorials do (optional: only when
PyTorch is installed)."""

from __future__ import annotations

import numpy as np
from config import Config


class TorchRun:
    """PyTorch eager, written as its tutorials do, fed by indexing tensors (no torch
    DataLoader and its workers)."""

    def __init__(
        self, config: Config, weights: dict[str, np.ndarray], x, y, seed: int
    ) -> None:
        import torch

        self.torch, self.config = torch, config
        w1, w2 = weights["0.weight"], weights["2.weight"]
        self.model = torch.nn.Sequential(
            torch.nn.Linear(w1.shape[1], w1.shape[0]),
            torch.nn.ReLU(),
            torch.nn.Linear(w2.shape[1], w2.shape[0]),
        )
        self.model.load_state_dict(
            {k: torch.from_numpy(v.copy()) for k, v in weights.items()}
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
