"""Milestone 01 (1957): an untrained perceptron is a coin flip; trained, it separates
the clusters."""

from __future__ import annotations

import numpy as np
from milestone_checks import assert_goals

from milestones import load

forward = load("01_1957_perceptron/01_rosenblatt_forward")
trained = load("01_1957_perceptron/02_rosenblatt_trained")


def test_random_weights_are_a_coin_flip_on_average():
    result = forward.run()
    draws = result["draws"]
    assert len(draws) == forward.DRAWS
    assert_goals(forward, result)
    assert min(draws) < 0.2 and max(draws) > 0.8  # any single draw can land anywhere
    assert result["test_accuracy"] == draws[0]
    assert result["updates"] == result["epochs"] == 0
    assert result["optimizer"] == "none (not trained)"


def test_training_lowers_the_loss_and_separates_the_clusters():
    result = trained.run()
    loss = result["history"]["loss"]
    assert len(loss) == result["epochs"] == trained.SETTINGS.epochs
    assert loss[-1] < loss[0] / 2
    assert_goals(trained, result)


def test_gradients_reach_w_and_b_and_the_weights_change():
    result = trained.run()
    linear = result["model"][0]
    for name in ("weight", "bias"):
        grad = getattr(linear, name).grad
        assert grad is not None and grad.abs().max() > 0, name
        initial = result["initial_state"][f"0.{name}"]
        assert not np.array_equal(initial, getattr(linear, name).detach()), name


def test_a_seed_fixes_the_run_and_another_seed_changes_it():
    first, again, other = trained.run(seed=3), trained.run(seed=3), trained.run(seed=4)
    for key in ("loss", "accuracy", "test_accuracy"):  # all but the seconds
        assert first["history"][key] == again["history"][key], key
    for key, value in first["model"].state_dict().items():
        assert np.array_equal(value, again["model"].state_dict()[key])
    assert first["history"]["loss"] != other["history"]["loss"]


def test_a_misspelt_setting_is_an_error_not_ignored():
    import pytest

    with pytest.raises(TypeError, match="epoch"):
        trained.run(epoch=3)
