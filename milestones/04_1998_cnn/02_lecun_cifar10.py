"""Milestone 04 (1998), part 2: a small CNN with batch normalization for CIFAR-10,
natural colour images of 32x32 pixels in ten classes (Krizhevsky, 2009).

Three blocks of convolution (3x3), BatchNorm2d, ReLU and 2x2 max-pooling (32, 64 and
128 channels), then one Linear layer. CIFAR-10 is not bundled (163 MB): the script
runs when the archive is in the cache folder (cifar-10 in $TINYTORCH_CACHE or
~/.cache/tinytorch) or with --download; otherwise it says so and stops. It is never
part of the book's build, and no accuracy is claimed for it unless a run measured it.

    python milestones/04_1998_cnn/02_lecun_cifar10.py [--download] [--epochs 10]
        [--seed 0] [--quick] [--quiet] [--validation]
"""

from __future__ import annotations

import sys
from pathlib import Path

from tinytorch import nn, optim
from tinytorch.optim.lr_scheduler import OneCycleLR

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root
from milestones import splits  # noqa: E402
from milestones.cli import main  # noqa: E402
from milestones.training import Settings, trainer  # noqa: E402


def block(in_channels: int, out_channels: int) -> list[nn.Module]:
    """Convolution 3x3 (padding 1), batch normalization, ReLU, 2x2 max-pool: the
    channels grow, the maps halve."""
    return [nn.Conv2d(in_channels, out_channels, 3, padding=1),
            nn.BatchNorm2d(out_channels), nn.ReLU(), nn.MaxPool2d(2)]  # fmt: skip


def cifar_cnn() -> nn.Sequential:
    """3x32x32 -> 32x16x16 -> 64x8x8 -> 128x4x4 = 2048 -> 10 class scores."""
    return nn.Sequential(*block(3, 32), *block(32, 64), *block(64, 128), nn.Flatten(),
                         nn.Linear(128 * 4 * 4, 10))  # fmt: skip


NAME = "CNN with BatchNorm on CIFAR-10"
EXPECTED = {"test_accuracy": (0.75, 1.0, "75 %+ (the north star of the course)")}
GOALS = ()  # none: the machines that build and test this project cannot fetch it
SETTINGS = Settings(epochs=10, batch_size=128, lr=4e-3, quick_epochs=1)

# run(epochs=..., seed=..., download=...) trains the model above and returns metrics
run = trainer(NAME, cifar_cnn, splits.cifar10, nn.CrossEntropyLoss(), optim.Adam,
              SETTINGS, OneCycleLR)  # fmt: skip


if __name__ == "__main__":
    main(run, EXPECTED, GOALS, SETTINGS, download=True)
