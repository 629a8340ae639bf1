"""The GPT benchmark compares like with like: its numpy reference computes tinytorch's
loss and gradients, every implementation trains on the same windows from the same
weights, and the KV-cache comparison checks its output. No timing is asserted."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest

import tinytorch as tt
from tinytorch.models import GPT, GPTConfig
from tinytorch.nn import functional as F

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))  # the benchmark scripts import their siblings

import gpt_numpy  # noqa: E402
import harness  # noqa: E402

TINY = GPTConfig(block_size=8, vocab_size=11, n_layer=2, n_head=2, n_embd=8)


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location(
        "train_gpt", BENCHMARKS / "train_gpt.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def state_arrays(model: GPT) -> dict[str, np.ndarray]:
    """The model's weights as numpy arrays, the benchmark's common currency."""
    return {name: value.numpy() for name, value in model.state_dict().items()}


def _batch(n: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 11, (n, 7)), rng.integers(0, 11, (n, 7))


def test_numpy_reference_loss_and_gradients_match_tinytorch() -> None:
    tt.manual_seed(0)
    model = GPT(TINY)
    x, y = _batch()
    logits = model(tt.tensor(x))
    loss = F.cross_entropy(logits.reshape(-1, 11), tt.tensor(y).reshape(-1))
    loss.backward()
    reference = gpt_numpy.NumpyGPT(state_arrays(model), TINY.n_head, lr=1e-3)
    ref_loss, grads, hits = reference.loss_and_grads(x, y)
    assert math.isclose(ref_loss, loss.item(), rel_tol=1e-5)
    assert hits == int((logits.argmax(-1) == tt.tensor(y)).sum())
    for name, p in model.named_parameters():
        ours = grads[name]
        ours = (
            ours.T if ours.ndim == 2 and not name.startswith(("wte", "wpe")) else ours
        )
        assert ours.dtype == np.float32, name
        np.testing.assert_allclose(
            ours, p.grad.numpy(), rtol=1e-3, atol=1e-6, err_msg=name
        )


def test_tinytorch_and_numpy_train_alike_on_the_same_windows(bench) -> None:
    tt.manual_seed(1)
    state = state_arrays(GPT(TINY))
    x, y = _batch(16, seed=2)
    tiny = bench.TinytorchRun(state, TINY.n_head, 1e-2, x, y, 4, seed=3)
    ref = gpt_numpy.NumpyRun(state, TINY.n_head, 1e-2, x, y, 4)
    for order in harness.epoch_orders(len(x), 2, seed=3):
        loss_tt, acc_tt = tiny.epoch(order)
        loss_np, acc_np = ref.epoch(order)
        assert math.isclose(loss_tt, loss_np, rel_tol=1e-4) and acc_tt == acc_np
    for name, value in tiny.model.state_dict().items():
        ours = ref.model.p[name]
        ours = (
            ours.T if ours.ndim == 2 and not name.startswith(("wte", "wpe")) else ours
        )
        np.testing.assert_allclose(ours, value, rtol=1e-3, atol=1e-5, err_msg=name)


def test_pytorch_reference_matches_when_installed() -> None:
    pytest.importorskip(
        "torch", reason="PyTorch is an optional extra (pip install torch)"
    )
    import gpt_torch

    tt.manual_seed(4)
    model = GPT(TINY)
    x, y = _batch(8, seed=5)
    run = gpt_torch.TorchRun(state_arrays(model), TINY.n_head, 1e-2, x, y, 4)
    ref = gpt_numpy.NumpyRun(state_arrays(model), TINY.n_head, 1e-2, x, y, 4)
    order = np.arange(8)
    assert math.isclose(run.epoch(order)[0], ref.epoch(order)[0], rel_tol=1e-4)


def test_windows_and_generation_report(bench) -> None:
    x, y = bench.windows("abcdefghij" * 20, 5, seed=0)
    assert x.shape == y.shape == (5, bench.CONTEXT)
    np.testing.assert_array_equal(x[:, 1:], y[:, :-1])
    result = bench.generation(
        "Q: When was the perceptron?\nA: 1957.\n" * 10, 0, 1, new=4
    )
    assert result["identical"] is True
    assert set(result["seconds_per_token"]) == {
        "64 cache",
        "64 recompute",
        "256 cache",
        "256 recompute",
    }
    assert result["speedup_256"] > 0
