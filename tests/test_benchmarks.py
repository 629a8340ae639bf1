"""The speed benchmark compares like with like: its numpy reference computes tinytorch's gradients and updates,
all implementations see the same batches, and the harness reports ratios. No timing is asserted here."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

import tinytorch as tt

SIZES = (20, 16, 10)


BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))  # the benchmark scripts import their siblings

import harness  # noqa: E402


def load_benchmark(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    return load_benchmark("train_mlp")


def _data(n: int = 64) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    return rng.random((n, SIZES[0]), dtype=np.float32), rng.integers(0, SIZES[2], n)


def test_numpy_reference_gradients_match_tinytorch(bench) -> None:
    x, y = _data(8)
    weights = bench.initial_weights(0, SIZES)
    model = bench.TinytorchRun(bench.CONFIGS[0], weights, x, y, 0).model
    tt.nn.functional.cross_entropy(model(tt.tensor(x)), tt.tensor(y)).backward()
    grads, loss, _ = bench.NumpyRun(bench.CONFIGS[0], weights, x, y, 0).gradients(x, y)
    expected = [
        model[0].weight.grad.numpy(),
        model[0].bias.grad.numpy(),
        model[2].weight.grad.numpy(),
        model[2].bias.grad.numpy(),
    ]
    for ours, theirs in zip(grads, expected, strict=True):
        assert ours.dtype == theirs.dtype == np.float32
        np.testing.assert_allclose(
            ours, theirs.T, rtol=1e-5, atol=1e-7
        )  # the reference keeps W as (in, out)
    assert math.isclose(
        loss,
        tt.nn.functional.cross_entropy(model(tt.tensor(x)), tt.tensor(y)).item(),
        rel_tol=1e-6,
    )


@pytest.mark.parametrize("index", [0, 1, 2], ids=["adam", "sgd-momentum", "sgd"])
def test_one_epoch_same_weights_and_metrics(bench, index: int) -> None:
    config = dataclasses.replace(bench.CONFIGS[index], name="tiny", batch_size=8)
    x, y = _data(60)  # 7 full batches and a short one, as MNIST's last batch is short
    weights = bench.initial_weights(3, SIZES)
    tiny = bench.TinytorchRun(config, weights, x, y, 3)
    ref = bench.NumpyRun(config, weights, x, y, 3)
    for order in harness.epoch_orders(len(x), 2, 3):
        loss_tt, acc_tt = tiny.epoch(order)
        loss_np, acc_np = ref.epoch(order)
        assert math.isclose(loss_tt, loss_np, rel_tol=1e-5) and acc_tt == acc_np
    state = tiny.model.state_dict()
    for name, ours in zip(
        ("0.weight", "0.bias", "2.weight", "2.bias"), ref.params, strict=True
    ):
        assert state[name].dtype == np.float32
        np.testing.assert_allclose(ours.T, state[name], rtol=1e-4, atol=1e-6)
    assert tiny.accuracy(x, y) == ref.accuracy(x, y)


def test_every_implementation_sees_the_dataloaders_batches(bench) -> None:
    x, y = _data(50)
    config = bench.Config("tiny", 16, "sgd", 0.1)
    run = bench.TinytorchRun(config, bench.initial_weights(5, SIZES), x, y, seed=5)
    for order in harness.epoch_orders(len(x), 3, seed=5):
        batches = list(run.loader)
        assert len(batches) == 4
        for i, (xb, yb) in enumerate(batches):
            np.testing.assert_array_equal(xb.numpy(), x[order[16 * i : 16 * (i + 1)]])
            np.testing.assert_array_equal(yb.numpy(), y[order[16 * i : 16 * (i + 1)]])


@pytest.mark.parametrize("index", [0, 1])
def test_pytorch_reference_matches_when_installed(bench, index: int) -> None:
    pytest.importorskip(
        "torch", reason="PyTorch is an optional extra (pip install torch==2.13.0)"
    )
    config = dataclasses.replace(bench.CONFIGS[index], name="tiny", batch_size=8)
    x, y = _data(60)
    weights = bench.initial_weights(2, SIZES)
    torch_run, ref = (
        bench.TorchRun(config, weights, x, y, 2),
        bench.NumpyRun(config, weights, x, y, 2),
    )
    for order in harness.epoch_orders(len(x), 2, 2):
        assert math.isclose(
            torch_run.epoch(order)[0], ref.epoch(order)[0], rel_tol=1e-4
        )
    state = torch_run.model.state_dict()
    np.testing.assert_allclose(
        state["0.weight"].numpy(), ref.params[0].T, rtol=1e-4, atol=1e-6
    )


def test_harness_reports_ratios_and_skips_missing_torch(bench, tmp_path: Path) -> None:
    x, y = _data(64)
    config = bench.Config("tiny", 8, "sgd", 0.1, 0.9)
    result = harness.measure(
        bench.BENCHMARK,
        config,
        ("tinytorch", "numpy"),
        (x, y, x, y),
        rounds=2,
        epochs=2,
        seed=0,
        log=lambda line: None,
    )
    assert len(result["impls"]["tinytorch"]["epoch_seconds"]) == 4
    assert set(result["ratios"]) == {"numpy"}
    ratio = result["ratios"]["numpy"]
    assert ratio["min"] <= ratio["median"] <= ratio["max"] and ratio["goal"] == 1.25
    assert (
        result["impls"]["tinytorch"]["test_accuracy"]
        == result["impls"]["numpy"]["test_accuracy"]
    )
    assert isinstance(result["disturbed"], bool)

    torch, why = harness.load_torch(1, wanted=False)
    assert torch is None and "skipped" in why
    results = {
        "machine": harness.machine_info(1),
        "torch": why,
        "n_train": 64,
        "n_test": 64,
        "rounds": 2,
        "epochs": 2,
        "configs": [result],
        "tinydigits": None,
        "peak_memory": None,
    }
    report = bench.format_report(results)
    assert (
        "tinytorch/numpy" in report
        and "PyTorch: skipped" in report
        and "threads: 1 requested" in report
    )

    out = tmp_path / "results.json"
    harness.write_results(out, results)
    assert json.loads(out.read_text())["configs"][0]["ratios"]["numpy"]["goal"] == 1.25
    assert [p.name for p in tmp_path.iterdir()] == [
        "results.json"
    ]  # no temp file left behind


@pytest.mark.parametrize("option", ["--rounds", "--epochs", "--threads"])
def test_bad_counts_are_refused_by_the_parser(option: str, capsys) -> None:
    options = load_benchmark("options")
    with pytest.raises(SystemExit) as exit:
        options.parse_args("A benchmark.", "a smoke run", rounds=2, epochs=2,
                           argv=[option, "0"])
    assert exit.value.code == 2
    assert f"{option}: must be at least 1, got 0" in capsys.readouterr().err


@pytest.fixture(scope="module")
def overhead():
    spec = importlib.util.spec_from_file_location(
        "profiler_overhead", BENCHMARKS / "profiler_overhead.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_overhead_benchmark_compares_identical_training(overhead) -> None:
    """Profiled or not, the same seed trains the same weights: only the time differs."""
    rng = np.random.default_rng(0)
    x = rng.random((96, 784), dtype=np.float32)
    y = rng.integers(0, 10, 96)
    on, off = (overhead.StepsRun(profiled, x, y, seed=3) for profiled in (True, False))
    assert on.epoch(None) == off.epoch(None)
    assert on.profile is not None and off.profile is None
    for p, q in zip(on.model.parameters(), off.model.parameters(), strict=True):
        assert np.array_equal(p.detach().numpy(), q.detach().numpy())
    # per step: 4 ops (Linear, ReLU, Linear, CrossEntropy), their 4 backward nodes and
    # 5 module calls (the model, its 3 layers, the loss): 13 `is None` tests
    cost = overhead.hook_off_cost(on.profile, steps=3)
    assert cost["tests_per_step"] == 13
    assert cost["seconds_per_step"] == 13 * cost["seconds_per_test"]
