"""Exercises of chapter 02 (Activations), done the way a reader would do them."""

import numpy as np

import tinytorch as torch
import tinytorch.nn.functional as F
from tinytorch import nn


def _gap(bend) -> float:
    """Largest difference between two layers with `bend` between them and the single
    layer that is their product (the page's experiment)."""
    torch.manual_seed(0)
    first, second = nn.Linear(4, 8), nn.Linear(8, 3)
    x = torch.randn(5, 4)
    with torch.no_grad():
        weight = second.weight @ first.weight
        bias = second.weight @ first.bias + second.bias
        one_layer = F.linear(x, weight, bias)
        return (second(bend(first(x))) - one_layer).abs().max().item()


def test_a_leaky_relu_with_slope_one_bends_nothing() -> None:
    assert _gap(lambda z: F.leaky_relu(z, negative_slope=1.0)) < 1e-5
    assert _gap(lambda z: F.leaky_relu(z, negative_slope=0.1)) > 1e-2
    assert _gap(F.relu) > 1e-2


def test_slopes_come_from_the_output() -> None:
    z = torch.linspace(-4, 4, 81, dtype=torch.float64).requires_grad_()
    s = torch.sigmoid(z)
    s.sum().backward()
    assert torch.allclose(z.grad, (s * (1 - s)).detach())
    z.grad = None
    t = torch.tanh(z)
    t.sum().backward()
    assert torch.allclose(z.grad, (1 - t * t).detach())


def test_ten_sigmoids_in_a_row_vanish() -> None:
    z = torch.tensor([0.0], requires_grad=True)
    out = z
    for _ in range(10):
        out = torch.sigmoid(out)
    out.backward()
    assert 0 < z.grad.item() <= 0.25**10
    z.grad = None
    out = z + 1.0
    for _ in range(10):
        out = torch.relu(out)
    out.backward()
    assert z.grad.item() == 1.0  # ReLU's slope where it is active


def test_the_naive_sigmoid_breaks_on_the_way_back() -> None:
    z = torch.tensor([-1000.0], requires_grad=True)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        naive = 1 / (1 + torch.exp(-z))
        naive.backward()
    assert naive.item() == 0.0  # the forward pass looks right
    assert np.isnan(z.grad.item())  # inf / inf on the way back
    z.grad = None
    torch.sigmoid(z).backward()
    assert z.grad.item() == 0.0


def test_softmax_ignores_a_shift() -> None:
    scores = torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 5.0]])
    shifted = F.softmax(scores + 1000.0, dim=1)
    assert torch.allclose(shifted, F.softmax(scores, dim=1), atol=1e-6)
    assert torch.allclose(shifted.sum(dim=1), torch.ones(2))
    assert not torch.allclose(F.softmax(scores, dim=0), F.softmax(scores, dim=1))
