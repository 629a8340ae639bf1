"""What the scripts of milestone 06 share: the models they measure, one entry each,
their trained baselines, and the measurements every event needs.

A model joins by one entry in MODELS, naming the milestone script that trains it.
That script's `run.recipe` says how (model, data, loss, optimizer, settings), so the
scripts here can train the same baseline, feed it the same data and fine-tune it the
same way. Sizes are bytes of files written by `tinytorch.perf.save`; accuracies are
measured on the models read back from those files.
"""

from __future__ import annotations

import time
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

import tinytorch as tt
from tinytorch import perf
from tinytorch.nn import Module

from . import load
from .results import EVAL_BATCH

MODELS = {"mlp": "03_1986_mlp/02_rumelhart_mnist"}  # name -> the script that trains it
CALIBRATION = 1000  # training images whose activations set the int8 input scales


def script(model: str) -> ModuleType:
    """The milestone script that trains `model`."""
    if model not in MODELS:
        raise ValueError(f"no model {model!r}; the models: {', '.join(MODELS)}")
    return load(MODELS[model])


def baseline(model: str, quick: bool, quiet: bool, seed: int,
             trained: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    """The trained baseline: `trained` (a result of the model's script, reused) or
    a fresh run of that script with these settings."""
    source = script(model)
    if trained is None:
        return source.run(quick=quick, quiet=quiet, seed=seed, **overrides)
    if trained.get("name") != source.NAME:
        raise ValueError(f"trained is a result of {trained.get('name')!r}, not of "
                         f"{source.NAME!r}, the script that trains {model!r}")
    return trained


def calibration_batches(x_train: np.ndarray, batch: int = 100) -> list[np.ndarray]:
    """The first CALIBRATION training images, in batches."""
    return [x_train[i:i + batch] for i in range(0, CALIBRATION, batch)]


def reloaded(model: Module, path: Path, skeleton: Module,
             sparse: bool = False) -> tuple[int, Module]:
    """Save `model` to `path` and read the file into `skeleton`, a model built the
    same way: the file's bytes, and the model as the file holds it."""
    size = perf.save(model, path, sparse=sparse)
    perf.load(skeleton, path)
    return size, skeleton


def use_matmul(model: Module, matmul: str) -> Module:
    """Switch every quantized layer of `model` to the "float32" or "int8" path."""
    if matmul not in perf.quantization.MATMULS:
        raise ValueError(f"use_matmul: matmul must be one of "
                         f"{perf.quantization.MATMULS}, got {matmul!r}")
    for module in model.modules():
        if isinstance(module, perf.QuantizedLinear):
            module.matmul = matmul
    return model


def accuracy_kept(baseline_accuracy: float, *accuracies: float) -> dict[str, float]:
    """The worst of `accuracies` against the baseline's: percentage points lost, and
    the fraction kept."""
    worst = min(accuracies)
    return {"points_lost": 100 * (baseline_accuracy - worst),
            "relative_accuracy": worst / baseline_accuracy}


def seconds_per_batch(model: Module, x: np.ndarray, repeat: int = 3) -> float:
    """The best of `repeat` forward passes of one batch `x` (evaluation, no graph)."""
    batch = tt.tensor(x[:EVAL_BATCH])
    model.eval()
    best = np.inf
    with tt.no_grad():
        for _ in range(repeat):
            start = time.perf_counter()
            model(batch)
            best = min(best, time.perf_counter() - start)
    model.train()
    return best
