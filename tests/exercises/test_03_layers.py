"""Exercises of chapter 03 (Layers), done the way a reader would do them."""

import tinytorch as torch
from tinytorch import nn


def test_count_the_parameters_by_hand() -> None:
    xor_net = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1), nn.Sigmoid())
    assert sum(p.numel() for p in xor_net.parameters()) == (2 * 4 + 4) + (4 * 1 + 1)
    assert [name for name, _ in xor_net.named_parameters()] == [
        "0.weight",
        "0.bias",
        "2.weight",
        "2.bias",
    ]


class PlainList(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layers = [nn.Linear(3, 3), nn.Linear(3, 3)]


class Listed(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(3, 3), nn.Linear(3, 3)])


def test_a_plain_list_hides_its_layers() -> None:
    assert len(list(PlainList().parameters())) == 0
    assert len(list(Listed().parameters())) == 4
    assert list(Listed().state_dict()) == [
        "layers.0.weight",
        "layers.0.bias",
        "layers.1.weight",
        "layers.1.bias",
    ]


def test_a_layer_used_twice_is_counted_once() -> None:
    shared = nn.Linear(4, 4)
    net = nn.Sequential(shared, nn.ReLU(), shared)
    assert sum(p.numel() for p in net.parameters()) == 4 * 4 + 4


def test_dropout_in_training_and_in_evaluation() -> None:
    torch.manual_seed(0)
    drop = nn.Dropout(p=0.5)
    x = torch.ones(10_000)
    out = drop(x)
    assert set(out.tolist()) == {0.0, 2.0}  # kept values are doubled
    assert 0.45 < (out == 0).float().mean().item() < 0.55
    assert abs(out.mean().item() - 1.0) < 0.05  # the mean survives
    drop.eval()
    assert torch.equal(drop(x), x)


def _final_spread(width: int, initialise=None) -> float:
    torch.manual_seed(0)
    x = torch.randn(256, width)
    with torch.no_grad():
        for _ in range(10):
            layer = nn.Linear(width, width)
            if initialise is not None:
                initialise(layer.weight)
            x = layer(x).relu()
    return x.std().item()


def test_pytorchs_rule_makes_the_spread_independent_of_the_width() -> None:
    narrow, wide = _final_spread(64), _final_spread(256)
    assert 1 / 3 < narrow / wide < 3
    narrow_n = _final_spread(64, nn.init.normal_)
    wide_n = _final_spread(256, nn.init.normal_)
    assert 500 < wide_n / narrow_n < 2000  # about 2 per layer: (256 / 64) ** 0.5
