"""Magnitude pruning: exactly the smallest weights (or channels) go, and a pruned
weight stays exactly zero through fine-tuning, which a test trains to show."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import nn, optim, perf
from tinytorch.utils.data import DataLoader, TensorDataset


def mlp(seed: int = 0) -> nn.Sequential:
    tt.manual_seed(seed)
    return nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))


@pytest.mark.parametrize("amount", [0.0, 0.3, 0.9])
def test_global_pruning_removes_exactly_the_smallest_weights(amount):
    model = mlp()
    before = {name: w.detach().numpy().copy() for name, w in perf.channel_weights(model).items()}
    masks = perf.global_unstructured(model, amount)
    total = sum(w.size for w in before.values())
    assert sum(int((~m).sum()) for m in masks.values()) == round(amount * total)
    assert perf.sparsity(model) == pytest.approx(round(amount * total) / total)
    kept = np.concatenate([np.abs(before[n][m]) for n, m in masks.items()])
    gone = np.concatenate([np.abs(before[n][~m]) for n, m in masks.items()])
    if gone.size:
        assert gone.max() <= kept.min()  # one threshold over all layers
    for name, w in perf.channel_weights(model).items():
        assert np.array_equal(w.detach().numpy(), np.where(masks[name], before[name], 0))


def test_global_pruning_takes_more_from_the_layer_of_smaller_weights():
    model = mlp()
    with tt.no_grad():
        model[2].weight[...] = model[2].weight.detach().numpy() * 10
    masks = perf.global_unstructured(model, 0.5)
    assert (~masks["0.weight"]).mean() > 0.5 > (~masks["2.weight"]).mean()


def test_structured_pruning_removes_whole_units_by_l2_norm():
    model = mlp()
    norms = np.linalg.norm(model[0].weight.detach().numpy(), axis=1)
    last = model[2].weight.detach().numpy().copy()
    masks = perf.ln_structured(model, 0.25)
    assert sorted(masks) == [
        "0.bias",
        "0.weight",
    ]  # the output layer's units are the classes
    gone = ~masks["0.bias"]
    assert gone.sum() == 8 and norms[gone].max() <= norms[~gone].min()
    assert (model[0].weight.detach().numpy()[gone] == 0).all() and (
        model[0].bias.detach().numpy()[gone] == 0
    ).all()
    assert (model[0].weight.detach().numpy()[~gone] != 0).all()
    assert np.array_equal(model[2].weight.detach().numpy(), last)
    with pytest.raises(KeyError, match="not channel-layer weights"):
        perf.ln_structured(mlp(), 0.5, names=["1.weight"])
    with pytest.raises(ValueError, match="amount"):
        perf.ln_structured(mlp(), 1.0)
    with pytest.raises(
        ValueError, match=r"Sequential has no layer to act on \(Linear, Conv2d\)"
    ):
        perf.global_unstructured(nn.Sequential(nn.ReLU()), 0.5)


def digits_loader() -> DataLoader:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 64), dtype=np.float32)
    y = (x[:, :10].argmax(axis=1)).astype(np.int64)  # learnable: a function of x
    return DataLoader(TensorDataset(x, y), 32, shuffle=True, seed=0)


def fine_tune(model, masks, keep: bool) -> tuple[list[float], list[bool]]:
    optimizer = optim.Adam(model.parameters(), lr=1e-2)
    if keep:
        perf.keep_pruned(model, masks, optimizer)
    params = dict(model.named_parameters())
    still_zero = []

    def check(progress):
        still_zero.append(
            all((params[n].detach().numpy()[~m] == 0).all() for n, m in masks.items())
        )

    history = tt.fit(
        model, digits_loader(), nn.CrossEntropyLoss(), optimizer, 3, callback=check
    )
    return history.loss, still_zero


@pytest.mark.parametrize(
    "prune",
    [lambda m: perf.global_unstructured(m, 0.8), lambda m: perf.ln_structured(m, 0.5)],
    ids=["unstructured", "structured"],
)
def test_pruned_weights_stay_exactly_zero_through_fine_tuning(prune):
    model = mlp()
    masks = prune(model)
    kept_before = {
        n: p.detach().numpy()[masks[n]].copy() for n, p in model.named_parameters() if n in masks
    }
    loss, still_zero = fine_tune(model, masks, keep=True)
    assert len(still_zero) == 3 * 8 and all(still_zero)  # after every single step
    assert loss[-1] < loss[0]  # and it learned
    params = dict(model.named_parameters())
    assert all(
        not np.array_equal(params[n].detach().numpy()[masks[n]], v) for n, v in kept_before.items()
    )


def test_without_the_masks_adam_revives_pruned_weights():
    """The control: the test above would fail if keep_pruned did nothing."""
    model = mlp()
    masks = perf.global_unstructured(model, 0.8)
    _, still_zero = fine_tune(model, masks, keep=False)
    assert not any(still_zero)


def test_keep_pruned_and_the_step_hook_refuse_nonsense():
    model = mlp()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(KeyError, match="no parameters"):
        perf.keep_pruned(model, {"5.weight": np.ones((2, 2), bool)}, optimizer)
    with pytest.raises(TypeError, match="must be callable"):
        optimizer.register_step_post_hook("not a function")
    calls = []
    optimizer.register_step_post_hook(lambda opt, args, kwargs: calls.append(opt))
    for p in model.parameters():
        p.grad = tt.zeros(p.shape)
    optimizer.step()
    optimizer.step()
    assert calls == [optimizer, optimizer]


# ------------------------------------------------- convolutions, channels removed


def cnn(seed: int = 0) -> nn.Sequential:
    tt.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(1, 6, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 8, 3), nn.ReLU(), nn.Flatten(),
        nn.Linear(8 * 2 * 2, 12), nn.ReLU(), nn.Linear(12, 10),
    )  # fmt: skip


def test_a_convolution_is_pruned_weight_by_weight_or_filter_by_filter():
    model = cnn()
    filters = model[3].weight.detach().numpy().copy()
    masks = perf.global_unstructured(copy.deepcopy(model), 0.7)
    assert masks["3.weight"].shape == filters.shape  # one flag per weight
    total = sum(m.size for m in masks.values())
    assert sum(int((~m).sum()) for m in masks.values()) == round(0.7 * total)
    masks = perf.ln_structured(model, 0.5)
    assert sorted(masks) == ["0.bias", "0.weight", "3.bias", "3.weight", "6.bias",
                             "6.weight"]  # fmt: skip
    norms = np.linalg.norm(filters.reshape(8, -1), axis=1)  # over in, kh, kw
    gone = ~masks["3.bias"]
    assert gone.sum() == 4 and norms[gone].max() <= norms[~gone].min()
    assert (model[3].weight.detach().numpy()[gone] == 0).all()
    assert (model[3].weight.detach().numpy()[~gone] == filters[~gone]).all()


def test_removing_pruned_channels_shrinks_every_product_and_changes_no_output():
    model = cnn()
    masks = perf.ln_structured(model, 0.5)
    smaller = perf.remove_pruned_channels(model, masks)
    shapes = [tuple(p.shape) for p in smaller.parameters()]
    assert shapes == [(3, 1, 3, 3), (3,), (4, 3, 3, 3), (4,), (6, 16), (6,),
                      (10, 6), (10,)]  # fmt: skip
    assert (smaller[3].in_channels, smaller[3].out_channels) == (3, 4)
    assert (smaller[6].in_features, smaller[6].out_features) == (16, 6)
    x = tt.tensor(np.random.default_rng(0).standard_normal((5, 1, 8, 8), np.float32))
    with tt.no_grad():
        np.testing.assert_allclose(smaller(x).detach().numpy(), model(x).detach().numpy(), atol=1e-6)
    # after the Flatten, the Linear kept the four inputs of each kept filter
    kept = np.repeat(masks["3.bias"], 4)
    assert np.array_equal(smaller[6].weight.detach().numpy(), model[6].weight.detach().numpy()[masks[
        "6.bias"]][:, kept])
    assert model[3].weight.shape == (8, 6, 3, 3)  # the pruned model is unchanged


def test_removing_channels_refuses_what_it_cannot_remove():
    model = cnn()
    with pytest.raises(ValueError, match="prunes single weights"):
        perf.remove_pruned_channels(model, perf.global_unstructured(cnn(), 0.5))
    last = perf.ln_structured(cnn(), 0.5, names=["8.weight"])
    with pytest.raises(ValueError, match="outputs are the model's"):
        perf.remove_pruned_channels(model, last)
    squashed = nn.Sequential(nn.Linear(4, 6), nn.Sigmoid(), nn.Linear(6, 2))
    with pytest.raises(ValueError, match=r"layer 1 \(Sigmoid\) may not map"):
        perf.remove_pruned_channels(squashed, perf.ln_structured(squashed, 0.5))
    with pytest.raises(TypeError, match="needs a Sequential"):
        perf.remove_pruned_channels(nn.Linear(3, 2), {})
    with pytest.raises(KeyError, match="no parameters"):
        perf.remove_pruned_channels(model, {"9.weight": np.ones((2, 2), bool)})
