"""Milestone 02 (1969): one layer cannot learn XOR; a hidden layer, trained the same
way, can."""

from __future__ import annotations

import numpy as np
import pytest
from milestone_checks import assert_goals

from milestones import load

crisis = load("02_1969_xor/01_xor_crisis")
solved = load("02_1969_xor/02_xor_solved")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_single_layer_never_solves_xor(seed):
    result = crisis.run(seed=seed)
    assert_goals(crisis, result)  # at most 3 corners of 4, the loss stuck at ln 2
    assert max(result["history"]["accuracy"]) <= 0.75  # not in any epoch either


def test_a_hidden_layer_solves_xor():
    result = solved.run()
    loss = result["history"]["loss"]
    assert loss[-1] < loss[0] / 2
    assert_goals(solved, result)


def test_gradients_reach_every_layer():
    result = solved.run()
    params = dict(result["model"].named_parameters())
    assert sorted(params) == ["0.bias", "0.weight", "2.bias", "2.weight"]
    for name, p in params.items():
        assert p.grad is not None and p.grad.abs().max() > 0, name
        assert not np.array_equal(result["initial_state"][name], p.detach()), name


def test_the_comparison_is_fair():
    """Same data, optimizer, batch size and number of updates: only the hidden layer
    differs."""
    one, two = crisis.run(), solved.run()
    for key in ("optimizer", "batch_size", "epochs", "updates", "data", "test_data"):
        assert one[key] == two[key], key
    assert (one["params"], two["params"]) == (3, 17)
