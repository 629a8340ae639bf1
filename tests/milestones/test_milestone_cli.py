"""The scripts as a user runs them: exit codes, what they print (plain when piped), errors, the weights PNG."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import milestones.cli
from milestones import load
from milestones.cli import main
from milestones.images import image_grid

MILESTONES = Path(__file__).resolve().parents[2] / "milestones"
MNIST = "03_1986_mlp/02_rumelhart_mnist"
SCRIPTS = (
    "01_1957_perceptron/01_rosenblatt_forward",
    "01_1957_perceptron/02_rosenblatt_trained",
    "02_1969_xor/01_xor_crisis",
    "02_1969_xor/02_xor_solved",
    "03_1986_mlp/01_rumelhart_tinydigits",
    MNIST,
    "03_1986_mlp/03_rumelhart_1986_recipe",
    "05_2017_transformer/00_vaswani_attention_proof",
    "05_2017_transformer/01_vaswani_generation",
    "05_2017_transformer/02_vaswani_dialogue",
)
KEYS = {
    "name", "epochs", "seed", "batch_size", "steps_per_epoch", "optimizer", "history", "loss", "train_accuracy",
    "test_accuracy", "params", "seconds", "updates", "model", "initial_state", "quick", "data", "test_data",
}  # fmt: skip


def cli(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the script as a user would, from another folder, with stdout piped (not a terminal)."""
    command = [sys.executable, str(MILESTONES / f"{name}.py"), *args]
    return subprocess.run(
        command, capture_output=True, text=True, cwd=Path.home(), timeout=600
    )


@pytest.mark.parametrize("name", SCRIPTS)
def test_every_script_returns_the_same_keys(name, quick_run):
    result = quick_run(name)
    assert KEYS <= result.keys()
    assert set(result["history"]) == {"loss", "accuracy", "test_accuracy", "seconds"}
    assert all(len(values) == result["epochs"] for values in result["history"].values())
    assert (
        result["seed"] == 0
        and 0 <= result["test_accuracy"] <= 1
        and 0 <= result["train_accuracy"] <= 1
    )
    assert result["params"] == sum(p.numel() for p in result["model"].parameters())


def assert_prints_only_the_result(
    done: subprocess.CompletedProcess[str], result: dict
) -> None:
    """A --quiet run: exit 0, nothing on stderr, no epoch lines, and the result of the same run in this process."""
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "epoch 1/" not in done.stdout
    assert result["name"] in done.stdout
    test_row = next(
        line
        for line in done.stdout.splitlines()
        if "test accuracy" in line and "%" in line
    )
    printed = float(re.search(r"(\d+\.\d\d)%", test_row).group(1)) / 100
    # the same seed; numpy's BLAS may use another number of threads in the other process, which can move a
    # result by a rounding error, hence a tolerance
    assert abs(printed - result["test_accuracy"]) <= 0.005


@pytest.mark.parametrize(
    "name", [name for name in SCRIPTS if name != MNIST]
)  # MNIST: with --save-weights below
def test_quiet_quick_run_prints_only_its_result(name, quick_run):
    assert_prints_only_the_result(cli(name, "--quick", "--quiet"), quick_run(name))


def test_piped_run_prints_one_plain_line_per_epoch():
    done = cli("01_1957_perceptron/02_rosenblatt_trained", "--epochs", "3")
    assert done.returncode == 0, done.stderr
    epochs = [line for line in done.stdout.splitlines() if line.startswith("epoch ")]
    assert [line.split()[1] for line in epochs] == ["1/3", "2/3", "3/3"]
    assert all("loss" in line and "test" in line for line in epochs)
    assert "\x1b[" not in done.stdout  # no terminal escape codes in a log


def test_a_diverging_run_exits_with_a_message_and_no_traceback():
    done = cli("03_1986_mlp/01_rumelhart_tinydigits", "--lr", "1e30", "--quiet")
    assert done.returncode == 1
    # one paragraph: the message alone, without a traceback or the numpy overflow warnings that led to the NaN
    assert done.stderr.startswith(
        "01_rumelhart_tinydigits.py: training diverged: loss became nan at epoch 1"
    )
    assert (
        "\n\n" not in done.stderr.strip()
        and "Traceback" not in done.stderr
        and "Warning" not in done.stderr
    )
    assert done.stdout == ""


def test_bad_options_are_refused_by_the_parser():
    done = cli("02_1969_xor/02_xor_solved", "--epochs", "0")
    assert done.returncode == 2
    assert "--epochs: must be positive, got 0" in done.stderr


def test_save_weights_writes_the_first_layer_as_a_png(tmp_path, quick_run):
    target = tmp_path / "weights.png"
    done = cli(MNIST, "--quick", "--quiet", "--save-weights", str(target))
    assert_prints_only_the_result(done, quick_run(MNIST))
    assert f"saved the first layer's weights to {target}" in done.stdout
    assert [p.name for p in tmp_path.iterdir()] == [
        "weights.png"
    ]  # no temp file left behind
    with Image.open(target) as png:
        assert (png.format, png.mode) == ("PNG", "L")
        assert png.size == (16 * 29 + 1, 8 * 29 + 1)
        image = np.asarray(png)
    patches = [image[1 + r * 29 : 29 + r * 29, 1 + c * 29 : 29 + c * 29] for r in range(8) for c in range(16)]
    assert all(p.min() == 0 and p.max() == 255 for p in patches)  # each patch scaled to its own range
    assert (image[::29] == 255).all() and (image[:, ::29] == 255).all()  # white gaps
    # the trained weights, as the same run in this process draws them, not the initial ones
    script, result = load(MNIST), quick_run(MNIST)
    trained = script.first_layer_image(result["model"]).astype(float)
    untrained = image_grid(
        result["initial_state"]["0.weight"].reshape(-1, 28, 28), columns=16
    ).astype(float)
    assert np.abs(image - trained).mean() < np.abs(image - untrained).mean() / 2


def test_output_piped_into_a_reader_that_stops_ends_quietly():
    script = MILESTONES / "01_1957_perceptron/02_rosenblatt_trained.py"
    pipeline = f"{sys.executable} {script} --epochs 3 | true"  # closes before it reads
    done = subprocess.run(["bash", "-o", "pipefail", "-c", pipeline], capture_output=True, text=True)
    assert done.stderr == "" and done.returncode == 0


def test_any_integer_seed_is_a_seed():
    done = cli("02_1969_xor/02_xor_solved", "--seed", "-1", "--quick", "--quiet")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


def main_of(name: str, *argv: str) -> None:
    """The script's command line, run in this process with ``argv``."""
    script = load(name)
    main(script.run, script.EXPECTED, script.GOALS, script.SETTINGS, getattr(script, "first_layer_image", None), list(argv))


@pytest.mark.parametrize("value", ["-inf", "-1e-3", "-nan"])
def test_a_negative_value_argparse_reads_as_an_option_gets_the_options_own_message(value, capsys):
    with pytest.raises(SystemExit) as end:
        main_of("02_1969_xor/02_xor_solved", "--lr", value)
    assert end.value.code == 2
    assert capsys.readouterr().err.endswith(f"error: argument --lr: must be positive, got {value}\n")


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        ("missing/weights.png", "the folder {tmp}/missing does not exist; create it first or choose another"),
        ("", "that is a folder; give a file name, such as {tmp}/weights.png"),
    ],
)
def test_a_weights_file_that_cannot_be_written_is_refused_before_training(tmp_path, monkeypatch, capsys, target, problem):
    script = load(MNIST)
    monkeypatch.setattr(script, "run", lambda **options: pytest.fail("trained before checking --save-weights"))
    path = tmp_path / target
    with pytest.raises(SystemExit) as end:
        main(script.run, script.EXPECTED, script.GOALS, script.SETTINGS, script.first_layer_image, ["--save-weights", str(path)])
    assert end.value.code == 2
    assert capsys.readouterr().err.endswith(f"error: --save-weights {path}: {problem.format(tmp=tmp_path)}\n")


def test_ctrl_c_while_the_results_table_prints_ends_with_a_message_and_130(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TINYTORCH_CACHE", str(tmp_path))

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(milestones.cli, "results_table", interrupted)
    handler = signal.getsignal(signal.SIGINT)
    try:
        with pytest.raises(SystemExit) as end:
            main_of("02_1969_xor/02_xor_solved", "--quick")
    except KeyboardInterrupt:
        pytest.fail("the Ctrl-C escaped the script as a traceback")
    finally:
        signal.signal(signal.SIGINT, handler)  # main ignores a second Ctrl-C while it ends
    assert end.value.code == 130
    assert capsys.readouterr().err.endswith(": interrupted.\n")
    assert list(tmp_path.iterdir()) == []  # the run was not recorded
