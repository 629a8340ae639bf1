"""Milestone 03 (1986), part 2: the same recipe scales to MNIST, 60,000 handwritten digits of 28x28 pixels.

A 784-128-10 MLP (ReLU) trained with Adam (lr 1e-3, batch 32) for 5 epochs reads the 10,000 test digits with
about 97.5 % accuracy, in a few seconds of numpy. `--save-weights FILE.png` draws what its 128 hidden units learned.

    python milestones/03_1986_mlp/02_rumelhart_mnist.py [--epochs 5] [--seed 0] [--quick] [--quiet]
                                                        [--save-weights weights.png]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tinytorch as tt
from tinytorch import nn, optim
from tinytorch.data import DataLoader, TensorDataset
from tinytorch.datasets import load_mnist

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root: `milestones` imports from anywhere
from milestones.common import EVAL_BATCH, image_grid, main, results, training_display  # noqa: E402

if TYPE_CHECKING:  # numpy is needed only for the annotation
    import numpy as np

NAME = "1986 MLP on MNIST"
EXPECTED = {"test_accuracy": (0.94, 0.97, "94-97 %")}
QUICK_EPOCHS = 2


def run(
    epochs: int = 5,
    seed: int = 0,
    quiet: bool = True,
    callback: Callable[[tt.Progress], None] | None = None,
    quick: bool = False,
    batch_size: int = 32,
    lr: float = 1e-3,
) -> dict[str, Any]:
    """Train the MLP on MNIST and return its metrics (keys: milestones/common.py `results`)."""
    epochs = min(epochs, QUICK_EPOCHS) if quick else epochs
    tt.manual_seed(seed)
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    initial = model.state_dict()

    x_train, y_train, x_test, y_test = load_mnist()
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
        data="MNIST: 60,000 training images, 28x28 pixels, 10 classes",
        test_data="the MNIST test set (10,000 images)",
    )


def first_layer_image(model: nn.Sequential) -> np.ndarray:
    """The 128 hidden units' input weights as 28x28 patches, 16 per row (8 rows), each scaled to its own range."""
    return image_grid(model[0].weight.data.reshape(-1, 28, 28), columns=16)


if __name__ == "__main__":
    main(run, EXPECTED, weight_image=first_layer_image)
