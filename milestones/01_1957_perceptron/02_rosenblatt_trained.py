"""Milestone 01 (1957), part 2: the same perceptron learns to separate two clusters by gradient descent.

Rosenblatt's machine learned from its mistakes; here the weights follow the gradient of the binary cross-entropy
(BCELoss) with plain SGD, the smooth descendant of his rule. On linearly separable data it reaches 95 %+.

    python milestones/01_1957_perceptron/02_rosenblatt_trained.py [--epochs 20] [--seed 0] [--quick] [--quiet]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tinytorch as tt
from tinytorch import nn, optim
from tinytorch.data import DataLoader, TensorDataset
from tinytorch.datasets import make_blobs

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root: `milestones` imports from anywhere
from milestones.common import EVAL_BATCH, HELD_OUT, main, results, training_display  # noqa: E402

NAME = "1957 Perceptron, trained"
EXPECTED = {"test_accuracy": (0.95, 1.0, "95 %+")}
QUICK_EPOCHS = 5


def run(
    epochs: int = 20,
    seed: int = 0,
    quiet: bool = True,
    callback: Callable[[tt.Progress], None] | None = None,
    quick: bool = False,
    batch_size: int = 16,
    lr: float = 0.1,
) -> dict[str, Any]:
    """Train the perceptron on make_blobs and return its metrics (keys: see milestones/common.py `results`)."""
    epochs = min(epochs, QUICK_EPOCHS) if quick else epochs
    tt.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
    initial = model.state_dict()

    x_train, y_train = make_blobs(200, seed=seed)
    x_test, y_test = make_blobs(200, seed=seed + HELD_OUT)
    train = DataLoader(TensorDataset(x_train, y_train), batch_size, shuffle=True, seed=seed)
    test = DataLoader(TensorDataset(x_test, y_test), EVAL_BATCH)

    optimizer = optim.SGD(model.parameters(), lr=lr)
    with training_display(quiet, callback) as show:
        history = tt.fit(model, train, nn.BCELoss(), optimizer, epochs, test, show)

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
        data="make_blobs(n=200): two separable clusters",
        test_data=f"make_blobs(n=200, seed={seed + HELD_OUT}): fresh points from the same clusters",
    )


if __name__ == "__main__":
    main(run, EXPECTED)
