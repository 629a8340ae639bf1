"""Modules, containers, losses and a whole MLP against gradcheck (tests/compat/test_nn.py
compares all of them with PyTorch itself)."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import nn
from tinytorch.nn import functional as F


class TwoLayer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.hidden = nn.Linear(4, 5)
        self.out = nn.Linear(5, 3)
        self.blocks = nn.ModuleList([nn.Linear(3, 3, bias=False)])
        self.loose = [nn.Linear(3, 3)]  # a plain list: not registered, as in PyTorch

    def forward(self, x: tt.Tensor) -> tt.Tensor:
        return self.blocks[0](self.out(self.hidden(x).tanh()))


def values(t: tt.Tensor) -> np.ndarray:
    return t.detach().numpy()


def test_parameters_come_from_attributes_and_module_lists_not_plain_lists() -> None:
    names = [name for name, _ in TwoLayer().named_parameters()]
    assert names == ["hidden.weight", "hidden.bias", "out.weight", "out.bias", "blocks.0.weight"]


def test_a_module_need_not_call_super_init() -> None:
    class Bare(nn.Module):
        def __init__(self) -> None:
            self.layer = nn.Linear(2, 2)

        def forward(self, x: tt.Tensor) -> tt.Tensor:
            return self.layer(x)

    assert [n for n, _ in Bare().named_parameters()] == ["layer.weight", "layer.bias"]


def test_sequential_names_like_pytorch_and_counts_parameters() -> None:
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert sum(p.numel() for p in model.parameters()) == 784 * 128 + 128 + 128 * 10 + 10
    assert model[0].weight.shape == (128, 784) and len(model) == 3
    assert "(0): Linear(in_features=784, out_features=128, bias=True)" in repr(model)
    assert isinstance(model[1:], nn.Sequential) and list(model[1:]._modules) == ["1", "2"]


def test_a_layer_used_twice_is_optimized_once() -> None:
    """Its parameters are listed once, so an optimizer steps them once per step."""
    tt.manual_seed(0)
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.Tanh(), shared)
    assert len(list(model.parameters())) == 2
    before = values(shared.weight).copy()
    optimizer = tt.optim.SGD(model.parameters(), lr=0.1)
    model(tt.ones(3, 2)).sum().backward()
    optimizer.step()
    np.testing.assert_allclose(values(shared.weight), before - 0.1 * values(shared.weight.grad), rtol=1e-6)


def test_assigning_a_plain_tensor_to_a_parameter_is_refused() -> None:
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match=r"cannot assign .* as parameter 'weight'"):
        layer.weight = tt.ones(2, 2)
    layer.weight = nn.Parameter(tt.ones(2, 2))  # a Parameter is fine
    assert layer.weight.requires_grad and list(layer.state_dict()) == ["weight", "bias"]


def test_buffers_register_and_can_stay_out_of_the_state_dict() -> None:
    module = nn.Module()
    module.register_buffer("steps", tt.zeros(1))
    module.register_buffer("scratch", tt.zeros(2), persistent=False)
    assert [n for n, _ in module.named_buffers()] == ["steps", "scratch"]
    assert list(module.state_dict()) == ["steps"]
    assert list(module.parameters()) == []


def test_linear_initialisation_is_uniform_within_pytorch_bound() -> None:
    tt.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    weight = values(layer.weight)
    assert layer.weight.dtype == tt.float32
    assert np.abs(weight).max() <= bound
    assert np.abs(weight).max() > 0.95 * bound  # uses the whole range
    assert abs(weight.std() - bound / math.sqrt(3)) < 0.01 * bound


def test_mlp_parameter_gradients_match_gradcheck() -> None:
    tt.manual_seed(1)
    model = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 5), nn.Sigmoid(), nn.Linear(5, 3)).double()
    x = tt.tensor(np.random.default_rng(0).standard_normal((7, 4)))
    y = tt.tensor([0, 2, 1, 1, 0, 2, 2])
    assert tt.gradcheck(lambda *params: F.cross_entropy(model(x), y), list(model.parameters()))


def test_zero_grad_train_eval() -> None:
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    model(tt.ones(3, 2)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad(set_to_none=False)
    assert all((values(p.grad) == 0).all() for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    assert model.eval() is model and not model[1].training
    model.train()
    assert model[1].training


def test_dropout_scales_in_training_and_is_identity_in_eval() -> None:
    tt.manual_seed(0)
    drop = nn.Dropout(0.25)
    out = values(drop(tt.ones(200, 200)))
    assert set(np.unique(out)) == {0.0, np.float32(1 / 0.75)}
    assert abs((out == 0).mean() - 0.25) < 0.01
    drop.eval()
    np.testing.assert_array_equal(values(drop(tt.ones(3))), np.ones(3))
    assert (values(F.dropout(tt.ones(5), 1.0)) == 0).all()
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        nn.Dropout(1.5)


def test_activation_modules_match_their_functions() -> None:
    x = tt.tensor([[-2.0, -0.5, 0.0, 0.5, 3.0]])
    for module, fn in [(nn.ReLU(), F.relu), (nn.Sigmoid(), F.sigmoid), (nn.Tanh(), F.tanh), (nn.GELU(), F.gelu),
                       (nn.SiLU(), F.silu), (nn.ELU(), F.elu), (nn.LeakyReLU(), F.leaky_relu),
                       (nn.Softplus(), F.softplus)]:  # fmt: skip
        np.testing.assert_array_equal(values(module(x)), values(fn(x)))
    np.testing.assert_allclose(values(nn.Softmax(dim=1)(x)).sum(), 1.0, rtol=1e-6)
    assert nn.Flatten()(tt.zeros(2, 1, 3, 3)).shape == (2, 9)


def test_state_dict_round_trip_and_its_memory() -> None:
    tt.manual_seed(0)
    a = TwoLayer()
    tt.manual_seed(1)
    b = TwoLayer()
    x = tt.randn(2, 4)
    assert not np.allclose(values(a(x)), values(b(x)))
    state = a.state_dict()
    assert repr(b.load_state_dict(state)) == "<All keys matched successfully>"
    np.testing.assert_array_equal(values(a(x)), values(b(x)))
    snapshot = copy.deepcopy(state)  # the state dict shares the weights' memory...
    with tt.no_grad():
        state["hidden.weight"][...] = 0
    assert np.abs(values(a.hidden.weight)).sum() == 0  # ...as PyTorch's does
    assert np.abs(values(snapshot["hidden.weight"])).sum() > 0


def test_load_state_dict_names_what_is_wrong() -> None:
    model = TwoLayer()
    state = model.state_dict()
    del state["out.bias"]
    state["extra"] = tt.zeros(1)
    with pytest.raises(RuntimeError, match=r'Missing key\(s\) in state_dict: "out.bias". \n\tUnexpected key\(s\) in state_dict: "extra"'):
        model.load_state_dict(state)
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert (missing, unexpected) == (["out.bias"], ["extra"])
    state = model.state_dict()
    state["out.bias"] = tt.zeros(4)
    with pytest.raises(RuntimeError, match=r"size mismatch for out.bias: copying a param with shape"):
        model.load_state_dict(state)


def test_to_casts_floating_parameters_in_place() -> None:
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    weight = model[0].weight
    model(tt.ones(3, 2)).sum().backward()
    model.to(tt.float64)
    assert model[0].weight is weight and weight.dtype == tt.float64 and weight.grad.dtype == tt.float64
    assert model[1].num_batches_tracked.dtype == tt.int64
    with pytest.raises(TypeError, match="only accepts floating point"):
        model.to(tt.int32)
    with pytest.raises(RuntimeError, match="CPU only"):
        model.cuda()


def test_containers_hold_and_register_modules() -> None:
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    layers.append(nn.ReLU())
    assert len(layers) == 4 and len(list(layers.parameters())) == 6
    assert "(0-2): 3 x Linear" in repr(layers)
    heads = nn.ModuleDict({"a": nn.Linear(2, 1), "b": nn.Linear(2, 3)})
    assert list(heads) == ["a", "b"] and [n for n, _ in heads.named_parameters()][-1] == "b.bias"


# -------------------------------------------------------------------------- losses


def test_cross_entropy_matches_the_definition() -> None:
    rng = np.random.default_rng(0)
    logits, y = rng.standard_normal((8, 5)).astype(np.float32), rng.integers(0, 5, 8)
    expected = -np.mean(np.log(np.exp(logits) / np.exp(logits).sum(1, keepdims=True))[np.arange(8), y])
    loss = nn.CrossEntropyLoss()(tt.tensor(logits), tt.tensor(y))
    assert loss.shape == () and loss.dtype == tt.float32
    assert loss.item() == pytest.approx(expected, rel=1e-5)


def test_cross_entropy_is_finite_for_huge_logits() -> None:
    logits = tt.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 5.0]], requires_grad=True)
    loss = F.cross_entropy(logits, tt.tensor([1, 1]))
    assert math.isfinite(loss.item()) and loss.item() == pytest.approx(1e4, rel=1e-6)
    loss.backward()
    assert np.isfinite(values(logits.grad)).all()


def test_cross_entropy_bad_targets_are_pytorchs_errors() -> None:
    logits = tt.zeros(3, 4)
    with pytest.raises(IndexError, match="Target 7 is out of bounds."):
        F.cross_entropy(logits, tt.tensor([0, 7, 1]))
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got float32"):
        F.cross_entropy(logits, tt.tensor([0.5, 1.0, 2.0])[:, None].reshape(3))
    with pytest.raises(ValueError, match=r"Expected input batch_size \(3\) to match target batch_size \(2\)"):
        F.cross_entropy(logits, tt.tensor([0, 1]))
    with pytest.raises(TypeError, match="must be Tensor, not ndarray"):
        F.cross_entropy(logits, np.array([0, 1, 2]))


def test_bce_losses_match_definitions_and_agree() -> None:
    z = np.array([[-3.0], [0.2], [4.0]], dtype=np.float32)
    y = np.array([[0.0], [1.0], [1.0]], dtype=np.float32)
    p = 1 / (1 + np.exp(-z))
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert nn.BCELoss()(tt.tensor(p), tt.tensor(y)).item() == pytest.approx(expected, rel=1e-5)
    assert nn.BCEWithLogitsLoss()(tt.tensor(z), tt.tensor(y)).item() == pytest.approx(expected, rel=1e-5)
    huge = nn.BCEWithLogitsLoss()(tt.tensor([[1e4], [-1e4]]), tt.tensor([[0.0], [1.0]]))
    assert huge.item() == pytest.approx(1e4, rel=1e-6)
    saturated = nn.BCELoss()(tt.tensor([[1.0], [0.0]]), tt.tensor([[0.0], [1.0]]))
    assert saturated.item() == 100  # each log held at -100, as PyTorch's


def test_mse_broadcasts_with_pytorchs_warning() -> None:
    assert nn.MSELoss()(tt.tensor([1.0, 3.0]), tt.tensor([0.0, 0.0])).item() == pytest.approx(5.0)
    with pytest.warns(UserWarning, match=r"Using a target size .* different to the input size"):
        loss = nn.MSELoss(reduction="none")(tt.zeros(4, 1), tt.zeros(4))
    assert loss.shape == (4, 4)
