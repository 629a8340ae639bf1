"""What the scripts of milestone 06 share: the models they measure, one entry each,
their trained baselines, the measurements every event needs, and the events.

A model joins by one entry in MODELS, naming the milestone script that trains it.
That script's `run.recipe` says how (model, data, loss, optimizer, schedule,
settings), so the scripts here can train the same baseline, feed it the same data
and fine-tune it the same way. Sizes are bytes of files written by
`tinytorch.perf.save`; accuracies are measured on the models read back from those
files; times are taken with the models taking turns.

The Olympic events rank the entries of one model (its baseline and each optimized
version) by the rules in EVENTS, the one place they are written.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from rich.table import Table

import tinytorch as tt
from tinytorch import perf
from tinytorch.nn import Module

from . import load
from .results import EVAL_BATCH
from .splits import Splits, held_out

MODELS = {  # name -> the script that trains it
    "mlp": "03_1986_mlp/02_rumelhart_mnist",
    "lenet": "04_1998_cnn/03_lecun_mnist",
}
CALIBRATION = 1000  # training images whose activations set the int8 input scales


def script(model: str) -> ModuleType:
    """The milestone script that trains `model`."""
    if model not in MODELS:
        raise ValueError(f"no model {model!r}; the models: {', '.join(MODELS)}")
    return load(MODELS[model])


def splits(model: str, seed: int, validation: bool = False) -> Splits:
    """The data `model`'s script trains and tests on (with `validation`, the split
    of its training set that it tests on instead, as its --validation does)."""
    data = script(model).run.recipe.data(seed)
    return held_out(data) if validation else data


def baseline(model: str, quick: bool, quiet: bool, seed: int,
             trained: dict[str, Any] | None = None, validation: bool = False,
             **overrides: Any) -> dict[str, Any]:
    """The trained baseline: `trained` (a result of the model's script, reused) or
    a fresh run of that script with these settings."""
    source = script(model)
    if trained is None:
        return source.run(quick=quick, quiet=quiet, seed=seed, validation=validation,
                          **overrides)
    if trained.get("name") != source.NAME:
        raise ValueError(f"trained is a result of {trained.get('name')!r}, not of "
                         f"{source.NAME!r}, the script that trains {model!r}")
    return trained


def calibration_batches(x_train: tt.Tensor, batch: int = 100) -> list[tt.Tensor]:
    """The first CALIBRATION training images, in batches."""
    return [x_train[i:i + batch] for i in range(0, CALIBRATION, batch)]


def reloaded(model: Module, path: Path, skeleton: Module,
             sparse: bool = False) -> tuple[int, Module]:
    """Save `model` to `path` and read the file into `skeleton`, a model built the
    same way: the file's bytes, and the model as the file holds it."""
    size = perf.save(model, path, sparse=sparse)
    perf.load(skeleton, path)
    return size, skeleton


def quantized(model: Module) -> bool:
    """Whether `model` has int8 layers (and so two ways to compute)."""
    return any(isinstance(m, perf.QuantizedLinear) for m in model.modules())


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


def seconds_per_image(models: dict[str, Module], x: tt.Tensor, repeat: int = 3,
                      least: float = 0.02) -> dict[str, float]:
    """Each model's time per image on one batch of EVAL_BATCH images of `x`
    (evaluation, no graph): the best of `repeat` rounds in which the models take
    turns, so that a busy moment of the machine slows them all alike. A model
    whose batch takes less than `least` seconds is timed over as many batches as
    fill that, and it is warmed up first."""
    batch = x[:EVAL_BATCH]

    def timed(model: Module, calls: int) -> float:
        start = time.perf_counter()
        for _ in range(calls):
            model(batch)
        return (time.perf_counter() - start) / calls

    for model in models.values():
        model.eval()
    try:
        with tt.no_grad():
            calls = {name: max(1, math.ceil(least / timed(model, 1)))
                     for name, model in models.items()}  # a warm-up round
            best = dict.fromkeys(models, math.inf)
            for _ in range(repeat):
                for name, model in models.items():
                    best[name] = min(best[name], timed(model, calls[name]))
    finally:
        for model in models.values():
            model.train()
    return {name: seconds / len(batch) for name, seconds in best.items()}


# ------------------------------------------------------------------ the events
POINTS = 1.0  # accuracy an entry may lose against its baseline, in points
SIZE_LIMIT = 10  # the Accuracy Contest's file: at most the baseline's / SIZE_LIMIT


@dataclass(frozen=True)
class Entry:
    """One competitor: a model as its file holds it, computing one way."""

    name: str
    bytes: int  # of its saved file
    accuracy: float  # on the test set, read back from the file
    seconds: float  # per test image, in a batch of EVAL_BATCH


def within_points(entry: Entry, baseline: Entry) -> bool:
    """It loses at most POINTS points of accuracy against the baseline (counted to
    1e-9 of a point: 0.98 - 0.97 is a hair above 0.01 in floating point)."""
    return round(100 * (baseline.accuracy - entry.accuracy), 9) <= POINTS


def small_enough(entry: Entry, baseline: Entry) -> bool:
    """Its file is at most the baseline's / SIZE_LIMIT."""
    return entry.bytes * SIZE_LIMIT <= baseline.bytes


@dataclass(frozen=True)
class Event:
    """An event: who may enter (`admits`), and the entry measure that ranks them."""

    name: str
    rule: str  # in words, as the tables and the book show it
    measure: str  # an Entry field
    lowest_wins: bool
    admits: Callable[[Entry, Entry], bool]  # (entry, its baseline) -> may it enter?


EVENTS = (
    Event("Latency Sprint", f"least time per test image, losing at most {POINTS:g} "
          f"point of accuracy", "seconds", True, within_points),
    Event("Memory Challenge", f"smallest file, losing at most {POINTS:g} point of "
          f"accuracy", "bytes", True, within_points),
    Event("Accuracy Contest", f"highest accuracy from a file at most 1/{SIZE_LIMIT} "
          f"of the baseline's", "accuracy", False, small_enough),
)


def standings(entries: list[Entry]) -> list[dict[str, Any]]:
    """Each event's winner among `entries` (the first is the baseline, which wins
    ties): the winner's and the baseline's measures, and the gain, a factor for
    time and bytes (baseline / winner), points for accuracy. No entrant: no winner."""
    base = entries[0]
    rows = []
    for event in EVENTS:
        entrants = [e for e in entries if event.admits(e, base)]
        sign = 1 if event.lowest_wins else -1
        best = min(entrants, key=lambda e: sign * getattr(e, event.measure),
                   default=None)  # min keeps the first of equals
        row = {"event": event.name, "rule": event.rule, "measure": event.measure,
               "baseline": getattr(base, event.measure), "winner": None,
               "value": None, "gain": None}
        if best is not None:
            value = getattr(best, event.measure)
            gain = (row["baseline"] / value if event.lowest_wins
                    else 100 * (value - row["baseline"]))
            row |= {"winner": best.name, "value": value, "gain": gain}
        rows.append(row)
    return rows


def shown(measure: str, value: float) -> str:
    """An entry's measure as the tables show it."""
    if measure == "seconds":
        return f"{value * 1e6:.1f} µs"
    return f"{value:,} bytes" if measure == "bytes" else f"{value:.2%}"


def cells(row: dict[str, Any]) -> dict[str, str]:
    """One row of `standings` as the tables show it: the baseline's result, the
    winner, its result and its gain."""
    measure = row["measure"]
    if row["winner"] is None:
        return {"baseline": shown(measure, row["baseline"]),
                "winner": "no entry qualifies", "result": "", "gain": ""}
    gain = (f"{row['gain']:+.2f} points" if measure == "accuracy"
            else f"{row['gain']:.2f}×")
    return {"baseline": shown(measure, row["baseline"]), "winner": row["winner"],
            "result": shown(measure, row["value"]), "gain": gain}


def events_table(model: str, rows: list[dict[str, Any]]) -> Table:
    """The standings of one model's events."""
    table = Table(title=f"{model}: the Olympic events")
    for column in ("event", "rule", "baseline", "winner", "its result", "gain"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["event"], row["rule"], *cells(row).values())
    return table
