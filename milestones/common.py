"""What every milestone script shares: the metrics it returns, the live display, the command line, PNG output.

A script defines its model, data and `run(...)`, and ends with `main(run, EXPECTED)`; the machinery lives here.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import os
import struct
import sys
import warnings
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

import tinytorch as tt
from tinytorch.data import DataLoader
from tinytorch.datasets import DatasetError
from tinytorch.nn import Module
from tinytorch.optim import Optimizer

HELD_OUT = 1000  # the toy data sets draw their test points with seed + HELD_OUT: fresh points, same distribution
EVAL_BATCH = 1000

Callback = Callable[[tt.Progress], None]
Expected = dict[str, tuple[float, float, str]]  # metric -> (low, high, how the course states it)


def describe(optimizer: Optimizer | None) -> str:
    """The optimizer as it was built, e.g. "Adam(lr=0.001)" or "SGD(lr=0.1, momentum=0.9)"."""
    if optimizer is None:
        return "none (not trained)"
    settings = [f"lr={optimizer.lr:g}"]
    extras = ("momentum", "weight_decay")
    settings += [f"{key}={getattr(optimizer, key):g}" for key in extras if getattr(optimizer, key, 0)]
    return f"{type(optimizer).__name__}({', '.join(settings)})"


def results(
    name: str,
    model: Module,
    optimizer: Optimizer | None,
    history: tt.History,
    train: DataLoader,
    test: DataLoader,
    **facts: Any,
) -> dict[str, Any]:
    """The metrics every milestone returns, under the same keys, so the book and the tests can compare runs.

    `train_accuracy` and `test_accuracy` measure the final model on all of its training and test data
    (`history["accuracy"]` is the running accuracy during each epoch, while the weights still moved).
    `facts` adds the run's settings and descriptions: seed, quick, initial_state, data, test_data, ...
    Without an optimizer (an untrained model) there is no batch size and no step.
    """
    return {
        "name": name,
        "epochs": len(history.loss),
        "batch_size": train.batch_size if optimizer else None,
        "steps_per_epoch": len(train) if optimizer else 0,
        "optimizer": describe(optimizer),
        "history": {
            "loss": history.loss,
            "accuracy": history.accuracy,
            "test_accuracy": history.test_accuracy,
            "seconds": history.seconds,
        },
        "loss": history.loss[-1] if history.loss else None,
        "train_accuracy": tt.evaluate(model, DataLoader(train.dataset, EVAL_BATCH)),
        "test_accuracy": tt.evaluate(model, test),
        "params": sum(p.data.size for p in model.parameters()),
        "seconds": sum(history.seconds),
        "updates": history.updates,
        "model": model,
        **facts,
    }


class _Display:
    """A callback for `fit` that shows training: a live rich bar on a terminal, else one plain line per epoch."""

    def __init__(self, callback: Callback | None, bar: Progress | None) -> None:
        self.callback, self.bar = callback, bar
        self.task: Any = None
        self.history: tt.History | None = None
        self.epochs = self.shown = 0

    def __call__(self, progress: tt.Progress) -> None:
        if self.callback is not None:
            self.callback(progress)
        self.history, self.epochs = progress.history, progress.epochs
        self.show_finished_epochs()  # the epoch before this one ends when this one starts
        if self.bar is not None:
            done = len(self.history.loss)
            fields = {
                "epoch": f"{progress.epoch}/{progress.epochs}",
                "step": f"{progress.step}/{progress.steps}",
                "loss": progress.loss,
                "accuracy": f"(after epoch {done}: {self.accuracy(done - 1)})" if done else "",
            }
            completed = (progress.epoch - 1) * progress.steps + progress.step
            if self.task is None:
                self.task = self.bar.add_task("training", total=progress.epochs * progress.steps, **fields)
            self.bar.update(self.task, completed=completed, **fields)

    def accuracy(self, i: int) -> str:
        history = self.history
        test = f"  test {history.test_accuracy[i]:.2%}" if i < len(history.test_accuracy) else ""
        return f"accuracy {history.accuracy[i]:.2%}{test}"

    def show_finished_epochs(self) -> None:
        history = self.history
        while history is not None and self.shown < len(history.loss):
            i = self.shown
            line = f"epoch {i + 1}/{self.epochs}  loss {history.loss[i]:.4f}  {self.accuracy(i)}"
            line += f"  {history.seconds[i]:.2f} s"
            if self.bar is not None:
                self.bar.console.print(line, highlight=False)
            else:
                print(line, flush=True)
            self.shown += 1


@contextlib.contextmanager
def training_display(quiet: bool, callback: Callback | None = None) -> Iterator[Callback | None]:
    """The callback to give `fit`: it calls `callback` (if any) and shows progress unless `quiet`.

    On a terminal a live bar shows epoch, step, loss, accuracy and time; piped (CI, logs) one line per epoch.
    """
    if quiet:
        yield callback
        return
    if not sys.stdout.isatty():
        display = _Display(callback, None)
        yield display
        display.show_finished_epochs()
        return
    columns = (
        TextColumn("epoch {task.fields[epoch]}"),
        BarColumn(),
        TextColumn("step {task.fields[step]}  loss {task.fields[loss]:.4f}  {task.fields[accuracy]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(), transient=True) as bar:  # the epoch lines stay, the bar goes
        display = _Display(callback, bar)
        yield display
        display.show_finished_epochs()


def _formatted(key: str, value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.2%}" if key.endswith("accuracy") else f"{value:.4f}"


def results_table(result: dict[str, Any], expected: Expected) -> Table:
    """The run's results next to what the course expects (within, above or below its range)."""
    table = Table(title=result["name"], caption=f"test accuracy measured on {result['test_data']}")
    for column in ("", "measured", "course expects", ""):
        table.add_column(column)
    for key, (low, high, stated) in expected.items():
        value = result[key]
        verdict = "within" if low <= value <= high else "above" if value > high else "below"
        table.add_row(key.replace("_", " "), _formatted(key, value), stated, verdict)
    for key in ("test_accuracy", "train_accuracy", "loss"):
        if key not in expected:
            table.add_row(key.replace("_", " "), _formatted(key, result[key]))
    if result["updates"]:
        updates = f"{result['epochs']} epochs × {result['steps_per_epoch']} = {result['updates']}"
        table.add_row("gradient updates", updates)
        table.add_row("optimizer", f"{result['optimizer']}, batch {result['batch_size']}")
        table.add_row("training time", f"{result['seconds']:.2f} s")
    table.add_row("parameters", f"{result['params']:,}")
    table.add_row("seed", str(result["seed"]))
    return table


def image_grid(patches: np.ndarray, columns: int) -> np.ndarray:
    """Patches (N, h, w) tiled `columns` per row with 1-pixel white gaps, each scaled to its own min..max.

    Returns a uint8 image (what `write_png` and the book show); per-patch scaling makes every unit's pattern
    visible, whatever the size of its weights.
    """
    n, h, w = patches.shape
    rows = -(-n // columns)
    low = patches.min(axis=(1, 2), keepdims=True)
    span = patches.max(axis=(1, 2), keepdims=True) - low
    scaled = np.round((patches - low) / np.where(span > 0, span, 1) * 255).astype(np.uint8)
    grid = np.full((rows * (h + 1) + 1, columns * (w + 1) + 1), 255, np.uint8)
    for i, patch in enumerate(scaled):
        top, left = 1 + (i // columns) * (h + 1), 1 + (i % columns) * (w + 1)
        grid[top : top + h, left : left + w] = patch
    return grid


def png_bytes(image: np.ndarray) -> bytes:
    """A grayscale PNG of a 2-D uint8 array: signature, IHDR, one zlib IDAT (no filtering), IEND."""
    if image.ndim != 2 or image.dtype != np.uint8:
        raise ValueError(f"png_bytes needs a 2-D uint8 image, got shape {image.shape} and dtype {image.dtype}")

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    height, width = image.shape
    rows = np.hstack([np.zeros((height, 1), np.uint8), image])  # each row starts with filter type 0
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grayscale, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 9))
        + chunk(b"IEND", b"")
    )


def write_png(path: str | Path, image: np.ndarray) -> None:
    """Write `image` as a PNG atomically: a temp file beside `path` renamed over it, so a failure leaves nothing."""
    path = Path(path)
    data = png_bytes(image)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _positive(kind: type) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        value = kind(text)
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its error messages
    return parse


def _fail(message: str, code: int = 1) -> NoReturn:
    print(f"{Path(sys.argv[0]).name}: {message}", file=sys.stderr)
    raise SystemExit(code)


def main(
    run: Callable[..., dict[str, Any]],
    expected: Expected,
    weight_image: Callable[[Module], np.ndarray] | None = None,
    argv: list[str] | None = None,
) -> None:
    """The command line of every milestone script: parse options, run, print the results table.

    Options follow `run`'s signature (--epochs, --lr, --batch-size only where it has them); `weight_image` adds
    --save-weights. A diverging run or missing data ends with a one-paragraph message and exit code 1 (without
    the numpy overflow warnings that led to it).
    """
    knobs = inspect.signature(run).parameters
    doc = (sys.modules[run.__module__].__doc__ or "").strip()
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    if "epochs" in knobs:
        parser.add_argument("--epochs", type=_positive(int), help=f"default {knobs['epochs'].default}")
    parser.add_argument("--seed", type=int, default=0, help="seeds the weights and the shuffling (default 0)")
    parser.add_argument("--quick", action="store_true", help="a fast smoke run: fewer epochs (if it trains)")
    parser.add_argument("--quiet", action="store_true", help="print only the final results")
    if "lr" in knobs:
        parser.add_argument("--lr", type=_positive(float), help=f"learning rate (default {knobs['lr'].default:g})")
    if "batch_size" in knobs:
        parser.add_argument("--batch-size", type=_positive(int), help=f"default {knobs['batch_size'].default}")
    if weight_image is not None:
        parser.add_argument("--save-weights", metavar="FILE.png", type=Path, help="save the first layer as a PNG")
    args = parser.parse_args(argv)

    with warnings.catch_warnings(record=True) as caught:  # held back: a diverging run's overflows say no more
        try:
            result = run(**{key: value for key, value in vars(args).items() if key in knobs and value is not None})
        except tt.TrainingDiverged as err:
            _fail(f"training diverged: {err}.")
        except DatasetError as err:
            _fail(f"the data could not be loaded. {err}")
        except KeyboardInterrupt:
            _fail("interrupted.", code=130)
    for warning in caught:  # a run that finished shows every warning it raised
        warnings.showwarning(warning.message, warning.category, warning.filename, warning.lineno)
    Console().print(results_table(result, expected))

    if weight_image is not None and args.save_weights is not None:
        try:
            write_png(args.save_weights, weight_image(result["model"]))
        except OSError as err:
            _fail(f"cannot write {args.save_weights}: {err.strerror or err}.")
        print(f"saved the first layer's weights to {args.save_weights}")
