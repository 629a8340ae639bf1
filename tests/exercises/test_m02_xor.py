"""Exercises of Milestone 02 (XOR), done the way a reader would do them: through the
milestone's own scripts and their training skeleton."""

import math

import pytest

import tinytorch as torch
from milestones import load, splits
from milestones.training import trainer
from tinytorch import nn, optim

crisis = load("02_1969_xor/01_xor_crisis")
solved = load("02_1969_xor/02_xor_solved")
CORNERS = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR = torch.tensor([[0.0], [1.0], [1.0], [0.0]])


def _run_with(model, **settings):
    """The solved script's training, same data and settings, another model."""
    run = trainer(
        "exercise", model, splits.xor, nn.BCELoss(), optim.SGD, solved.SETTINGS
    )
    return run(**settings)


def test_zero_weights_are_where_a_line_stops() -> None:
    line = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
    with torch.no_grad():
        line[0].weight.zero_()
        line[0].bias.zero_()
    loss = nn.BCELoss()(line(CORNERS), XOR)
    loss.backward()
    assert loss.item() == pytest.approx(math.log(2))
    assert line[0].weight.grad.abs().max().item() == 0.0  # no way down from here
    assert line[0].bias.grad.item() == 0.0


def test_without_the_tanh_the_hidden_layer_is_no_help() -> None:
    linear_stack = _run_with(
        lambda: nn.Sequential(nn.Linear(2, 4), nn.Linear(4, 1), nn.Sigmoid())
    )
    assert linear_stack["loss"] == pytest.approx(math.log(2), abs=0.02)
    assert linear_stack["test_accuracy"] <= 0.75


@pytest.mark.slow
def test_more_epochs_do_not_rescue_one_layer() -> None:
    longer = crisis.run(epochs=300)
    assert longer["loss"] == pytest.approx(math.log(2), abs=0.02)
    assert longer["test_accuracy"] <= 0.75


@pytest.mark.slow
def test_how_many_hidden_units_xor_needs() -> None:
    def hidden(units):
        return lambda: nn.Sequential(
            nn.Linear(2, units), nn.Tanh(), nn.Linear(units, 1), nn.Sigmoid()
        )

    one = [_run_with(hidden(1), seed=s)["test_accuracy"] for s in (0, 1, 2)]
    assert max(one) <= 0.75  # one unit: still one line
    two = [_run_with(hidden(2), seed=s)["test_accuracy"] for s in (0, 1, 2)]
    assert max(two) == 1.0 and min(two) < 0.9  # enough, but not found every time


def test_the_output_unit_draws_one_line_in_the_hidden_space() -> None:
    model = solved.run()["model"]
    with torch.no_grad():
        features = model[1](
            model[0](CORNERS)
        )  # the four corners, as the tanh units see them
        z = model[2](features)  # one weighted sum: a line in that space
    assert features.shape == (4, 4)
    assert ((z > 0).float() == XOR).all().item()
