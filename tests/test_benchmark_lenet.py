"""The LeNet-5 benchmark compares like with like: its numpy reference computes
tinytorch's loss, gradients and updates (ties in max-pooling shared alike), and every
implementation sees the same batches. No timing is asserted here."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from test_benchmarks import harness, load_benchmark

import tinytorch as tt


@pytest.fixture(scope="module")
def bench():
    return load_benchmark("train_lenet")


def _data(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((n, 1, 28, 28)).astype(np.float32)
    x[:, :, :6] = x.min()  # a flat background, as MNIST's: max-pool windows that tie
    return x, rng.integers(0, 10, n)


def test_numpy_reference_gradients_match_tinytorch(bench) -> None:
    x, y = _data(6)
    weights = bench.initial_weights(0)
    model = bench.TinytorchRun(bench.CONFIGS[0], weights, x, y, 0).model
    loss = tt.nn.functional.cross_entropy(model(tt.tensor(x)), tt.tensor(y))
    loss.backward()
    ref = bench.NumpyRun(bench.CONFIGS[0], weights, x, y, 0)
    grads, ref_loss, _ = ref.gradients(x, y)
    params = dict(model.named_parameters())
    dense = {f"{layer}.weight" for layer in ("7", "9", "11")}
    names = [f"{n}.{p}" for n in ("0", "3", "7", "9", "11") for p in ("weight", "bias")]
    for name, theirs in zip(names, grads, strict=True):
        ours = params[name].grad.numpy()
        assert theirs.dtype == ours.dtype == np.float32, name
        np.testing.assert_allclose(theirs.T if name in dense else theirs, ours, rtol=1e-4, atol=1e-6, err_msg=name)
    assert math.isclose(ref_loss, loss.item(), rel_tol=1e-6)


def test_one_epoch_same_weights_and_metrics(bench) -> None:
    config = dataclasses.replace(bench.CONFIGS[0], name="tiny", batch_size=8)
    x, y = _data(20)  # two full batches and a short one
    weights = bench.initial_weights(3)
    tiny = bench.TinytorchRun(config, weights, x, y, 3)
    ref = bench.NumpyRun(config, weights, x, y, 3)
    for order in harness.epoch_orders(len(x), 2, 3):
        loss_tt, acc_tt = tiny.epoch(order)
        loss_np, acc_np = ref.epoch(order)
        assert math.isclose(loss_tt, loss_np, rel_tol=1e-4) and acc_tt == acc_np
    state = tiny.model.state_dict()
    dense = {f"{layer}.weight" for layer in ("7", "9", "11")}
    names = [f"{n}.{p}" for n in ("0", "3", "7", "9", "11") for p in ("weight", "bias")]
    for name, theirs in zip(names, ref.params, strict=True):
        np.testing.assert_allclose(theirs.T if name in dense else theirs, state[name], rtol=1e-3, atol=1e-5, err_msg=name)
    assert tiny.accuracy(x, y) == ref.accuracy(x, y)


def test_pytorch_reference_matches_when_installed(bench) -> None:
    pytest.importorskip("torch", reason="PyTorch is an optional extra (pip install torch==2.13.0)")
    config = dataclasses.replace(bench.CONFIGS[0], name="tiny", batch_size=8)
    x, y = _data(20)
    weights = bench.initial_weights(2)
    torch_run, ref = bench.TorchRun(config, weights, x, y, 2), bench.NumpyRun(config, weights, x, y, 2)
    for order in harness.epoch_orders(len(x), 2, 2):
        assert math.isclose(torch_run.epoch(order)[0], ref.epoch(order)[0], rel_tol=1e-4)
    np.testing.assert_allclose(torch_run.model.state_dict()["0.weight"].numpy(), ref.params[0], rtol=1e-3, atol=1e-5)


def test_the_report_states_the_goals(bench) -> None:
    x, y = _data(16)
    config = bench.Config("tiny", 8, "sgd", 0.01, 0.9)
    result = harness.measure(bench.BENCHMARK, config, ("tinytorch", "numpy"), (x, y, x, y), rounds=1, epochs=2, seed=0, log=lambda line: None)
    assert result["ratios"]["numpy"]["goal"] == 1.25
    assert result["impls"]["tinytorch"]["test_accuracy"] == result["impls"]["numpy"]["test_accuracy"]
    results = {"machine": harness.machine_info(1), "torch": "skipped: --no-torch", "n_train": 16, "n_test": 16,
               "params": 61706, "rounds": 1, "epochs": 2, "configs": [result]}
    report = bench.format_report(results)
    assert "LeNet-5 (61,706 parameters)" in report and "tinytorch/numpy" in report
    assert bench.GOALS == {"pytorch": 0.9, "numpy": 1.25}
