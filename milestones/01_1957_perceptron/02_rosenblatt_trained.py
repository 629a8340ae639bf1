"""Milestone 01 (1957), part 2: the same perceptron learns to separate two clusters
by gradient descent.

Rosenblatt's machine learned from its mistakes; here the weights follow the gradient
of the binary cross-entropy (BCELoss) with plain SGD, the smooth descendant of his
rule. On linearly separable data it separates the clusters.

    python milestones/01_1957_perceptron/02_rosenblatt_trained.py [--epochs 20]
        [--seed 0] [--lr 0.1] [--batch-size 16] [--quick] [--quiet]
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


def perceptron() -> nn.Module:
    """z = w1 x1 + w2 x2 + b, then p = sigmoid(z): class 1 when p >= 0.5."""
    return nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())


NAME = "1957 Perceptron, trained"
EXPECTED = {"test_accuracy": (0.95, 1.0, "95 %+")}
GOALS = (Goal("test_accuracy", low=0.95), Goal("train_accuracy", low=0.95))
SETTINGS = Settings(epochs=20, batch_size=16, lr=0.1, quick_epochs=5)

# run(epochs=..., seed=..., ...) trains the model above and returns its metrics
run = trainer(NAME, perceptron, splits.blobs, nn.BCELoss(), optim.SGD, SETTINGS)


if __name__ == "__main__":
    main(run, EXPECTED, GOALS, SETTINGS)
