"""The exercises of book/milestones/04_cnn.md, done as a student would."""

from __future__ import annotations

import pytest

import tinytorch as torch
import tinytorch.nn.functional as F
from milestones import load
from tinytorch import nn
from tinytorch.datasets import load_tinydigits
from tinytorch.optim.lr_scheduler import OneCycleLR

lenet = load("04_1998_cnn/03_lecun_mnist")


def parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def test_the_convolutions_hold_few_of_the_weights() -> None:
    model = lenet.lenet5()
    convs = [layer for layer in model if isinstance(layer, nn.Conv2d)]
    assert [parameters(c) for c in convs] == [6 * (5 * 5 + 1), 16 * (6 * 5 * 5 + 1)]
    assert sum(parameters(c) for c in convs) / parameters(model) < 0.05
    digits = load("04_1998_cnn/01_lecun_tinydigits")
    assert parameters(digits.cnn()) < parameters(digits.mlp())


def test_without_padding_the_shapes_no_longer_fit() -> None:
    model = lenet.lenet5()
    model[0] = nn.Conv2d(1, 6, 5)  # padding=2 removed
    x = torch.zeros(1, 1, 28, 28)
    with torch.no_grad():
        assert model[:7](x).shape == (1, 256)  # 16 maps of 4x4, not 5x5
        with pytest.raises(torch.ShapeError, match="256") as error:
            model(x)
    assert "400" in str(error.value)


def test_a_convolution_moves_with_its_input() -> None:
    torch.manual_seed(0)
    conv = lenet.lenet5()[0]
    image = torch.zeros(1, 1, 28, 28)
    image[..., 6:14, 8:16] = torch.tensor(load_tinydigits()[0][0].reshape(8, 8))
    moved = torch.zeros_like(image)
    moved[..., :, 2:] = image[..., :, :-2]  # two pixels to the right
    with torch.no_grad():
        out, out_moved = conv(image), conv(moved)
    assert torch.allclose(out_moved[..., :, 2:], out[..., :, :-2], atol=1e-6)
    linear = nn.Linear(784, 6)
    with torch.no_grad():
        assert not torch.allclose(linear(moved.flatten()), linear(image.flatten()))


def test_shared_weights_do_more_work_per_weight() -> None:
    model = lenet.lenet5()
    x = torch.zeros(1, 1, 28, 28)
    conv, linear = model[0], model[7]
    with torch.no_grad():
        maps = conv(x)
    conv_macs = maps[0].numel() * conv.weight[0].numel()
    assert conv_macs == 6 * 28 * 28 * 25
    linear_macs = linear.in_features * linear.out_features
    assert conv_macs / parameters(conv) > 500  # each weight used at every position
    assert linear_macs / parameters(linear) < 1  # each weight used once


def test_one_cycle_climbs_then_anneals() -> None:
    epochs, steps = lenet.SETTINGS.epochs, 10
    optimizer = torch.optim.Adam([nn.Parameter(torch.zeros(1))], lr=1.0)
    schedule = OneCycleLR(optimizer, max_lr=lenet.SETTINGS.lr, epochs=epochs,
                          steps_per_epoch=steps)  # fmt: skip
    rates = []
    for _ in range(epochs * steps):
        rates.append(optimizer.param_groups[0]["lr"])
        schedule.step()
    peak = rates.index(max(rates))
    assert abs(peak / len(rates) - 0.3) < 0.05
    assert rates[0] == pytest.approx(lenet.SETTINGS.lr / 25)
    assert rates[-1] < rates[0] / 100


def test_tied_maxima_give_the_gradient_to_the_first() -> None:
    x = torch.zeros(1, 1, 2, 2, requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    assert x.grad.flatten().tolist() == [1.0, 0.0, 0.0, 0.0]
