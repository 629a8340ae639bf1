"""The one training skeleton every milestone script shares, and its live display.

A script names its model, its data, its loss, its optimizer (and learning-rate
schedule) and its default Settings, and `trainer` makes its `run`: seeded weights,
shuffled batches, `tinytorch.fit` with a live progress bar on a terminal (one plain
line per epoch when piped), and the metrics of `results.results`. `versus` runs two
of them on the same budget, for a fair comparison.
"""

from __future__ import annotations

import contextlib
import copy
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

import tinytorch as tt
from tinytorch.nn import Module
from tinytorch.optim import Optimizer
from tinytorch.optim.lr_scheduler import LRScheduler
from tinytorch.utils.data import DataLoader, TensorDataset

from .results import EVAL_BATCH, results
from .splits import Splits, held_out

Callback = Callable[[tt.Progress], None]


@dataclass(frozen=True)
class Settings:
    """A script's training settings: its defaults, which the command line and the
    book override by name (a misspelt name is an error)."""

    epochs: int
    batch_size: int
    lr: float
    quick_epochs: int  # the cap for a --quick smoke run
    seed: int = 0


@dataclass(frozen=True)
class Recipe:
    """What a script's `run` trains with, kept on it as `run.recipe`, so that a later
    milestone can rebuild, fine-tune or profile the same model the same way."""

    model: Callable[[], Module]
    data: Callable[[int], Splits]
    loss_fn: Callable[[tt.Tensor, tt.Tensor], tt.Tensor]
    optimizer: Callable[..., Optimizer]
    settings: Settings
    scheduler: Callable[..., LRScheduler] | None = None

    def schedule(self, optimizer: Optimizer, lr: float, epochs: int,
                 steps_per_epoch: int) -> LRScheduler | None:
        """The learning-rate schedule of `epochs` (None: a constant rate), peaking at
        `lr`; it steps after every batch."""
        if self.scheduler is None:
            return None
        return self.scheduler(optimizer, max_lr=lr, epochs=epochs,
                              steps_per_epoch=steps_per_epoch)


def trainer(
    name: str,
    model: Callable[[], Module],
    data: Callable[[int], Splits],
    loss_fn: Callable[[tt.Tensor, tt.Tensor], tt.Tensor],
    optimizer: Callable[..., Optimizer],
    defaults: Settings,
    scheduler: Callable[..., LRScheduler] | None = None,
    metrics: Callable[[Module, Splits], dict[str, Any]] | None = None,
) -> Callable[..., dict[str, Any]]:
    """A script's `run`: it seeds, builds `model()`, trains it on `data(seed)` with
    `optimizer(params, lr=)` and returns the metrics of `results.results`.

    A `scheduler` is made as `scheduler(optimizer, max_lr=lr, epochs=epochs,
    steps_per_epoch=batches)`, OneCycleLR's signature (the settings' lr is then its
    peak), and steps after every batch. `metrics(model, splits)` adds results of the
    script's own (e.g. generated answers).
    """

    def run(quick: bool = False, quiet: bool = True, callback: Callback | None = None,
            validation: bool = False, download: bool = False,
            **overrides: Any) -> dict[str, Any]:
        settings = replace(defaults, **overrides)  # a misspelt name is a TypeError
        epochs = settings.epochs if not quick else min(settings.epochs,
                                                        settings.quick_epochs)
        tt.manual_seed(settings.seed)
        net = model()
        initial = copy.deepcopy(net.state_dict())  # state_dict() shares the weights
        splits = data(settings.seed, download=True) if download else data(settings.seed)
        splits = held_out(splits) if validation else splits
        x_train, y_train, x_test, y_test = splits.tensors()
        train_set = (splits.train_set if splits.train_set is not None
                     else TensorDataset(x_train, y_train))
        shuffle = tt.Generator().manual_seed(settings.seed)  # the same batches each run
        train_loader = DataLoader(train_set, settings.batch_size, shuffle=True,
                                  generator=shuffle)
        test_loader = DataLoader(TensorDataset(x_test, y_test), EVAL_BATCH)
        steps = optimizer(net.parameters(), lr=settings.lr)
        schedule = recipe.schedule(steps, settings.lr, epochs, len(train_loader))
        with training_display(quiet, callback) as show:
            history = tt.fit(net, train_loader, loss_fn, steps, epochs, test_loader,
                             show, schedule)
        extra = metrics(net, splits) if metrics else {}
        return results(name, net, steps, history, train_loader, test_loader,
                       seed=settings.seed, quick=quick, initial_state=initial,
                       data=splits.about, test_data=splits.test_about,
                       schedule=type(schedule).__name__ if schedule else None,
                       **extra)

    recipe = Recipe(model, data, loss_fn, optimizer, defaults, scheduler)
    run.__module__ = model.__module__  # the script's, whose docstring the CLI shows
    run.recipe = recipe
    run.name = name  # type: ignore[attr-defined]  # shown by `versus`
    run.schedule = scheduler.__name__ if scheduler else None  # type: ignore[attr-defined]
    run.__doc__ = (f"Train {name!r} and return its metrics. Keyword settings replace "
                   f"the defaults {defaults}; quick caps the epochs, quiet hides the "
                   f"progress, callback sees every step, validation trains and tests "
                   f"on a split of the training set (splits.held_out).")
    return run


def versus(
    name: str, run: Callable[..., dict[str, Any]],
    baseline: Callable[..., dict[str, Any]],
) -> Callable[..., dict[str, Any]]:
    """Two trainers' runs with the same settings: the same seed, so the same batches
    in the same order, and the same number of updates. Returns the first's results
    with the baseline's under "baseline" and "test_accuracy_lead", the first's test
    accuracy minus the baseline's."""

    def both(quiet: bool = True, **options: Any) -> dict[str, Any]:
        runs = []
        for one in (run, baseline):
            if not quiet:
                print(f"training {one.name}", flush=True)
            runs.append(one(quiet=quiet, **options))
        first, second = runs
        lead = first["test_accuracy"] - second["test_accuracy"]
        return first | {"name": name, "baseline": second, "test_accuracy_lead": lead}

    both.__module__, both.name = run.__module__, name  # type: ignore[attr-defined]
    both.schedule = run.schedule  # type: ignore[attr-defined]
    both.__doc__ = f"Train {name!r}: {run.__doc__}"
    return both


class _Display:
    """A callback for `fit`: a live rich bar on a terminal, else a line per epoch."""

    def __init__(self, callback: Callback | None, bar: Progress | None) -> None:
        self.callback, self.bar = callback, bar
        self.task: Any = None
        self.history: tt.History | None = None
        self.epochs = self.shown = 0

    def __call__(self, progress: tt.Progress) -> None:
        if self.callback is not None:
            self.callback(progress)
        self.history, self.epochs = progress.history, progress.epochs
        self.show_finished_epochs()  # an epoch ends when the next one starts
        if self.bar is None:
            return
        done = len(self.history.loss)
        fields = {
            "epoch": f"{progress.epoch}/{progress.epochs}",
            "step": f"{progress.step}/{progress.steps}",
            "loss": progress.loss,
            "accuracy": f"(after epoch {done}: {self.accuracy(done - 1)})"
            if done
            else "",
        }
        completed = (progress.epoch - 1) * progress.steps + progress.step
        if self.task is None:
            total = progress.epochs * progress.steps
            self.task = self.bar.add_task("training", total=total, **fields)
        self.bar.update(self.task, completed=completed, **fields)

    def accuracy(self, i: int) -> str:
        history = self.history
        test = ""
        if i < len(history.test_accuracy):
            test = f"  test {history.test_accuracy[i]:.2%}"
        return f"accuracy {history.accuracy[i]:.2%}{test}"

    def show_finished_epochs(self) -> None:
        history = self.history
        while history is not None and self.shown < len(history.loss):
            i = self.shown
            line = f"epoch {i + 1}/{self.epochs}  loss {history.loss[i]:.4f}  "
            line += f"{self.accuracy(i)}  {history.seconds[i]:.2f} s"
            if self.bar is not None:
                self.bar.console.print(line, highlight=False)
            else:
                print(line, flush=True)
            self.shown += 1


@contextlib.contextmanager
def training_display(
    quiet: bool, callback: Callback | None = None
) -> Iterator[Callback | None]:
    """The callback to give `fit`: it calls `callback` (if any) and shows progress
    unless `quiet`: a live bar on a terminal, one line per epoch when piped."""
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
        TextColumn(
            "step {task.fields[step]}  loss {task.fields[loss]:.4f}  "
            "{task.fields[accuracy]}"
        ),
        TimeElapsedColumn(),
    )
    # transient: the epoch lines stay, the bar goes
    with Progress(*columns, console=Console(), transient=True) as bar:
        display = _Display(callback, bar)
        yield display
        display.show_finished_epochs()
