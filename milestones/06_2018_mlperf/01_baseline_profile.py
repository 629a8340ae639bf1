"""Milestone 06 (2018), part 1: measure before optimizing.

Trains the baseline (by default the MNIST MLP of milestone 03; --model lenet for
LeNet-5, milestone 04), then profiles the training steps of PROFILE_IMAGES images
and one pass over the 10,000 test digits: per op and per module, the time, the
multiply-adds and the bytes, and the floor, the time those multiply-adds would take
at this machine's measured float32 GEMM peak. It states the baseline that the other
events are measured against too: its accuracy, the bytes of its saved file and its
time per test image.

    python milestones/06_2018_mlperf/01_baseline_profile.py [--model mlp]
        [--epochs 5] [--seed 0] [--quick] [--quiet] [--validation]

--epochs, --lr and --batch-size set the baseline's training (by default the settings
of the model's own script).
"""

from __future__ import annotations

import copy
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import tinytorch as tt
from tinytorch import perf
from tinytorch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root
from milestones import olympics  # noqa: E402
from milestones.cli import main  # noqa: E402
from milestones.results import EVAL_BATCH, Goal  # noqa: E402

NAME = "2018 MLPerf: baseline profile"
EXPECTED: dict[str, tuple[float, float, str]] = {}  # the course states no figure


def _goals(quick: bool) -> tuple[Goal, ...]:
    return (Goal("gemm_work_share", low=0.9, quick=quick),
            Goal("floor_share", high=1.0, quick=quick))


GOALS = _goals(quick=False) + _goals(quick=True)
SETTINGS = olympics.script("mlp").SETTINGS  # the default model's training
PROFILE_IMAGES = 6400  # training images whose steps are profiled, after one
# unprofiled pass over them (the MLP: 200 steps of 32; LeNet-5: 50 of 128)


def run(model: str = "mlp", quick: bool = False, quiet: bool = True, seed: int = 0,
        trained: dict[str, Any] | None = None, validation: bool = False,
        **overrides: Any) -> dict[str, Any]:
    """Train (or reuse) the baseline; profile its training steps and inference."""
    result = olympics.baseline(model, quick, quiet, seed, trained, validation,
                               **overrides)
    recipe = olympics.script(model).run.recipe
    settings = replace(recipe.settings, **overrides)
    data = olympics.splits(model, seed, validation)
    net = copy.deepcopy(result["model"])  # the steps profiled train it further
    x_train, y_train, x_test, y_test = data.tensors()
    n = PROFILE_IMAGES
    steps = DataLoader(TensorDataset(x_train[:n], y_train[:n]), settings.batch_size,
                       shuffle=True, generator=tt.Generator().manual_seed(seed))
    optimizer = recipe.optimizer(net.parameters(), lr=settings.lr)
    schedule = recipe.schedule(optimizer, settings.lr, 2, len(steps))  # as trained
    tt.train_epoch(net, steps, recipe.loss_fn, optimizer,  # warms caches, allocators
                   scheduler=schedule)
    with perf.profile(net) as training:
        tt.train_epoch(net, steps, recipe.loss_fn, optimizer, scheduler=schedule)
    with perf.profile(net) as inference:
        tt.evaluate(net, DataLoader(TensorDataset(x_test, y_test), EVAL_BATCH))
    peak = perf.gemm_peak()
    with tempfile.TemporaryDirectory() as scratch:
        file_bytes = perf.save(result["model"], Path(scratch) / "baseline.npz")
    images, profiled = len(x_test), len(steps)
    result = result | {
        "name": NAME, "model_name": model, "peak_gflops": peak,
        "profile_steps": profiled, "file_bytes": file_bytes,
        "step_seconds": training.seconds / profiled,
        "step_floor_seconds": training.floor_seconds(peak) / profiled,
        "floor_share": training.floor_seconds(peak) / training.seconds,
        "gemm_work_share": training.gemm_macs / training.macs,
        "image_seconds": inference.seconds / images,
        "image_floor_seconds": inference.floor_seconds(peak) / images,
        "training_profile": training, "inference_profile": inference,
    }
    if not quiet:
        print(f"\n{model}: {profiled} training steps of batch "
              f"{settings.batch_size}, profiled\n\n{training.table(peak)}\n")
        print(f"{model}: the {images:,} test images in batches of {EVAL_BATCH}, "
              f"profiled\n\n{inference.table(peak)}\n")
        print(f"saved: {file_bytes:,} bytes; {result['image_seconds'] * 1e6:.1f} µs "
              f"per test image\n")
    return result


if __name__ == "__main__":
    main(run, EXPECTED, GOALS, SETTINGS, models=tuple(olympics.MODELS))
