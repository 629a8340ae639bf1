"""Modules, losses and a whole MLP against gradcheck."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import nn
from tinytorch.nn import functional as F


class TwoLayer(nn.Module):
    def __init__(self) -> None:
        self.hidden = nn.Linear(4, 5)
        self.out = nn.Linear(5, 3)
        self.blocks = [nn.Linear(3, 3, bias=False)]

    def forward(self, x: tt.Tensor) -> tt.Tensor:
        return self.blocks[0](self.out(self.hidden(x).tanh()))


def test_parameters_are_discovered_from_attributes_and_lists() -> None:
    names = [name for name, _ in TwoLayer().named_parameters()]
    assert names == [
        "hidden.weight",
        "hidden.bias",
        "out.weight",
        "out.bias",
        "blocks.0.weight",
    ]


def test_sequential_names_like_pytorch_and_counts_parameters() -> None:
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    assert [n for n, _ in model.named_parameters()] == [
        "0.weight",
        "0.bias",
        "2.weight",
        "2.bias",
    ]
    assert (
        sum(p.data.size for p in model.parameters()) == 784 * 128 + 128 + 128 * 10 + 10
    )
    assert model[0].weight.shape == (128, 784) and len(model) == 3
    assert "Linear(in_features=784, out_features=128, bias=True)" in repr(model)


def test_linear_initialisation_is_uniform_within_pytorch_bound() -> None:
    tt.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    assert layer.weight.dtype == np.float32
    assert np.abs(layer.weight.data).max() <= bound
    assert np.abs(layer.weight.data).max() > 0.95 * bound  # uses the whole range
    assert abs(layer.weight.data.std() - bound / math.sqrt(3)) < 0.01 * bound


def test_mlp_parameter_gradients_match_gradcheck() -> None:
    tt.manual_seed(1)
    model = nn.Sequential(
        nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 5), nn.Sigmoid(), nn.Linear(5, 3)
    ).to(np.float64)
    x = tt.tensor(np.random.default_rng(0).standard_normal((7, 4)), dtype=np.float64)
    y = np.array([0, 2, 1, 1, 0, 2, 2])
    assert tt.gradcheck(
        lambda *params: F.cross_entropy(model(x), y), model.parameters()
    )


def test_zero_grad_train_eval() -> None:
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    model(tt.ones(3, 2)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    model.eval()
    assert not model[1].training
    model.train()
    assert model[1].training


def test_dropout_scales_in_training_and_is_identity_in_eval() -> None:
    tt.manual_seed(0)
    drop = nn.Dropout(0.25)
    out = drop(tt.ones(200, 200)).data
    assert set(np.unique(out)) == {0.0, np.float32(1 / 0.75)}
    assert abs((out == 0).mean() - 0.25) < 0.01
    drop.eval()
    np.testing.assert_array_equal(drop(tt.ones(3)).data, np.ones(3))
    with pytest.raises(ValueError, match=r"p must be a number in \[0, 1\), got 1.0"):
        nn.Dropout(1.0)


def test_activation_modules_match_their_functions() -> None:
    x = tt.tensor([[-2.0, -0.5, 0.5, 3.0]])
    for module, fn in [
        (nn.ReLU(), F.relu),
        (nn.Sigmoid(), F.sigmoid),
        (nn.Tanh(), F.tanh),
        (nn.GELU(), F.gelu),
    ]:
        np.testing.assert_array_equal(module(x).data, fn(x).data)
    np.testing.assert_allclose(nn.Softmax()(x).data.sum(), 1.0, rtol=1e-6)
    np.testing.assert_allclose(nn.Flatten()(tt.zeros(2, 1, 3, 3)).shape, (2, 9))


def test_state_dict_round_trip() -> None:
    tt.manual_seed(0)
    a = TwoLayer()
    tt.manual_seed(1)
    b = TwoLayer()
    x = tt.randn(2, 4)
    assert not np.allclose(a(x).data, b(x).data)
    state = a.state_dict()
    b.load_state_dict(state)
    np.testing.assert_array_equal(a(x).data, b(x).data)
    state["hidden.weight"][...] = 0  # a state dict is a copy, not a view of the weights
    assert np.abs(a.hidden.weight.data).sum() > 0


def test_load_state_dict_names_what_is_wrong() -> None:
    model = TwoLayer()
    state = model.state_dict()
    del state["out.bias"]
    state["extra"] = np.zeros(1)
    with pytest.raises(
        KeyError, match=r"missing keys \['out.bias'\], unexpected keys \['extra'\]"
    ):
        model.load_state_dict(state)
    state = model.state_dict()
    state["out.bias"] = np.zeros(4)
    with pytest.raises(
        ValueError, match=r"out.bias has shape \(3,\) but the state has \(4,\)"
    ):
        model.load_state_dict(state)


# ----------------------------------------------------------------------------------------------------- losses


def test_cross_entropy_matches_the_definition() -> None:
    rng = np.random.default_rng(0)
    logits, y = rng.standard_normal((8, 5)).astype(np.float32), rng.integers(0, 5, 8)
    expected = -np.mean(
        np.log(np.exp(logits) / np.exp(logits).sum(1, keepdims=True))[np.arange(8), y]
    )
    loss = nn.CrossEntropyLoss()(tt.tensor(logits), tt.tensor(y))
    assert loss.shape == () and loss.dtype == np.float32
    assert loss.item() == pytest.approx(expected, rel=1e-5)


def test_cross_entropy_is_finite_for_huge_logits() -> None:
    logits = tt.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 5.0]], requires_grad=True)
    loss = F.cross_entropy(logits, np.array([1, 1]))
    assert math.isfinite(loss.item()) and loss.item() == pytest.approx(1e4, rel=1e-6)
    loss.backward()
    assert np.isfinite(logits.grad).all()


def test_cross_entropy_bad_targets_name_the_value() -> None:
    logits = tt.zeros(3, 4)
    with pytest.raises(ValueError, match="target 7 is out of range for 4 classes"):
        F.cross_entropy(logits, np.array([0, 7, 1]))
    with pytest.raises(ValueError, match="target -1 is out of range"):
        F.cross_entropy(logits, np.array([0, -1, 1]))
    with pytest.raises(TypeError, match="integer class indices, got dtype float32"):
        F.cross_entropy(logits, tt.tensor([0.0, 1.0, 2.0]))
    with pytest.raises(
        tt.ShapeError, match=r"need targets of shape \(3,\), got \(2,\)"
    ):
        F.cross_entropy(logits, np.array([0, 1]))


def test_bce_losses_match_definitions_and_agree() -> None:
    z = np.array([[-3.0], [0.2], [4.0]], dtype=np.float32)
    y = np.array([[0.0], [1.0], [1.0]], dtype=np.float32)
    p = 1 / (1 + np.exp(-z))
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert nn.BCELoss()(tt.tensor(p), tt.tensor(y)).item() == pytest.approx(
        expected, rel=1e-5
    )
    assert nn.BCEWithLogitsLoss()(tt.tensor(z), tt.tensor(y)).item() == pytest.approx(
        expected, rel=1e-5
    )
    huge = nn.BCEWithLogitsLoss()(tt.tensor([[1e4], [-1e4]]), tt.tensor([[0.0], [1.0]]))
    assert huge.item() == pytest.approx(1e4, rel=1e-6)
    saturated = nn.BCELoss()(tt.tensor([[1.0], [0.0]]), tt.tensor([[0.0], [1.0]]))
    assert math.isfinite(saturated.item())


def test_mse_and_loss_shape_mismatch() -> None:
    assert nn.MSELoss()(
        tt.tensor([1.0, 3.0]), tt.tensor([0.0, 0.0])
    ).item() == pytest.approx(5.0)
    with pytest.raises(
        tt.ShapeError,
        match=r"mse_loss: prediction of shape \(4, 1\) and target of shape \(4,\)",
    ):
        nn.MSELoss()(tt.zeros(4, 1), tt.zeros(4))
