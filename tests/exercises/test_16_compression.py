"""Exercises of book/modules/16_compression.md, done as a student would."""

import copy
from pathlib import Path

import numpy as np
import pytest

import tinytorch as torch
from tinytorch import nn, optim, perf


def mlp() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))


def zero_share(weight: torch.Tensor) -> float:
    return float((weight.detach().numpy() == 0).mean())


def test_global_pruning_spares_the_layer_of_larger_weights() -> None:
    model = mlp()
    with torch.no_grad():
        model[2].weight.mul_(10)  # the second layer's weights ten times larger
    perf.global_unstructured(model, 0.5)
    assert perf.sparsity(model) == 0.5  # exactly half of all the weights
    assert zero_share(model[0].weight) > 0.5  # the small weights pay for both
    assert zero_share(model[2].weight) < 0.05


def test_without_the_masks_adam_revives_the_pruned_weights() -> None:
    sparsities = {}
    for keep in (True, False):
        model = mlp()
        masks = perf.global_unstructured(model, 0.9)
        adam = optim.Adam(model.parameters(), lr=1e-2)
        if keep:
            perf.keep_pruned(model, masks, adam)
        x, y = torch.randn(32, 64), torch.arange(32) % 10
        for _ in range(3):
            adam.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            adam.step()
        sparsities[keep] = perf.sparsity(model)
    assert sparsities[True] == pytest.approx(0.9, abs=1e-3)  # every pruned one
    assert sparsities[False] < 0.1


def test_removing_pruned_units_changes_no_output_and_shrinks_both_layers() -> None:
    model = mlp()
    masks = perf.ln_structured(model, 0.5)
    thin = perf.remove_pruned_channels(model, masks)
    assert thin[0].weight.shape == (16, 64) and thin[2].weight.shape == (10, 16)
    x = torch.randn(8, 64)
    with torch.no_grad():
        assert np.allclose(model(x).numpy(), thin(x).numpy(), atol=1e-6)


def test_zeros_shrink_the_file_but_not_the_multiply_adds(tmp_path: Path) -> None:
    model = mlp()
    zeros = copy.deepcopy(model)
    perf.global_unstructured(zeros, 0.9)
    thin = perf.remove_pruned_channels(
        units := copy.deepcopy(model), perf.ln_structured(units, 0.5)
    )
    x = torch.randn(8, 64)
    work = {}
    for name, m in (("dense", model), ("zeros", zeros), ("thin", thin)):
        with torch.no_grad(), perf.profile(m) as prof:
            m(x)
        work[name] = prof.gemm_macs
    assert work["zeros"] == work["dense"]  # BLAS multiplies the zeros too
    assert work["thin"] == work["dense"] // 2
    assert perf.save(zeros, tmp_path / "z.npz") < perf.save(model, tmp_path / "d.npz")
