"""What the milestone scripts share: the display, the command line's error handling,
goals, the image grid and the PNG writer."""

from __future__ import annotations

import io
import sys
import warnings

import numpy as np
import pytest
from PIL import Image

import tinytorch as tt
from milestones import load
from milestones.cli import main
from milestones.images import image_grid, write_png
from milestones.results import Goal
from milestones.training import training_display
from tinytorch import nn, optim
from tinytorch.datasets import load_mnist
from tinytorch.utils.data import DataLoader, TensorDataset


def tiny_fit(callback, epochs=2):
    tt.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
    x = np.array([[0, 0], [1, 1], [0, 1], [1, 0]], np.float32)
    y = np.array([[0], [1], [0], [1]], np.float32)
    loader = DataLoader(TensorDataset(tt.from_numpy(x), tt.from_numpy(y)), 2)
    return tt.fit(
        model,
        loader,
        nn.BCELoss(),
        optim.SGD(model.parameters(), 0.1),
        epochs,
        loader,
        callback,
    )


def test_piped_display_prints_one_line_per_epoch_and_calls_the_callback(capsys):
    steps = []
    with training_display(quiet=False, callback=steps.append) as show:
        history = tiny_fit(show, epochs=3)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and len(steps) == 6
    assert lines[2].startswith(
        f"epoch 3/3  loss {history.loss[2]:.4f}  accuracy {history.accuracy[2]:.2%}  test "
    )


def test_terminal_display_shows_a_live_bar_and_keeps_the_epoch_lines(
    capsys, monkeypatch
):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    with training_display(quiet=False) as show:
        history = tiny_fit(show, epochs=2)
    out = capsys.readouterr().out
    assert "\x1b[" in out  # rich drew on the "terminal"
    assert f"epoch 2/2  loss {history.loss[1]:.4f}" in out


def test_quiet_display_prints_nothing_but_still_calls_the_callback(capsys):
    steps = []
    with training_display(quiet=True, callback=steps.append) as show:
        tiny_fit(show)
    assert capsys.readouterr().out == "" and len(steps) == 4


def test_goals_say_what_they_ask_and_check_it():
    goal = Goal("test_accuracy", low=0.975)
    assert str(goal) == "test accuracy ≥ 97.5%"
    assert goal.met({"test_accuracy": 0.98}) and not goal.met({"test_accuracy": 0.97})
    assert str(Goal("test_accuracy", 1.0, 1.0)) == "test accuracy = 100.0%"
    assert str(Goal("loss", 0.67, 0.71)) == "loss 0.67 to 0.71"
    assert str(Goal("test_accuracy", high=0.75, quick=True)) == "test accuracy ≤ 75.0% (a quick run)"


def test_a_goal_applies_to_its_kind_of_run_and_its_model():
    lenet = Goal("int8_size_ratio", low=3.6, model="lenet")
    assert str(lenet) == "int8 size ratio ≥ 3.6 (lenet)"
    assert lenet.applies({"quick": False, "model_name": "lenet"})
    assert not lenet.applies({"quick": False, "model_name": "mlp"})
    assert not lenet.applies({"quick": True, "model_name": "lenet"})
    anyone = Goal("test_accuracy", low=0.9, quick=True)
    assert anyone.applies({"quick": True}) and anyone.applies({"quick": True, "model_name": "mlp"})


def diverging_run(**settings) -> dict:
    raise tt.TrainingDiverged(
        "loss became nan at epoch 1, step 2: try a smaller learning rate or check the data"
    )


def test_divergence_ends_with_exit_code_1_and_one_message(capsys):
    with pytest.raises(SystemExit) as exit:
        main(diverging_run, {}, argv=[])
    assert exit.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        "training diverged: loss became nan at epoch 1, step 2: try a smaller learning rate"
        in captured.err
    )


def test_a_finished_run_shows_its_warnings_a_diverged_run_only_its_message(
    capsys, recwarn
):
    """`recwarn` records what reaches the user (on the command line, stderr), and records rather than raises."""
    trained = load("01_1957_perceptron/02_rosenblatt_trained")

    def finishing(**settings) -> dict:
        warnings.warn("overflow in a run that finished", RuntimeWarning, stacklevel=1)
        return trained.run(epochs=1)

    def diverging(**settings) -> dict:
        warnings.warn("overflow on the way to NaN", RuntimeWarning, stacklevel=1)
        return diverging_run()

    main(finishing, trained.EXPECTED, argv=[])
    assert [str(w.message) for w in recwarn] == ["overflow in a run that finished"]
    recwarn.clear()
    with pytest.raises(SystemExit):
        main(diverging, {}, argv=[])
    assert "training diverged" in capsys.readouterr().err
    assert len(recwarn) == 0


def test_missing_data_ends_with_exit_code_1_naming_the_file(capsys, tmp_path):
    def run(**settings) -> dict:
        load_mnist(
            root=tmp_path, cache_dir=tmp_path / "cache"
        )  # an empty folder: the real DatasetError
        raise AssertionError("load_mnist found data in an empty folder")

    with pytest.raises(SystemExit) as exit:
        main(run, {}, argv=[])
    assert exit.value.code == 1
    err = capsys.readouterr().err
    assert (
        "the data could not be loaded" in err
        and str(tmp_path / "train-images-idx3-ubyte.gz") in err
    )
    assert "file not found" in err


def test_image_grid_tiles_patches_each_scaled_to_its_own_range():
    patches = np.stack(
        [np.arange(6, dtype=np.float32).reshape(2, 3) * (i + 1) for i in range(5)]
    )
    patches[4] = 7.0  # a constant patch must not divide by zero
    grid = image_grid(patches, columns=2)
    assert grid.dtype == np.uint8 and grid.shape == (3 * 3 + 1, 2 * 4 + 1)
    assert (grid[0] == 255).all() and (grid[:, 0] == 255).all()  # white gaps
    first, fifth = grid[1:3, 1:4], grid[7:9, 1:4]
    assert (
        first.min() == 0 and first.max() == 255 and (first == grid[1:3, 5:8]).all()
    )  # scale-free
    assert (fifth == 0).all() and (
        grid[7:9, 5:8] == 255
    ).all()  # the empty sixth cell stays blank
    assert np.array_equal(image_grid(tt.from_numpy(patches), columns=2), grid)  # a tensor


def test_write_png_round_trips_and_refuses_other_images(tmp_path):
    image = np.arange(12, dtype=np.uint8).reshape(3, 4) * 20
    write_png(tmp_path / "w.png", image)
    with Image.open(io.BytesIO((tmp_path / "w.png").read_bytes())) as png:
        assert png.format == "PNG" and png.mode == "L"
        assert np.array_equal(np.asarray(png), image)
    with pytest.raises(ValueError, match="2-D uint8"):
        write_png(tmp_path / "x.png", image.astype(np.float32))


def test_write_png_replaces_atomically_and_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "w.png"
    target.write_bytes(b"old")
    write_png(target, np.zeros((2, 2), np.uint8))
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(OSError):
        write_png(tmp_path / "missing" / "w.png", np.zeros((2, 2), np.uint8))
    assert [p.name for p in tmp_path.iterdir()] == ["w.png"]
