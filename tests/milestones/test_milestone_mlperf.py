"""Milestone 06 (2018): the baseline profile and compression of the MNIST MLP and of
LeNet-5, on the quick baselines of milestones 03 and 04 (trained once per session),
the Olympic events' rules, and the full runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from milestone_checks import assert_goals
from test_milestone_cli import cli

import tinytorch as tt
from milestones import load, olympics
from tinytorch import perf

profile = load("06_2018_mlperf/01_baseline_profile")
compression = load("06_2018_mlperf/02_compression")
MNIST = "03_1986_mlp/02_rumelhart_mnist"
SCRIPTS = Path(__file__).resolve().parents[2] / "milestones" / "06_2018_mlperf"
_runs: dict[tuple[str, str], dict] = {}


@pytest.fixture
def reused(quick_run):
    """`reused(script, model)`: the script's quick run on the session's quick
    baseline of that model (the MNIST MLP unless named)."""

    def get(script, model="mlp"):
        if (script.NAME, model) not in _runs:
            trained = quick_run(olympics.MODELS[model])
            _runs[script.NAME, model] = script.run(model, quick=True, trained=trained)
        return _runs[script.NAME, model]

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
    samples = profile.PROFILE_IMAGES
    assert result["profile_steps"] == samples // profile.SETTINGS.batch_size
    # forward 784·128 + 128·10; backward: layer 0's weight gradient, layer 2's two
    per_sample = 2 * 784 * 128 + 3 * 128 * 10
    assert training.gemm_macs == samples * per_sample
    assert training.ops["Linear"].calls == 2 * result["profile_steps"]
    assert result["inference_profile"].ops["Linear"].backward_seconds == 0  # no graph
    assert result["step_floor_seconds"] < result["step_seconds"]
    assert (
        result["file_bytes"] > 4 * result["params"] * 0.9
    )  # float32, deflated a little


def test_the_profile_counts_lenets_multiply_adds_exactly(reused):
    result = reused(profile, "lenet")
    assert_goals(profile, result)
    training, inference = result["training_profile"], result["inference_profile"]
    # per image: conv1 6 filters of 1x5x5 at 28x28 positions, conv2 16 of 6x5x5 at
    # 10x10, then 400x120, 120x84, 84x10; training adds the backward products: the
    # weight gradients of all five and the input gradients of all but conv1
    forward = [6 * 25 * 28 * 28, 16 * 150 * 10 * 10, 400 * 120, 120 * 84, 84 * 10]
    per_image = sum(forward) + sum(forward) + sum(forward[1:])
    assert training.gemm_macs == profile.PROFILE_IMAGES * per_image
    assert inference.gemm_macs == 10_000 * sum(forward)
    steps = result["profile_steps"]
    assert training.ops["Unfold"].calls == 4 * steps  # two convolutions, two pools
    assert training.ops["Unfold"].macs == 0 and training.modules["0"].kind == "Conv2d"
    assert result["step_floor_seconds"] < result["step_seconds"]


@pytest.mark.slow  # 5 s (the MLP) and 20 s (LeNet-5): fine-tuning, int8 in numpy
@pytest.mark.parametrize("model", ["mlp", "lenet"])
def test_compression_quick_run_meets_its_goals(reused, model):
    result = reused(compression, model)
    assert_goals(compression, result)
    assert result["sparsity"] == pytest.approx(compression.SPARSITY, abs=1e-5)
    for key in compression.VERSIONS:
        assert isinstance(result[f"{key}_bytes"], int) and result[f"{key}_bytes"] > 0
    assert result["float32_bytes"] / result["int8_bytes"] == result["int8_size_ratio"]
    curve = result["curve"]
    assert curve["sparsity"] == list(compression.CURVE) and curve["sparsity"][0] == 0
    # pruning nothing changes nothing: the curves start at the baseline's accuracy
    assert curve["unstructured"][0] == curve["structured"][0] == result["test_accuracy"]
    assert curve["unstructured"][-1] < result["test_accuracy"]
    # fine-tuning helps, both kinds; the float32 file reads back the baseline exactly
    assert result["pruned_accuracy"] > result["pruned_accuracy_untuned"]
    assert result["channels_accuracy"] > result["channels_accuracy_untuned"]
    assert result["float32_accuracy"] == result["test_accuracy"]
    steps = result["steps_per_epoch"]
    assert result["fine_tune_updates"] == compression.FINE_TUNE_EPOCHS * steps
    # half the channels of every hidden layer gone, and the inputs that read them:
    # half the weights left or fewer (the output layer keeps its biases)
    assert result["channels_params"] < 0.51 * result["params"]
    names = [entry.name for entry in result["entries"]]
    assert names[0] == "float32 (baseline)" and len(names) == 8  # 3 int8 models x 2
    events = {row["event"]: row for row in result["events"]}
    assert set(events) == {event.name for event in olympics.EVENTS}
    memory = events["Memory Challenge"]
    assert memory["gain"] == result["float32_bytes"] / memory["value"] > 10


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
    with tt.no_grad():
        assert np.array_equal(
            copy(tt.tensor(x)).numpy(), quantized(tt.tensor(x)).numpy()
        )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("script", "model"),
    [(profile, "mlp"), (compression, "mlp"), (compression, "lenet")],
    ids=["profile", "compression", "compression-lenet"],
)
def test_full_runs_meet_their_goals(script, model):
    result = script.run(model)
    assert result["epochs"] == olympics.script(model).SETTINGS.epochs
    assert_goals(script, result)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["01_baseline_profile", "02_compression"])
def test_quick_quiet_runs_print_only_the_results_table(name):
    done = cli(f"06_2018_mlperf/{name}", "--quick", "--quiet")
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and "epoch 1/" not in done.stdout
    assert (
        "2018 MLPerf" in done.stdout
        and "NOT MET" not in done.stdout
        and "met" in done.stdout
    )
