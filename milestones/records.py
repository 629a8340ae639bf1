"""The last finished command-line run of each milestone script on this machine, for
`tito milestones status`.

Each script's last run is one small JSON file in the ``milestone-runs`` folder of
tinytorch's cache folder ($TINYTORCH_CACHE, else $XDG_CACHE_HOME/tinytorch, else
~/.cache/tinytorch). A file is written whole through a rename, so a reader never
sees half of one, and runs of different scripts finishing at once never touch the
same file (for one script, the last to finish wins). A damaged file is reported,
never trusted, and replaced by that script's next run.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tinytorch.datasets.mnist import default_cache_dir
from tinytorch.files import remove_stale_temp_files, write_atomically

from . import ROOT
from .catalog import script_id
from .results import Expected, Goal
from .training import Settings

FOLDER = "milestone-runs"
KEY_METRICS = ("test_accuracy", "train_accuracy", "loss", "params")
Scalar = bool | int | float | str


@dataclass(frozen=True)
class RunRecord:
    """One finished run: which script, when, with what settings, what it measured
    and which of the project's goals it met."""

    script: str  # "<folder>/<script>", e.g. "03_1986_mlp/02_rumelhart_mnist"
    finished: str  # ISO 8601, local time with its UTC offset
    settings: dict[str, Scalar]
    metrics: dict[str, float]
    goals: dict[str, bool]  # each goal that applies to this run (str(goal)) -> met


def records_dir() -> Path:
    """Where the records live: the ``milestone-runs`` folder of the cache folder."""
    return default_cache_dir() / FOLDER


def record_run(
    script_file: str | Path,
    result: dict[str, Any],
    options: dict[str, Any],
    settings: Settings | None,
    expected: Expected,
    goals: tuple[Goal, ...],
) -> Path | None:
    """Record a finished run of the script at `script_file` with the command-line
    `options` it was given; returns the record's file, or None for a file that is
    not a milestone script. OSError if the cache folder cannot be written."""
    path = Path(script_file).resolve()
    if path.parent.parent != ROOT:
        return None
    used = {k: v for k, v in options.items() if k != "quiet" and isinstance(v, Scalar)}
    used |= {"seed": result["seed"], "quick": bool(result.get("quick"))}
    keys = [*expected, *(goal.metric for goal in goals), *KEY_METRICS]
    if settings is not None:  # a script that trains
        used |= {
            "epochs": result["epochs"],
            "batch_size": result["batch_size"],
            "lr": options.get("lr", settings.lr),
        }
        keys.append("seconds")
    metrics = {}
    for key in keys:
        value = result.get(key)
        if _number(value) and math.isfinite(value):
            metrics[key] = value
    applying = [goal for goal in goals if goal.applies(result)]
    record = RunRecord(
        script=script_id(path),
        finished=datetime.now().astimezone().isoformat(timespec="seconds"),
        settings=used,
        metrics=metrics,
        goals={str(goal): goal.met(result) for goal in applying},
    )
    folder = records_dir()
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(folder)
    target = folder / f"{record.script.replace('/', '.')}.json"
    write_atomically(target, json.dumps(asdict(record), indent=1) + "\n")
    return target


def read_records() -> tuple[list[RunRecord], list[str]]:
    """Every readable record, by script, and a one-line problem for each file that
    is not one record_run could have written (damaged, or unreadable)."""
    records, problems = [], []
    for path in sorted(records_dir().glob("*.json")):
        try:
            record = _parse(json.loads(path.read_text(encoding="utf-8")))
            if path.name != f"{record.script.replace('/', '.')}.json":
                raise ValueError(f"it records {record.script}, not its file's script")
            records.append(record)
        except (OSError, UnicodeDecodeError, ValueError, TypeError) as err:
            reason = getattr(err, "strerror", None) or err
            problems.append(
                f"{path} is damaged ({reason}): ignored; the script's next run "
                f"replaces it, or delete it."
            )
    return records, problems


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _parse(data: object) -> RunRecord:
    """The record `data` holds; ValueError naming what is wrong."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    fields = {
        "script": str,
        "finished": str,
        "settings": dict,
        "metrics": dict,
        "goals": dict,
    }
    for name, kind in fields.items():
        if not isinstance(data.get(name), kind):
            raise ValueError(f"no {kind.__name__} {name!r}")
    if datetime.fromisoformat(data["finished"]).utcoffset() is None:
        raise ValueError("'finished' has no UTC offset")  # as record_run writes it
    if not all(_number(v) and math.isfinite(v) for v in data["metrics"].values()):
        raise ValueError("a metric is not a finite number")
    if not all(isinstance(v, bool) for v in data["goals"].values()):
        raise ValueError("a goal is neither met nor unmet")
    if not all(isinstance(v, Scalar) for v in data["settings"].values()):
        raise ValueError("a setting is not a plain value")
    return RunRecord(**{name: data[name] for name in fields})
