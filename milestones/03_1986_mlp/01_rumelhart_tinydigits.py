"""Milestone 03 (1986), part 1: a multi-layer perceptron trained by backpropagation reads 8x8 handwritten digits.

Rumelhart, Hinton and Williams (1986) showed that backpropagation trains hidden layers, which learn their own
features from the data. A 64-32-10 MLP (ReLU) learns TinyDigits, 1,000 training and 200 test images shipped with
tinytorch, in well under a second.

    python milestones/03_1986_mlp/01_rumelhart_tinydigits.py [--epochs 20] [--seed 0] [--quick] [--quiet]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tinytorch as tt
from tinytorch import nn, optim
from tinytorch.data import DataLoader, TensorDataset
from tinytorch.datasets import load_tinydigits

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root: `milestones` imports from anywhere
from milestones.common import EVAL_BATCH, main, results, training_display  # noqa: E402

NAME = "1986 MLP on TinyDigits"
EXPECTED = {"test_accuracy": (0.75, 0.85, "75-85 %")}
QUICK_EPOCHS = 10


def run(
    epochs: int = 20,
    seed: int = 0,
    quiet: bool = True,
    callback: Callable[[tt.Progress], None] | None = None,
    quick: bool = False,
    batch_size: int = 32,
    lr: float = 1e-3,
) -> dict[str, Any]:
    """Train the MLP on TinyDigits and return its metrics (keys: milestones/common.py `results`)."""
    epochs = min(epochs, QUICK_EPOCHS) if quick else epochs
    tt.manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    initial = model.state_dict()

    x_train, y_train, x_test, y_test = load_tinydigits()
    train = DataLoader(TensorDataset(x_train, y_train), batch_size, shuffle=True, seed=seed)
    test = DataLoader(TensorDataset(x_test, y_test), EVAL_BATCH)

    optimizer = optim.Adam(model.parameters(), lr=lr)
    with training_display(quiet, callback) as show:
        history = tt.fit(model, train, nn.CrossEntropyLoss(), optimizer, epochs, test, show)

    return results(
        NAME,
        model,
        optimizer,
        history,
        train,
        test,
        seed=seed,
        quick=quick,
        initial_state=initial,
        data="TinyDigits: 1,000 training images, 8x8 pixels, 10 classes",
        test_data="the TinyDigits test set (200 images)",
    )


if __name__ == "__main__":
    main(run, EXPECTED)
