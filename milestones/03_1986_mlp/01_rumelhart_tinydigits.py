"""Milestone 03 (1986), part 1: a multi-layer perceptron trained by backpropagation
reads 8x8 handwritten digits.

Rumelhart, Hinton and Williams (1986) showed that backpropagation trains hidden
layers, which learn their own features from the data. A 64-32-10 MLP (ReLU) learns
TinyDigits, 1,000 training and 200 test images shipped with tinytorch, in well under
a second.

    python milestones/03_1986_mlp/01_rumelhart_tinydigits.py [--epochs 20] [--seed 0]
        [--quick] [--quiet]
"""

from __future__ import annotations

import sys
from pathlib import Path

from tinytorch import nn, optim

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root
from milestones import splits  # noqa: E402
from milestones.cli import main  # noqa: E402
from milestones.results import Goal  # noqa: E402
from milestones.training import Settings, trainer  # noqa: E402


def mlp() -> nn.Module:
    """64 pixels -> 32 hidden ReLU units -> 10 digit scores."""
    return nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))


NAME = "1986 MLP on TinyDigits"
EXPECTED = {"test_accuracy": (0.75, 0.85, "75-85 %")}
GOALS = (Goal("test_accuracy", low=0.85),)
SETTINGS = Settings(epochs=20, batch_size=32, lr=1e-3, quick_epochs=10)

# run(epochs=..., seed=..., ...) trains the model above and returns its metrics
run = trainer(NAME, mlp, splits.tinydigits, nn.CrossEntropyLoss(), optim.Adam, SETTINGS)


if __name__ == "__main__":
    main(run, EXPECTED, GOALS, SETTINGS)
