"""Magnitude pruning: exactly the smallest weights (or channels) go, and a pruned
weight stays exactly zero through fine-tuning, which a test trains to show."""

from __future__ import annotations

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import nn, optim, perf
from tinytorch.data import DataLoader, TensorDataset


def mlp(seed: int = 0) -> nn.Sequential:
    tt.manual_seed(seed)
    return nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))


@pytest.mark.parametrize("amount", [0.0, 0.3, 0.9])
def test_global_pruning_removes_exactly_the_smallest_weights(amount):
    model = mlp()
    before = {name: w.data.copy() for name, w in perf.channel_weights(model).items()}
    masks = perf.global_unstructured(model, amount)
    total = sum(w.size for w in before.values())
    assert sum(int((~m).sum()) for m in masks.values()) == round(amount * total)
    assert perf.sparsity(model) == pytest.approx(round(amount * total) / total)
    kept = np.concatenate([np.abs(before[n][m]) for n, m in masks.items()])
    gone = np.concatenate([np.abs(before[n][~m]) for n, m in masks.items()])
    if gone.size:
        assert gone.max() <= kept.min()  # one threshold over all layers
    for name, w in perf.channel_weights(model).items():
        assert np.array_equal(w.data, np.where(masks[name], before[name], 0))


def test_global_pruning_takes_more_from_the_layer_of_smaller_weights():
    model = mlp()
    with tt.no_grad():
        model[2].weight[...] = model[2].weight.data * 10
    masks = perf.global_unstructured(model, 0.5)
    assert (~masks["0.weight"]).mean() > 0.5 > (~masks["2.weight"]).mean()


def test_structured_pruning_removes_whole_units_by_l2_norm():
    model = mlp()
    norms = np.linalg.norm(model[0].weight.data, axis=1)
    last = model[2].weight.data.copy()
    masks = perf.ln_structured(model, 0.25)
    assert sorted(masks) == [
        "0.bias",
        "0.weight",
    ]  # the output layer's units are the classes
    gone = ~masks["0.bias"]
    assert gone.sum() == 8 and norms[gone].max() <= norms[~gone].min()
    assert (model[0].weight.data[gone] == 0).all() and (
        model[0].bias.data[gone] == 0
    ).all()
    assert (model[0].weight.data[~gone] != 0).all()
    assert np.array_equal(model[2].weight.data, last)
    with pytest.raises(KeyError, match="not channel-layer weights"):
        perf.ln_structured(mlp(), 0.5, names=["1.weight"])
    with pytest.raises(ValueError, match="amount"):
        perf.ln_structured(mlp(), 1.0)
    with pytest.raises(
        ValueError, match=r"Sequential has no layer to act on \(Linear\)"
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
            all((params[n].data[~m] == 0).all() for n, m in masks.items())
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
        n: p.data[masks[n]].copy() for n, p in model.named_parameters() if n in masks
    }
    loss, still_zero = fine_tune(model, masks, keep=True)
    assert len(still_zero) == 3 * 8 and all(still_zero)  # after every single step
    assert loss[-1] < loss[0]  # and it learned
    params = dict(model.named_parameters())
    assert all(
        not np.array_equal(params[n].data[masks[n]], v) for n, v in kept_before.items()
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
    optimizer.register_step_post_hook(calls.append)
    for p in model.parameters():
        p.grad = np.zeros_like(p.data)
    optimizer.step()
    optimizer.step()
    assert calls == [optimizer, optimizer]
