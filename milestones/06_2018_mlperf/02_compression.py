"""Milestone 06 (2018), part 2: compress a trained model, and measure what it costs.

Four compressed versions of the baseline (by default the MNIST MLP; --model lenet
for LeNet-5): int8 weights, one scale per output channel; SPARSITY of the weights
pruned by magnitude, fine-tuned with the pruned weights held at zero, then int8 and
a bitmap of the kept weights; CHANNELS of each hidden layer's channels (units,
filters) pruned by L2 norm and removed, the smaller network fine-tuned; and that
network in int8. Every size is the bytes of a real file, every accuracy that of the
model read back from it, on the test set. Both int8 paths run and are timed:
weights dequantized to float32 for numpy's BLAS, and int8 x int8 products
accumulated in int32, which numpy computes without BLAS. The Olympic events
(milestones/olympics.py) then rank the versions against the baseline.

    python milestones/06_2018_mlperf/02_compression.py [--model mlp] [--epochs 5]
        [--seed 0] [--quick] [--quiet] [--validation]

--epochs, --lr and --batch-size set the baseline's training (by default the settings
of the model's own script); fine-tuning runs FINE_TUNE_EPOCHS with the same lr,
batch size and schedule.
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
from tinytorch.utils.data import DataLoader, TensorDataset

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
    # int8 weights are exactly 4x smaller, but each output channel keeps a float32
    # scale and bias, and each array a file header of about 250 bytes. The MLP's
    # 101,632 weights in two layers carry them at 3 % of the int8 bytes, which
    # deflate wins back on a trained model (not quite on a quick one). LeNet-5's
    # 61,470 weights in five layers (236 channels, 20 arrays) cannot: its scales and
    # biases alone bound the ratio at 3.89x before any header, and its headers cost
    # 8 % more. Its goal says so, rather than a file format bent to meet 4x.
    return (Goal("int8_size_ratio", low=3.9 if quick else 4.0, quick=quick,
                 model="mlp"),
            Goal("int8_size_ratio", low=3.6, quick=quick, model="lenet"),
            Goal("int8_points_lost", high=0.3, quick=quick),
            Goal("pruned_int8_size_ratio", low=10.0, quick=quick),
            Goal("pruned_int8_points_lost", high=1.0, quick=quick),
            Goal("channels_points_lost", high=1.0, quick=quick))


GOALS = _goals(quick=False) + _goals(quick=True)
SETTINGS = olympics.script("mlp").SETTINGS  # the default model's training
SPARSITY = 0.9  # of the weights, pruned before fine-tuning
CHANNELS = 0.5  # of each hidden layer's channels, removed before fine-tuning
FINE_TUNE_EPOCHS = 1
CURVE = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98)  # sparsities, pruned without fine-tuning
VERSIONS = {  # each saved model: how the tables name it
    "float32": "float32 (baseline)", "int8": "int8",
    "pruned_int8": f"{SPARSITY:.0%} pruned + int8",
    "channels": f"{CHANNELS:.0%} of channels removed",
    "channels_int8": f"{CHANNELS:.0%} of channels removed + int8",
}  # fmt: skip


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
        validation: bool = False, **overrides: Any) -> dict[str, Any]:
    """Train (or reuse) the baseline, compress it four ways, measure the files."""
    result = olympics.baseline(model, quick, quiet, seed, trained, validation,
                               **overrides)
    recipe = olympics.script(model).run.recipe
    settings = replace(recipe.settings, **overrides)
    data = olympics.splits(model, seed, validation)
    net, base = result["model"], result["test_accuracy"]
    x_train, y_train, x_test, y_test = data.tensors()
    test = DataLoader(TensorDataset(x_test, y_test), EVAL_BATCH)
    train = DataLoader(TensorDataset(x_train, y_train), settings.batch_size,
                       shuffle=True, generator=tt.Generator().manual_seed(seed))

    def fine_tune(pruned: tt.nn.Module, masks: perf.pruning.Masks) -> tt.History:
        optimizer = recipe.optimizer(pruned.parameters(), lr=settings.lr)
        perf.keep_pruned(pruned, masks, optimizer)
        schedule = recipe.schedule(optimizer, settings.lr, FINE_TUNE_EPOCHS,
                                   len(train))
        with training_display(quiet, callback) as show:
            return tt.fit(pruned, train, recipe.loss_fn, optimizer, FINE_TUNE_EPOCHS,
                          test, show, schedule)

    pruned = copy.deepcopy(net)
    masks = perf.global_unstructured(pruned, SPARSITY)
    before = tt.evaluate(pruned, test)
    tuned = fine_tune(pruned, masks)
    structured = perf.ln_structured(copy.deepcopy(net), CHANNELS)
    thin = perf.remove_pruned_channels(net, structured)  # the kept channels only
    thin_before = tt.evaluate(thin, test)
    thin_tuned = fine_tune(thin, {})

    calibration = olympics.calibration_batches(x_train)
    versions = {  # name -> (the model, one built the same way to read its file into)
        "float32": (net, recipe.model()),
        "int8": (perf.quantize(net, "int8", calibration),
                 perf.quantize(recipe.model())),
        "pruned_int8": (perf.quantize(pruned, "int8", calibration),
                        perf.quantize(recipe.model())),
        "channels": (thin, perf.remove_pruned_channels(recipe.model(), structured)),
        "channels_int8": (perf.quantize(thin, "int8", calibration), perf.quantize(
            perf.remove_pruned_channels(recipe.model(), structured))),
    }
    sizes, read_back = {}, {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for name, (version, skeleton) in versions.items():
            sizes[name], read_back[name] = olympics.reloaded(
                version, folder / f"{name}.npz", skeleton, sparse=name == "pruned_int8")
        raw = [perf.save(read_back[m], folder / "raw.npz", compress=False)
               for m in ("float32", "int8")]
        dense_bytes = perf.save(read_back["pruned_int8"], folder / "dense.npz")

    runners, version_of = {}, {}  # "int8_int8": the int8 model on the int8 path
    for name, version in read_back.items():
        paths = perf.quantization.MATMULS if olympics.quantized(version) else ("",)
        for matmul in paths:
            key = f"{name}_{matmul}" if matmul else name
            runners[key], version_of[key] = version, name
            if matmul:
                runners[key] = olympics.use_matmul(copy.deepcopy(version), matmul)
    accuracy = {key: tt.evaluate(m, test) for key, m in runners.items()}
    seconds = olympics.seconds_per_image(runners, x_test)
    entries = [olympics.Entry(_label(key, version_of[key]), sizes[version_of[key]],
                              accuracy[key], seconds[key]) for key in runners]

    result = result | {
        "name": NAME, "model_name": model, "dense_int8_ratio": raw[0] / raw[1],
        **{f"{name}_bytes": size for name, size in sizes.items()},
        **{f"{name}_size_ratio": sizes["float32"] / size
           for name, size in sizes.items()},
        **{f"{name}_accuracy": value for name, value in accuracy.items()},
        **{f"{name}_image_seconds": value for name, value in seconds.items()},
        "pruned_int8_dense_bytes": dense_bytes,
        "sparsity": perf.sparsity(pruned), "pruned_accuracy_untuned": before,
        "pruned_accuracy": tuned.test_accuracy[-1], "fine_tune_updates": tuned.updates,
        "channels_accuracy_untuned": thin_before,
        "channels_params": sum(p.numel() for p in thin.parameters()),
        "channels_fine_tune_updates": thin_tuned.updates,
        "entries": entries, "events": olympics.standings(entries),
        "curve": {"sparsity": list(CURVE), **pruned_accuracies(net, test)},
    }
    for name in VERSIONS:  # a quantized version: the worse of its two paths
        kept = olympics.accuracy_kept(base, *[accuracy[key] for key in runners
                                              if version_of[key] == name])
        result |= {f"{name}_{what}": value for what, value in kept.items()}
    if not quiet:
        Console().print(compression_table(result))
        Console().print(olympics.events_table(model, result["events"]))
    return result


def _label(key: str, version: str) -> str:
    matmul = key.removeprefix(version).lstrip("_")
    return VERSIONS[version] + (f", {matmul} matmul" if matmul else "")


def compression_table(result: dict[str, Any]) -> Table:
    """Each saved model, on each way it computes: its file, accuracy and speed."""
    table = Table(title=f"{result['model_name']}: files and what they cost",
                  caption=f"µs per image in a batch of {EVAL_BATCH} test images, "
                          f"best of 3")
    for column in ("model", "file bytes", "× smaller", "accuracy", "µs"):
        table.add_column(column, justify="left" if column == "model" else "right")
    base = result["entries"][0]
    for entry in result["entries"]:
        table.add_row(entry.name, f"{entry.bytes:,}", f"{base.bytes / entry.bytes:.1f}",
                      f"{entry.accuracy:.2%}", f"{entry.seconds * 1e6:.1f}")
    return table


if __name__ == "__main__":
    main(run, EXPECTED, GOALS, SETTINGS, models=tuple(olympics.MODELS))
