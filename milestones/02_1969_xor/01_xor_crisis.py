"""Milestone 02 (1969), part 1: the XOR crisis. A single-layer perceptron cannot learn XOR, however long it trains.

Minsky and Papert proved it in "Perceptrons" (1969): one weighted sum draws one straight line, and no line puts
(0,1) and (1,0) on one side with (0,0) and (1,1) on the other. The best line gets 3 of the 4 corners (75 %); the
gradient settles near "all weights zero", where every output is 0.5 and the loss is ln 2 = 0.693.

    python milestones/02_1969_xor/01_xor_crisis.py [--epochs 100] [--seed 0] [--quick] [--quiet]
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

NAME = "1969 XOR crisis: a single layer"
EXPECTED = {"test_accuracy": (0.0, 0.75, "~50 %, at most 75 %"), "loss": (0.65, 0.75, "stuck near 0.69")}
QUICK_EPOCHS = 20


def run(
    epochs: int = 100,
    seed: int = 0,
    quiet: bool = True,
    callback: Callable[[tt.Progress], None] | None = None,
    quick: bool = False,
    batch_size: int = 16,
    lr: float = 0.5,
) -> dict[str, Any]:
    """Train one Linear+Sigmoid layer on make_xor and return its metrics (keys: milestones/common.py `results`)."""
    epochs = min(epochs, QUICK_EPOCHS) if quick else epochs
    tt.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())  # one line through the plane: all a perceptron can draw
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
