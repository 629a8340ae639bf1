"""Milestone 03 (1986): an MLP trained by backpropagation reads digits, TinyDigits and
then MNIST."""

from __future__ import annotations

import math

import numpy as np
import pytest
from milestone_checks import assert_goals

from milestones import load

tinydigits = load("03_1986_mlp/01_rumelhart_tinydigits")
mnist = load("03_1986_mlp/02_rumelhart_mnist")
recipe_1986 = load("03_1986_mlp/03_rumelhart_1986_recipe")


def test_tinydigits_mlp_learns():
    result = tinydigits.run()
    loss = result["history"]["loss"]
    assert loss[-1] < loss[0] / 2
    assert_goals(tinydigits, result)
    params = dict(result["model"].named_parameters())
    assert sorted(params) == ["0.bias", "0.weight", "2.bias", "2.weight"]
    for name, p in params.items():
        assert p.grad is not None and p.grad.abs().max() > 0, name
        assert not np.array_equal(result["initial_state"][name], p.detach()), name


def test_a_run_records_its_gradient_updates():
    """Fair comparisons hold the number of updates fixed: epochs x batches, counted."""
    steps = []
    result = tinydigits.run(epochs=3, batch_size=64, callback=steps.append)
    batches = math.ceil(1000 / 64)  # the last, smaller batch counts too
    assert result["steps_per_epoch"] == batches
    assert result["updates"] == 3 * batches == len(steps)
    assert [(p.epoch, p.step) for p in steps[:2]] == [(1, 1), (1, 2)]
    assert steps[-1].steps == batches


def test_mnist_quick_run_meets_its_goal(quick_run):
    result = quick_run("03_1986_mlp/02_rumelhart_mnist")
    assert result["quick"] and result["epochs"] == mnist.SETTINGS.quick_epochs
    assert_goals(mnist, result)
    assert result["updates"] == result["epochs"] * math.ceil(60000 / result["batch_size"])


@pytest.mark.slow
def test_mnist_full_run_meets_its_goal():
    result = mnist.run()
    assert result["epochs"] == mnist.SETTINGS.epochs and result["seed"] == 0
    assert_goals(mnist, result)
    loss = result["history"]["loss"]
    assert all(later < earlier for earlier, later in zip(loss, loss[1:], strict=False))


def test_the_1986_recipe_trains_the_same_network_the_1986_way(quick_run):
    result = quick_run("03_1986_mlp/03_rumelhart_1986_recipe")
    assert_goals(recipe_1986, result)
    modern = mnist.mlp()
    assert [p.shape for p in result["model"].parameters()] == [p.shape for p in modern.parameters()]
    kinds = [type(layer).__name__ for layer in result["model"]]
    assert kinds == ["Linear", "Sigmoid", "Linear", "Sigmoid"]
    assert result["optimizer"].startswith("SGD(") and "momentum" not in result["optimizer"]


@pytest.mark.slow
def test_the_1986_recipe_full_run_meets_its_goal():
    assert_goals(recipe_1986, recipe_1986.run())
