"""Milestone 02 (1969), part 2: one hidden layer solves XOR.

Four hidden tanh units bend the plane: the hidden layer maps the corners to points a
single line can separate, and the output unit draws that line. This is the network
Minsky and Papert knew could represent XOR; what was missing in 1969 was a way to
train its hidden layer, which backpropagation (1986) supplied. Same data, optimizer,
learning rate and epochs as 01_xor_crisis.py: only the hidden layer differs.

    python milestones/02_1969_xor/02_xor_solved.py [--epochs 100] [--seed 0] [--quick]
        [--quiet]
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


def hidden_layer() -> nn.Module:
    """2 inputs -> 4 tanh units -> 1 sigmoid output."""
    return nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1), nn.Sigmoid())


NAME = "1969 XOR solved: a hidden layer"
EXPECTED = {"test_accuracy": (1.0, 1.0, "100 %")}
GOALS = (Goal("test_accuracy", 1.0, 1.0), Goal("train_accuracy", 1.0, 1.0))
SETTINGS = Settings(epochs=100, batch_size=16, lr=0.5, quick_epochs=30)

# run(epochs=..., seed=..., ...) trains the model above and returns its metrics
run = trainer(NAME, hidden_layer, splits.xor, nn.BCELoss(), optim.SGD, SETTINGS)


if __name__ == "__main__":
    main(run, EXPECTED, GOALS, SETTINGS)
