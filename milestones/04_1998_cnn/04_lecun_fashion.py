"""Milestone 04 (1998), part 4: where spatial structure pays. A CNN and an MLP with
the same number of weights, trained the same way, on Fashion-MNIST.

Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017) has MNIST's format, 28x28 grey images
in ten classes, but of clothing: shirts, coats and pullovers differ in texture and
shape, not in a few strokes, and an MLP that sees 784 unrelated numbers finds them
much harder than digits. The CNN (8 and 16 filters of 3x3, two max-pools, one Linear
layer) and the MLP (784-12-10) have about 9,000 weights each, see the same batches in
the same order, and get the same optimizer and schedule.

    python milestones/04_1998_cnn/04_lecun_fashion.py [--epochs 3] [--seed 0]
        [--quick] [--quiet] [--validation]
"""

from __future__ import annotations

import sys
from pathlib import Path

from tinytorch import nn, optim
from tinytorch.optim.lr_scheduler import OneCycleLR

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root
from milestones import splits  # noqa: E402
from milestones.cli import main  # noqa: E402
from milestones.results import Goal  # noqa: E402
from milestones.training import Settings, trainer, versus  # noqa: E402


def cnn() -> nn.Sequential:
    """1x28x28 -> 8 filters 3x3 -> pool -> 8x14x14 -> 16 filters 3x3 -> pool ->
    16x7x7 = 784 -> 10 class scores."""
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 7 * 7, 10),
    )  # fmt: skip


def mlp() -> nn.Sequential:
    """784 pixels -> 12 hidden ReLU units -> 10 class scores: as many weights as the
    CNN, give or take five percent."""
    return nn.Sequential(nn.Linear(784, 12), nn.ReLU(), nn.Linear(12, 10))


NAME = "CNN vs MLP of the same size on Fashion-MNIST"
EXPECTED: dict[str, tuple[float, float, str]] = {}  # the course does not run it
GOALS = (Goal("test_accuracy_lead", low=0.02),
         Goal("test_accuracy_lead", low=0.01, quick=True))  # fmt: skip
SETTINGS = Settings(epochs=3, batch_size=128, lr=4e-3, quick_epochs=1)

loss = nn.CrossEntropyLoss()
# run(epochs=..., seed=..., ...) trains both models with the same settings
run = versus(
    NAME,
    trainer("CNN 8/16 filters of 3x3", cnn, splits.fashion_mnist_images, loss,
            optim.Adam, SETTINGS, OneCycleLR),
    trainer("MLP 784-12-10", mlp, splits.fashion_mnist, loss, optim.Adam, SETTINGS,
            OneCycleLR),
)  # fmt: skip


if __name__ == "__main__":
    main(run, EXPECTED, GOALS, SETTINGS)
