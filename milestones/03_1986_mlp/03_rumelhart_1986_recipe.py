"""Milestone 03 (1986), part 3: the MNIST network trained the way 1986 trained it.

02_rumelhart_mnist.py trains with a modern recipe: ReLU units, softmax cross-entropy
and Adam. This script keeps the network's shape (784-128-10) and uses the recipe of
Rumelhart, Hinton and Williams: sigmoid units, squared error against one-hot targets,
plain gradient descent on mini-batches (no momentum, no Adam). The learning rate was
chosen on a validation split (the last 10,000 training images); the squared error is
averaged over the outputs too, which makes its gradient small, hence a rate that
looks large.

    python milestones/03_1986_mlp/03_rumelhart_1986_recipe.py [--epochs 5] [--seed 0]
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


def mlp_1986() -> nn.Module:
    """784 pixels -> 128 sigmoid units -> 10 sigmoid outputs, one per digit."""
    hidden = [nn.Linear(784, 128), nn.Sigmoid()]
    return nn.Sequential(*hidden, nn.Linear(128, 10), nn.Sigmoid())


NAME = "1986 MLP on MNIST, the 1986 recipe"
EXPECTED: dict = {}  # the course runs only the modern recipe
GOALS = (Goal("test_accuracy", low=0.95), Goal("test_accuracy", low=0.93, quick=True))
SETTINGS = Settings(epochs=5, batch_size=32, lr=10.0, quick_epochs=2)

# run(epochs=..., seed=..., ...) trains the model above and returns its metrics
run = trainer(NAME, mlp_1986, splits.mnist_one_hot, nn.MSELoss(), optim.SGD, SETTINGS)


if __name__ == "__main__":
    main(run, EXPECTED, GOALS, SETTINGS)
