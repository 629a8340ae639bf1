"""Milestone 06 (2018): the baseline profile and compression of the MNIST MLP, on the
quick baseline of milestone 03 (trained once per session), and their full runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from milestone_checks import assert_goals

import tinytorch as tt
from milestones import load, olympics
from tinytorch import perf

profile = load("06_2018_mlperf/01_baseline_profile")
compression = load("06_2018_mlperf/02_compression")
MNIST = "03_1986_mlp/02_rumelhart_mnist"
SCRIPTS = Path(__file__).resolve().parents[2] / "milestones" / "06_2018_mlperf"
_runs: dict[str, dict] = {}


@pytest.fixture
def reused(quick_run):
    """`reused(script)`: the script's quick run on the session's quick MNIST MLP."""

    def get(script):
        if script.NAME not in _runs:
            _runs[script.NAME] = script.run(quick=True, trained=quick_run(MNIST))
        return _runs[script.NAME]

    return get


def test_every_model_is_trained_by_a_milestone_script_with_a_recipe():
    for name in olympics.MODELS:
        recipe = olympics.script(name).run.recipe
        assert recipe.settings is olympics.script(name).SETTINGS
    with pytest.raises(ValueError, match="no model 'gpt'"):
        olympics.script("gpt")


def test_the_profile_counts_the_mlps_multiply_adds_exactly(reused):
    result = reused(profile)
    assert_goals(profile, result)
    training = result["training_profile"]
    samples = profile.PROFILE_STEPS * profile.SETTINGS.batch_size
    # forward 784·128 + 128·10; backward: layer 0's weight gradient, layer 2's two
    per_sample = 2 * 784 * 128 + 3 * 128 * 10
    assert training.gemm_macs == samples * per_sample
    assert training.ops["Linear"].calls == 2 * profile.PROFILE_STEPS
    assert result["inference_profile"].ops["Linear"].backward_seconds == 0  # no graph
    assert result["step_floor_seconds"] < result["step_seconds"]
    assert (
        result["file_bytes"] > 4 * result["params"] * 0.9
    )  # float32, deflated a little


@pytest.mark.slow  # about 5 s on a quiet machine: fine-tuning, and int8 in plain numpy
def test_compression_quick_run_meets_its_goals(reused):
    result = reused(compression)
    assert_goals(compression, result)
    assert result["sparsity"] == pytest.approx(compression.SPARSITY, abs=1e-5)
    for key in ("float_bytes", "int8_bytes", "pruned_int8_bytes"):
        assert isinstance(result[key], int) and result[key] > 0
    assert result["float_bytes"] / result["int8_bytes"] == result["int8_size_ratio"]
    curve = result["curve"]
    assert curve["sparsity"] == list(compression.CURVE) and curve["sparsity"][0] == 0
    # pruning nothing changes nothing: the curves start at the baseline's accuracy
    assert curve["unstructured"][0] == curve["structured"][0] == result["test_accuracy"]
    assert curve["unstructured"][-1] < result["test_accuracy"]
    assert (
        result["pruned_accuracy"] > result["pruned_accuracy_untuned"]
    )  # fine-tuning helps
    assert (
        result["fine_tune_updates"]
        == compression.FINE_TUNE_EPOCHS * result["steps_per_epoch"]
    )


def test_a_result_of_another_script_is_refused(quick_run):
    other = {"name": "1957 Perceptron"}
    with pytest.raises(ValueError, match="not of '1986 MLP on MNIST'"):
        compression.run(quick=True, trained=other)


def test_the_model_option_lists_the_models():
    done = subprocess.run(
        [sys.executable, str(SCRIPTS / "01_baseline_profile.py"), "--model", "gpt"],
        capture_output=True,
        text=True,
        cwd=Path.home(),
        timeout=120,
    )
    assert (
        done.returncode == 2
        and "invalid choice: 'gpt'" in done.stderr
        and "'mlp'" in done.stderr
    )


def test_quantized_layers_of_a_loaded_file_switch_paths(tmp_path, quick_run):
    net = quick_run(MNIST)["model"]
    x = np.random.default_rng(0).random((5, 784), dtype=np.float32)
    quantized = perf.quantize(net, "int8", [x])
    _, copy = olympics.reloaded(
        quantized, tmp_path / "q.npz", perf.quantize(load(MNIST).mlp())
    )
    olympics.use_matmul(copy, "int8")
    assert np.array_equal(copy(tt.tensor(x)).data, quantized(tt.tensor(x)).data)


@pytest.mark.slow
@pytest.mark.parametrize(
    "script", [profile, compression], ids=["profile", "compression"]
)
def test_full_runs_meet_their_goals(script):
    result = script.run()
    assert result["epochs"] == script.SETTINGS.epochs
    assert_goals(script, result)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["01_baseline_profile", "02_compression"])
def test_quick_quiet_runs_print_only_the_results_table(name):
    done = subprocess.run(
        [sys.executable, str(SCRIPTS / f"{name}.py"), "--quick", "--quiet"],
        capture_output=True,
        text=True,
        cwd=Path.home(),
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and "epoch 1/" not in done.stdout
    assert (
        "2018 MLPerf" in done.stdout
        and "NOT MET" not in done.stdout
        and "met" in done.stdout
    )
