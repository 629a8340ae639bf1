"""The exercises of book/milestones/03_mlp.md, done as a student would."""

from __future__ import annotations

import math

import pytest

import tinytorch as torch
import tinytorch.nn.functional as F
from milestones import load, splits
from tinytorch import nn


def parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def test_count_the_weights_before_training() -> None:
    tiny = load("03_1986_mlp/01_rumelhart_tinydigits").mlp()
    mnist = load("03_1986_mlp/02_rumelhart_mnist").mlp()
    assert parameters(tiny) == 64 * 32 + 32 + 32 * 10 + 10
    assert parameters(mnist) == 784 * 128 + 128 + 128 * 10 + 10
    first = mnist[1] if isinstance(mnist[0], nn.Flatten) else mnist[0]
    assert first.weight.numel() / parameters(mnist) > 0.98  # the first layer is it


def test_updates_are_epochs_times_batches() -> None:
    tinydigits = load("03_1986_mlp/01_rumelhart_tinydigits")
    short = tinydigits.run(epochs=2)
    full = tinydigits.run()
    batches = math.ceil(len(splits.tinydigits(0).x_train) / 32)
    assert short["updates"] == 2 * batches
    assert full["updates"] == full["epochs"] * batches
    assert short["test_accuracy"] < full["test_accuracy"] - 0.2


@pytest.mark.slow  # three training runs
def test_a_seed_is_a_whole_run() -> None:
    tinydigits = load("03_1986_mlp/01_rumelhart_tinydigits")
    first, again, other = tinydigits.run(), tinydigits.run(), tinydigits.run(seed=1)
    assert first["test_accuracy"] == again["test_accuracy"]
    same = first["model"][0].weight, again["model"][0].weight
    assert torch.equal(*same)
    assert not torch.equal(first["model"][0].weight, other["model"][0].weight)


def test_a_dead_relu_gets_no_gradient_a_sigmoid_does() -> None:
    x = torch.rand(16, 4)  # pixels in [0, 1]
    grads = {}
    for name, unit in (("relu", nn.ReLU()), ("sigmoid", nn.Sigmoid())):
        torch.manual_seed(0)
        layer = nn.Linear(4, 1)
        with torch.no_grad():
            layer.bias.fill_(-5.0)  # negative for every input
        unit(layer(x)).sum().backward()
        grads[name] = layer.weight.grad.abs().sum().item()
    assert grads["relu"] == 0
    assert grads["sigmoid"] > 0


def test_the_1986_recipe_has_small_gradients() -> None:
    x, y, _, _ = splits.tinydigits(0).tensors()
    x, y = x[:32], y[:32]
    torch.manual_seed(0)
    modern = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    torch.manual_seed(0)
    old = nn.Sequential(
        nn.Linear(64, 32), nn.Sigmoid(), nn.Linear(32, 10), nn.Sigmoid()
    )
    nn.CrossEntropyLoss()(modern(x), y).backward()
    nn.MSELoss()(old(x), F.one_hot(y, 10).float()).backward()
    ratio = modern[0].weight.grad.abs().mean() / old[0].weight.grad.abs().mean()
    assert ratio.item() > 5
