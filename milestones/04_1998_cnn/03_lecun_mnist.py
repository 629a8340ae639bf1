"""Milestone 04 (1998), part 3: LeNet-5 on all of MNIST, at the accuracy LeCun,
Bottou, Bengio and Haffner reported in 1998 (0.95 % test error).

Two convolutions of 5x5 filters (6, then 16 of them), each followed by a 2x2 max-pool,
then three fully connected layers (120, 84, 10): 61,706 weights, a sixth of the MNIST
MLP's, reading digits better. ReLU and max-pooling stand in for the paper's scaled
tanh and trainable subsampling; a softmax cross-entropy for its RBF output layer.

The recipe was chosen on a validation split (--validation: the first 50,000 training
images, tested on the last 10,000), never on the test set: standardized inputs, Adam
with a one-cycle learning rate peaking at SETTINGS.lr, batches of 128.

    python milestones/04_1998_cnn/03_lecun_mnist.py [--epochs 6] [--seed 0] [--quick]
        [--quiet] [--validation] [--save-weights filters.png]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from tinytorch import nn, optim
from tinytorch.optim.lr_scheduler import OneCycleLR

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root
from milestones import splits  # noqa: E402
from milestones.cli import main  # noqa: E402
from milestones.images import image_grid  # noqa: E402
from milestones.results import Goal  # noqa: E402
from milestones.training import Settings, trainer  # noqa: E402


def lenet5() -> nn.Sequential:
    """LeNet-5: 1x28x28 -> conv 6@5x5 (padding 2) -> 6x28x28 -> pool -> 6x14x14
    -> conv 16@5x5 -> 16x10x10 -> pool -> 16x5x5 = 400 -> 120 -> 84 -> 10."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10),
    )  # fmt: skip


NAME = "1998 LeNet-5 on MNIST"
EXPECTED = {"test_accuracy": (0.99, 1.0, "99 %+ (LeNet-5 in 1998: 99.05 %)")}
GOALS = (Goal("test_accuracy", low=0.99), Goal("test_accuracy", low=0.98, quick=True))
SETTINGS = Settings(epochs=6, batch_size=128, lr=8e-3, quick_epochs=1)
TRAINING_SECONDS = 60  # the budget for a full run on its 2-core machine

# run(epochs=..., seed=..., ...) trains LeNet-5 and returns its metrics
run = trainer(NAME, lenet5, splits.mnist_images, nn.CrossEntropyLoss(), optim.Adam,
              SETTINGS, OneCycleLR)  # fmt: skip


def first_layer_image(model: nn.Sequential) -> np.ndarray:
    """The six 5x5 filters of the first convolution, side by side, each scaled to its
    own range."""
    return image_grid(model[0].weight.detach().numpy()[:, 0], columns=6)


if __name__ == "__main__":
    main(run, EXPECTED, GOALS, SETTINGS, weight_image=first_layer_image)
