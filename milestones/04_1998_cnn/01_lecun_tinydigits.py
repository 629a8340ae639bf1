"""Milestone 04 (1998), part 1: a convolution reads 8x8 digits, next to the MLP of
milestone 03 trained on exactly the same budget.

LeCun's networks (1989, 1998) slide one small filter over every position of the image
instead of giving every pixel its own weight. The CNN here, 8 filters of 3x3, a 2x2
max-pool and one Linear layer, and the 64-32-10 MLP of milestone 03 see the same
batches in the same order, for the same number of Adam updates; the table compares
their accuracy, their training loss and their parameters.

    python milestones/04_1998_cnn/01_lecun_tinydigits.py [--epochs 20] [--seed 0]
        [--quick] [--quiet] [--validation]
"""

from __future__ import annotations

import sys
from pathlib import Path

from tinytorch import nn, optim

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root
from milestones import load, splits  # noqa: E402
from milestones.cli import main  # noqa: E402
from milestones.results import Goal  # noqa: E402
from milestones.training import Settings, trainer, versus  # noqa: E402

mlp = load("03_1986_mlp/01_rumelhart_tinydigits").mlp  # the 1986 model, unchanged


def cnn() -> nn.Module:
    """1x8x8 digits -> 8 filters of 3x3 (padded: 8x8 maps) + ReLU -> 2x2 max-pool
    (4x4 maps) -> 128 values -> 10 digit scores."""
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(8 * 4 * 4, 10),
    )  # fmt: skip


NAME = "1998 CNN vs 1986 MLP on TinyDigits"
EXPECTED = {"test_accuracy": (0.85, 0.95, "~90 %, about 10 points above the MLP")}
GOALS = (Goal("test_accuracy", low=0.95), Goal("test_accuracy", low=0.90, quick=True))
SETTINGS = Settings(epochs=20, batch_size=32, lr=1e-2, quick_epochs=10)

loss = nn.CrossEntropyLoss()
# run(epochs=..., seed=..., ...) trains both models with the same settings
run = versus(
    NAME,
    trainer("CNN (conv 1->8 3x3, pool, linear)", cnn, splits.tinydigits_images, loss,
            optim.Adam, SETTINGS),
    trainer("MLP 64-32-10 (milestone 03)", mlp, splits.tinydigits, loss, optim.Adam,
            SETTINGS),
)  # fmt: skip


if __name__ == "__main__":
    main(run, EXPECTED, GOALS, SETTINGS)
