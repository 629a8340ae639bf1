"""Milestone 06 (2018), part 2: compress a trained model, and measure what it costs.

int8 quantization (one scale per output channel) makes the MNIST MLP's file about
four times smaller. Magnitude pruning of 90 % of its weights, fine-tuned for an epoch
with the pruned weights held at zero, then int8 and a bitmap of the kept weights,
make it over ten times smaller. Every size is the bytes of a real file, every
accuracy that of the model read back from it, on the 10,000 test digits. Both int8
paths run and are timed: weights dequantized to float32 for numpy's BLAS, and int8 x
int8 products accumulated in int32, which numpy computes without BLAS.

    python milestones/06_2018_mlperf/02_compression.py [--model mlp] [--epochs 5]
        [--seed 0] [--quick] [--quiet]

--epochs, --lr and --batch-size set the baseline's training (by default the settings
of the model's own script); fine-tuning runs FINE_TUNE_EPOCHS with the same lr and
batch size.
"""

from __future__ import annotations

import copy
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

import tinytorch as tt
from tinytorch import perf
from tinytorch.data import DataLoader, TensorDataset

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root
from milestones import olympics  # noqa: E402
from milestones.cli import main  # noqa: E402
from milestones.results import EVAL_BATCH, Goal  # noqa: E402
from milestones.training import Callback, training_display  # noqa: E402

NAME = "2018 MLPerf: compression"
EXPECTED = {  # the course's table: size and accuracy against the baseline's
    "int8_size_ratio": (4.0, 4.0, "4× smaller"),
    "int8_relative_accuracy": (0.98, 0.99, "98-99 % of the baseline's"),
    "pruned_int8_size_ratio": (8.0, 16.0, "8-16× smaller"),
    "pruned_int8_relative_accuracy": (0.95, 0.98, "95-98 % of the baseline's"),
}


def _goals(quick: bool) -> tuple[Goal, ...]:
    # int8 weights are exactly 4x smaller; scales, biases and file headers cost 3 %,
    # which deflate wins back on a trained model but not quite on a quick one
    return (Goal("int8_size_ratio", low=3.9 if quick else 4.0, quick=quick),
            Goal("int8_points_lost", high=0.3, quick=quick),
            Goal("pruned_int8_size_ratio", low=10.0, quick=quick),
            Goal("pruned_int8_points_lost", high=1.0, quick=quick))


GOALS = _goals(quick=False) + _goals(quick=True)
SETTINGS = olympics.script("mlp").SETTINGS  # the default model's training
SPARSITY = 0.9  # of the weights, pruned before fine-tuning
FINE_TUNE_EPOCHS = 1
CURVE = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98)  # sparsities, pruned without fine-tuning


def pruned_accuracies(net: tt.nn.Module, test: DataLoader) -> dict[str, list[float]]:
    """Test accuracy after pruning each fraction of CURVE, without fine-tuning."""
    curves: dict[str, list[float]] = {"unstructured": [], "structured": []}
    for amount in CURVE:
        for kind, prune in (("unstructured", perf.global_unstructured),
                            ("structured", perf.ln_structured)):
            pruned = copy.deepcopy(net)
            prune(pruned, amount)
            curves[kind].append(tt.evaluate(pruned, test))
    return curves


def run(model: str = "mlp", quick: bool = False, quiet: bool = True, seed: int = 0,
        trained: dict[str, Any] | None = None, callback: Callback | None = None,
        **overrides: Any) -> dict[str, Any]:
    """Train (or reuse) the baseline, compress it three ways, measure the files."""
    result = olympics.baseline(model, quick, quiet, seed, trained, **overrides)
    recipe = olympics.script(model).run.recipe
    settings = replace(recipe.settings, **overrides)
    data = recipe.data(seed)
    net, base = result["model"], result["test_accuracy"]
    test = DataLoader(TensorDataset(data.x_test, data.y_test), EVAL_BATCH)
    calibration = olympics.calibration_batches(data.x_train)

    pruned = copy.deepcopy(net)
    masks = perf.global_unstructured(pruned, SPARSITY)
    before = tt.evaluate(pruned, test)
    optimizer = recipe.optimizer(pruned.parameters(), lr=settings.lr)
    perf.keep_pruned(pruned, masks, optimizer)
    train = DataLoader(TensorDataset(data.x_train, data.y_train), settings.batch_size,
                       shuffle=True, seed=seed)
    with training_display(quiet, callback) as show:
        tuned = tt.fit(pruned, train, recipe.loss_fn, optimizer, FINE_TUNE_EPOCHS,
                       test, show)

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        float_bytes, _ = olympics.reloaded(net, folder / "f.npz", recipe.model())
        int8_bytes, int8 = olympics.reloaded(
            perf.quantize(net, "int8", calibration), folder / "q.npz",
            perf.quantize(recipe.model()))
        pruned_bytes, pruned_int8 = olympics.reloaded(
            perf.quantize(pruned, "int8", calibration), folder / "p.npz",
            perf.quantize(recipe.model()), sparse=True)
        raw = [perf.save(m, folder / "raw.npz", compress=False) for m in (net, int8)]
        dense_bytes = perf.save(pruned_int8, folder / "dense.npz")  # no bitmap
    measured = {"float32_seconds": olympics.seconds_per_batch(net, data.x_test)}
    for name, compressed in (("int8", int8), ("pruned_int8", pruned_int8)):
        for matmul in perf.quantization.MATMULS:
            olympics.use_matmul(compressed, matmul)
            key = f"{name}_{matmul}"
            measured[f"{key}_accuracy"] = tt.evaluate(compressed, test)
            measured[f"{key}_seconds"] = olympics.seconds_per_batch(compressed,
                                                                    data.x_test)
    result = result | measured | {
        "name": NAME, "model_name": model, "float_bytes": float_bytes,
        "int8_bytes": int8_bytes, "pruned_int8_bytes": pruned_bytes,
        "pruned_int8_dense_bytes": dense_bytes,
        "int8_size_ratio": float_bytes / int8_bytes,
        "int8_size_ratio_uncompressed": raw[0] / raw[1],
        "pruned_int8_size_ratio": float_bytes / pruned_bytes,
        **{f"{key}_{what}": value for key in ("int8", "pruned_int8")
           for what, value in olympics.accuracy_kept(
               base, measured[f"{key}_float32_accuracy"],
               measured[f"{key}_int8_accuracy"]).items()},
        "sparsity": perf.sparsity(pruned), "pruned_accuracy_untuned": before,
        "pruned_accuracy": tuned.test_accuracy[-1], "fine_tune_updates": tuned.updates,
        "curve": {"sparsity": list(CURVE), **pruned_accuracies(net, test)},
    }
    if not quiet:
        Console().print(compression_table(result))
    return result


def compression_table(result: dict[str, Any]) -> Table:
    """Each saved model: its file, accuracy and speed on both int8 paths."""
    table = Table(title=f"{result['model_name']}: files and what they cost",
                  caption="ms per batch of 1000 test images, best of 3")
    for column in ("model file", "bytes", "× smaller", "accuracy", "ms",
                   "int8 path accuracy", "int8 path ms"):
        table.add_column(column, justify="left" if column == "model file" else "right")
    table.add_row("float32", f"{result['float_bytes']:,}", "1.0",
                  f"{result['test_accuracy']:.2%}",
                  f"{result['float32_seconds'] * 1e3:.1f}", "", "")
    for key, label in (("int8", "int8"),
                       ("pruned_int8", f"pruned {result['sparsity']:.0%} + int8")):
        table.add_row(label, f"{result[key + '_bytes']:,}",
                      f"{result[key + '_size_ratio']:.1f}",
                      f"{result[key + '_float32_accuracy']:.2%}",
                      f"{result[key + '_float32_seconds'] * 1e3:.1f}",
                      f"{result[key + '_int8_accuracy']:.2%}",
                      f"{result[key + '_int8_seconds'] * 1e3:.1f}")
    return table


if __name__ == "__main__":
    main(run, EXPECTED, GOALS, SETTINGS, models=tuple(olympics.MODELS))
