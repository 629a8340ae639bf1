"""Milestone 02 (1969), part 1: the XOR crisis. A single-layer perceptron cannot
learn XOR, however long it trains.

Minsky and Papert proved it in "Perceptrons" (1969): one weighted sum draws one
straight line, and no line puts (0,1) and (1,0) on one side with (0,0) and (1,1) on
the other. The best line gets 3 of the 4 corners (75 %); the gradient settles near
"all weights zero", where every output is 0.5 and the loss is ln 2 = 0.693.

    python milestones/02_1969_xor/01_xor_crisis.py [--epochs 100] [--seed 0] [--quick]
        [--quiet]
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from tinytorch import nn, optim

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root
from milestones import splits  # noqa: E402
from milestones.cli import main  # noqa: E402
from milestones.results import Goal  # noqa: E402
from milestones.training import Settings, trainer  # noqa: E402


def single_layer() -> nn.Module:
    """One weighted sum and a sigmoid: one straight line, all a perceptron can draw."""
    return nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())


NAME = "1969 XOR crisis: a single layer"
EXPECTED = {
    "test_accuracy": (0.0, 0.75, "~50 %, at most 75 %"),
    "loss": (0.65, 0.75, "stuck near 0.69"),
}
GOALS = (
    Goal("test_accuracy", high=0.75),
    Goal("train_accuracy", high=0.75),
    Goal("loss", math.log(2) - 0.02, math.log(2) + 0.02),  # every output near 0.5
)
SETTINGS = Settings(epochs=100, batch_size=16, lr=0.5, quick_epochs=20)

# run(epochs=..., seed=..., ...) trains the model above and returns its metrics
run = trainer(NAME, single_layer, splits.xor, nn.BCELoss(), optim.SGD, SETTINGS)


if __name__ == "__main__":
    main(run, EXPECTED, GOALS, SETTINGS)
