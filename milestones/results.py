"""What every milestone run returns, the project's goals for it, and the table the
command line prints next to the course's expectations."""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from typing import Any

from rich.table import Table

import tinytorch as tt
from tinytorch.nn import Module
from tinytorch.optim import Optimizer
from tinytorch.utils.data import DataLoader

EVAL_BATCH = 1000
Expected = dict[
    str, tuple[float, float, str]
]  # metric -> (low, high, the course's words)


@dataclass(frozen=True)
class Goal:
    """The project's own bar for one metric of a run; the one place it is written.

    The tests assert it, the chapters and the READMEs show it. `quick` goals apply
    to a --quick run, the others to a full one; a goal with a `model` only to runs
    on that model (milestone 06's --model), where one bar cannot fit all.
    """

    metric: str
    low: float = -math.inf
    high: float = math.inf
    quick: bool = False
    model: str | None = None

    @property
    def timed(self) -> bool:
        """A goal on wall-clock time (a time budget, a measured speed-up): the tables
        report it, tests never assert it, since a slow machine must not fail them."""
        return self.metric == "seconds" or "speedup" in self.metric

    def applies(self, result: dict[str, Any]) -> bool:
        """Whether the goal is one for this run: quick or full, and its model."""
        return self.quick == bool(result.get("quick")) and (
            self.model is None or self.model == result.get("model_name"))

    def met(self, result: dict[str, Any]) -> bool:
        """Whether the run's value for the metric is within the bar."""
        return self.low <= result[self.metric] <= self.high

    def __str__(self) -> str:
        def shown(value: float) -> str:
            if self.metric.endswith("_lead"):  # a difference of two accuracies
                return f"{value * 100:.1f} points"
            return f"{value:.1%}" if "accuracy" in self.metric else f"{value:.3g}"

        if self.low == self.high:
            bar = f"= {shown(self.low)}"
        elif math.isinf(self.high):
            bar = f"≥ {shown(self.low)}"
        elif math.isinf(self.low):
            bar = f"≤ {shown(self.high)}"
        else:
            bar = f"{shown(self.low)} to {shown(self.high)}"
        which = [self.model] if self.model else []
        which += ["a quick run"] if self.quick else []
        shown_for = f" ({', '.join(which)})" if which else ""
        return f"{self.metric.replace('_', ' ')} {bar}{shown_for}"


def results(
    name: str,
    model: Module,
    optimizer: Optimizer | None,
    history: tt.History,
    train: DataLoader,
    test: DataLoader,
    **facts: Any,
) -> dict[str, Any]:
    """The metrics every milestone returns, under the same keys, so that the book and
    the tests can compare runs.

    `train_accuracy` and `test_accuracy` measure the final model on all of its data
    (`history["accuracy"]` is the running accuracy during each epoch, while the
    weights still moved). `facts` adds the run's settings: seed, quick, data, ...
    """
    return {
        "name": name,
        "epochs": len(history.loss),
        "batch_size": train.batch_size if optimizer else None,
        "steps_per_epoch": len(train) if optimizer else 0,
        "optimizer": settings(optimizer) if optimizer else "none (not trained)",
        "history": {
            "loss": history.loss,
            "accuracy": history.accuracy,
            "test_accuracy": history.test_accuracy,
            "seconds": history.seconds,
        },
        "loss": history.loss[-1] if history.loss else None,
        "train_accuracy": tt.evaluate(model, DataLoader(train.dataset, EVAL_BATCH)),
        "test_accuracy": tt.evaluate(model, test),
        "params": sum(p.numel() for p in model.parameters()),
        "seconds": sum(history.seconds),
        "updates": history.updates,
        "model": model,
        **facts,
    }


def settings(optimizer: Optimizer) -> str:
    """The optimizer as the tables name it, on one line: its class, its lr and each
    setting it was made with that is not the class's default, e.g.
    "SGD(lr=0.1, momentum=0.9)" (its repr is PyTorch's, a line per setting)."""
    signature = inspect.signature(type(optimizer)).parameters
    shown = [
        f"{key}={_setting(value)}"
        for key, value in optimizer.defaults.items()
        if key == "lr" or (key in signature and value != signature[key].default)
    ]
    return f"{type(optimizer).__name__}({', '.join(shown)})"


def _setting(value: Any) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(_setting(v) for v in value) + ")"
    return f"{value:g}" if isinstance(value, float) else repr(value)


def verdict(value: float, expected: tuple[float, float, str]) -> str:
    """Where a measured value falls against the course's range: within, above, below."""
    low, high, _ = expected
    return "within" if low <= value <= high else "above" if value > high else "below"


def _formatted(key: str, value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.2%}" if key.endswith("accuracy") else f"{value:.4f}"


def results_table(
    result: dict[str, Any], expected: Expected, goals: tuple[Goal, ...] = ()
) -> Table:
    """The run's results next to what the course expects and the project's goals."""
    table = Table(title=result["name"], caption=f"tested on {result['test_data']}")
    for column in ("", "measured", "course expects", ""):
        table.add_column(column)
    for key, bar in expected.items():
        value = result[key]
        table.add_row(
            key.replace("_", " "), _formatted(key, value), bar[2], verdict(value, bar)
        )
    measured = ("test_accuracy", "train_accuracy", "loss", *(g.metric for g in goals))
    for key in dict.fromkeys(measured):  # in order, once each; time has its own row
        if key not in expected and key != "seconds":
            table.add_row(key.replace("_", " "), _formatted(key, result[key]))
    for goal in goals:
        if goal.applies(result):
            state = "met" if goal.met(result) else "NOT MET"
            table.add_row("project goal", str(goal), "", state)
    if result["updates"]:
        epochs, steps = result["epochs"], result["steps_per_epoch"]
        updates = f"{epochs} epochs × {steps} = {result['updates']}"
        table.add_row("gradient updates", updates)
        schedule = f", {result['schedule']}" if result.get("schedule") else ""
        table.add_row(
            "optimizer",
            f"{result['optimizer']}{schedule}, batch {result['batch_size']}",
        )
        table.add_row("training time", f"{result['seconds']:.2f} s")
    table.add_row("parameters", f"{result['params']:,}")
    if "baseline" in result:
        _baseline_rows(table, result)
    table.add_row("seed", str(result["seed"]))
    return table


def _baseline_rows(table: Table, result: dict[str, Any]) -> None:
    """The comparison of a `versus` run: the same budget, both models' results."""
    other = result["baseline"]
    table.add_section()
    table.add_row(f"vs {other['name']}", "the same batches, updates and optimizer")
    table.add_row(
        "its test accuracy", _formatted("test_accuracy", other["test_accuracy"])
    )
    lead = result["test_accuracy_lead"] * 100
    table.add_row("test accuracy lead", f"{lead:+.2f} points")
    for run, whose in ((result, "training loss"), (other, "its training loss")):
        loss = run["history"]["loss"]
        table.add_row(whose, f"{loss[0]:.4f} → {loss[-1]:.4f} (first → last epoch)")
    table.add_row("its parameters", f"{other['params']:,}")
    table.add_row("its training time", f"{other['seconds']:.2f} s")
