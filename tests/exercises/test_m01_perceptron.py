"""Exercises of Milestone 01 (the perceptron), done the way a reader would do them:
through the milestone's own scripts."""

import numpy as np
import pytest

import tinytorch as torch
from milestones import load
from tinytorch import nn
from tinytorch.datasets import make_blobs

forward = load("01_1957_perceptron/01_rosenblatt_forward")
trained = load("01_1957_perceptron/02_rosenblatt_trained")


def test_a_learning_rate_of_zero_learns_nothing() -> None:
    result = trained.run(lr=0.0, quick=True)
    for name, tensor in result["model"].state_dict().items():
        assert torch.equal(tensor, result["initial_state"][name])
    random_line = forward.run(seed=0)  # Part 1: the same seed draws the same line
    assert result["test_accuracy"] == random_line["test_accuracy"]
    assert result["test_accuracy"] < trained.EXPECTED["test_accuracy"][0]


def test_the_gradient_is_rosenblatts_rule_with_a_probability() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
    x, y = torch.tensor([[0.5, -1.5]]), torch.tensor([[1.0]])
    p = model(x)
    nn.BCELoss()(p, y).backward()
    error = (p - y).item()
    assert model[0].weight.grad.tolist()[0] == pytest.approx(
        [error * 0.5, -error * 1.5]
    )
    assert model[0].bias.grad.item() == pytest.approx(error)


def test_longer_training_grows_the_weights_not_the_accuracy() -> None:
    short, long = trained.run(epochs=5), trained.run(epochs=40)
    assert short["test_accuracy"] == long["test_accuracy"] == 1.0
    assert long["loss"] < short["loss"]

    def norm(result):
        return float(np.linalg.norm(result["model"][0].weight.detach().numpy()))

    assert norm(long) > norm(short)


def test_other_seeds_clear_the_bar_too() -> None:
    bar = trained.EXPECTED["test_accuracy"][0]
    for seed in (1, 2, 3):
        assert trained.run(seed=seed, quick=True)["test_accuracy"] >= bar


def test_flip_the_line_and_the_answers_flip() -> None:
    model = trained.run(quick=True)["model"]
    x, y = make_blobs(200, seed=7)
    right = float(np.mean((torch.predict(model, x) >= 0.5) == y))
    with torch.no_grad():
        model[0].weight.mul_(-1)
        model[0].bias.mul_(-1)
    flipped = float(np.mean((torch.predict(model, x) >= 0.5) == y))
    assert flipped == pytest.approx(1 - right)
    assert flipped < 0.05
