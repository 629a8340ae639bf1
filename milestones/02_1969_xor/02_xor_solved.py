"""Milestone 02 (1969), part 2: one hidden layer solves XOR.

Four hidden tanh units bend the plane: the hidden layer maps the corners to points a single line can separate,
and the output unit draws that line. This is the network Minsky and Papert knew could represent XOR; what was
missing in 1969 was a way to train its hidden layer, which backpropagation (1986) supplied. Same data, optimizer,
learning rate and epochs as 01_xor_crisis.py: only the hidden layer differs.

    python milestones/02_1969_xor/02_xor_solved.py [--epochs 100] [--seed 0] [--quick] [--quiet]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tinytorch as tt
from tinytorch import nn, optim
from tinytorch.data import DataLoader, TensorDataset
from tinytorch.datasets import make_xor

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root: `milestones` imports from anywhere
from milestones.common import EVAL_BATCH, HELD_OUT, main, results, training_display  # noqa: E402

NAME = "1969 XOR solved: a hidden layer"
EXPECTED = {"test_accuracy": (1.0, 1.0, "100 %")}
QUICK_EPOCHS = 30


def run(
    epochs: int = 100,
    seed: int = 0,
    quiet: bool = True,
    callback: Callable[[tt.Progress], None] | None = None,
    quick: bool = False,
    batch_size: int = 16,
    lr: float = 0.5,
) -> dict[str, Any]:
    """Train a 2-4-1 tanh network on make_xor and return its metrics (keys: milestones/common.py `results`)."""
    epochs = min(epochs, QUICK_EPOCHS) if quick else epochs
    tt.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1), nn.Sigmoid())
    initial = model.state_dict()

    x_train, y_train = make_xor(200, seed=seed)
    x_test, y_test = make_xor(200, seed=seed + HELD_OUT)
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
        data="make_xor(n=200, noise=0.1): the four corners of the unit square, y = x1 XOR x2",
        test_data=f"make_xor(n=200, seed={seed + HELD_OUT}): fresh noisy corners",
    )


if __name__ == "__main__":
    main(run, EXPECTED)
