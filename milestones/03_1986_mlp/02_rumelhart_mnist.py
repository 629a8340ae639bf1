"""Milestone 03 (1986), part 2: the same recipe scales to MNIST, 60,000 handwritten
digits of 28x28 pixels.

A 784-128-10 MLP (ReLU) trained with Adam (lr 1e-3, batch 32) for 5 epochs reads the
10,000 test digits in a few seconds of numpy. `--save-weights FILE.png` draws what
its 128 hidden units learned.

    python milestones/03_1986_mlp/02_rumelhart_mnist.py [--epochs 5] [--seed 0]
        [--quick] [--quiet] [--save-weights weights.png]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from tinytorch import nn, optim

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root
from milestones import splits  # noqa: E402
from milestones.cli import main  # noqa: E402
from milestones.images import image_grid  # noqa: E402
from milestones.results import Goal  # noqa: E402
from milestones.training import Settings, trainer  # noqa: E402


def mlp() -> nn.Module:
    """784 pixels -> 128 hidden ReLU units -> 10 digit scores."""
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


NAME = "1986 MLP on MNIST"
EXPECTED = {"test_accuracy": (0.94, 0.97, "94-97 %")}
GOALS = (Goal("test_accuracy", low=0.975), Goal("test_accuracy", low=0.95, quick=True))
SETTINGS = Settings(epochs=5, batch_size=32, lr=1e-3, quick_epochs=2)

# run(epochs=..., seed=..., ...) trains the model above and returns its metrics
run = trainer(NAME, mlp, splits.mnist, nn.CrossEntropyLoss(), optim.Adam, SETTINGS)


def first_layer_image(model: nn.Sequential) -> np.ndarray:
    """The 128 hidden units' input weights as 28x28 patches, 16 per row, each scaled
    to its own range."""
    return image_grid(model[0].weight.detach().numpy().reshape(-1, 28, 28), columns=16)


if __name__ == "__main__":
    main(run, EXPECTED, GOALS, SETTINGS, weight_image=first_layer_image)
