"""Milestone 01 (1957), part 1: Rosenblatt's perceptron with random weights, before
any learning.

A perceptron is one weighted sum and a threshold: sigmoid(w . x + b), read as class 1
when it is >= 0.5. With random weights its line through the plane is random too: one
draw can land anywhere from 0 % to 100 %, and on average the untrained perceptron is
a coin flip. Part 2 (02_rosenblatt_trained.py) lets it learn.

    python milestones/01_1957_perceptron/01_rosenblatt_forward.py [--seed 0] [--quiet]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import tinytorch as tt
from tinytorch import nn
from tinytorch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root
from milestones import splits  # noqa: E402
from milestones.cli import main  # noqa: E402
from milestones.results import EVAL_BATCH, Goal, results  # noqa: E402

NAME = "1957 Perceptron, random weights (no training)"
EXPECTED = {"mean_random_accuracy": (0.45, 0.55, "~50 %")}
GOALS = (Goal("mean_random_accuracy", 0.45, 0.55),)
DRAWS = 1000  # random perceptrons, to show what "random" means (well under a second)


def run(seed: int = 0, quiet: bool = True) -> dict[str, Any]:
    """Measure one perceptron with random weights, and the mean of many like it."""
    tt.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())  # w (1, 2), b (1,): U(±1/√2)
    data = splits.blobs(seed)
    x_train, y_train, x_test, y_test = data.tensors()

    train = DataLoader(TensorDataset(x_train, y_train), EVAL_BATCH)
    test = DataLoader(TensorDataset(x_test, y_test), EVAL_BATCH)
    with tt.no_grad():
        loss = nn.BCELoss()(model(x_train), y_train)
    others = [nn.Sequential(nn.Linear(2, 1), nn.Sigmoid()) for _ in range(DRAWS - 1)]
    accuracies = [tt.evaluate(m, test) for m in [model, *others]]
    if not quiet:
        (w1, w2), b = model[0].weight[0].tolist(), model[0].bias.item()
        print(
            f"one random perceptron: w = [{w1:.3f}, {w2:.3f}], b = {b:.3f}: "
            f"test accuracy {accuracies[0]:.2%}"
        )
        print(
            f"{DRAWS} random perceptrons: from {min(accuracies):.2%} to "
            f"{max(accuracies):.2%}"
        )
    return results(
        NAME,
        model,
        None,
        tt.History(),
        train,
        test,
        seed=seed,
        quick=False,
        loss=loss.item(),
        initial_state=model.state_dict(),
        draws=accuracies,
        mean_random_accuracy=sum(accuracies) / DRAWS,
        data=data.about,
        test_data=data.test_about,
    )


if __name__ == "__main__":
    main(run, EXPECTED, GOALS)
