"""``tito milestones status``: which milestone scripts have finished a run on this
machine, and what their last run measured (from the scripts' own records, see
milestones/records.py)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from milestones.catalog import MILESTONES, script_id

from .output import console, shown

if TYPE_CHECKING:
    from milestones.records import RunRecord


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``status`` to the milestones group."""
    about = "which milestone scripts have run on this machine, and their last results"
    command = commands.add_parser("status", help=about, description=about)
    command.set_defaults(handler=show_status, parser=command)


def show_status(args: argparse.Namespace) -> int:
    """Print the last run of every script that has one; damaged records are
    reported on stderr and skipped."""
    from milestones.records import read_records, records_dir  # numpy: when needed

    records, problems = read_records()
    for problem in problems:
        print(f"tito: {problem}", file=sys.stderr)
    out = console()
    if not records:
        out.print(
            "No milestone script has finished a run on this machine yet (runs are "
            f"recorded in {records_dir()}). Try: tito milestones run 1 --quick"
        )
        return 0
    out.print(Text("Milestone runs on this machine", style="bold underline"))
    out.print(f"the last run of each script, kept in {records_dir()}\n")
    for record in sorted(records, key=lambda r: r.script):
        out.print(_block(record))
    out.print(Text(_not_run(records)))
    return 0


NAMES = {"seconds": "training time", "params": "parameters"}


def _block(record: RunRecord) -> Group:
    settings = dict(record.settings)
    quick = settings.pop("quick", False)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="italic", no_wrap=True)
    grid.add_column()
    rows = {
        "settings": ", ".join(
            f"{key.replace('_', ' ')} {value}" for key, value in settings.items()
        )
        + (" (a quick run)" if quick else ""),
        "results": ", ".join(
            f"{NAMES.get(key, key.replace('_', ' '))} {shown(key, value)}"
            for key, value in record.metrics.items()
        ),
        "goals": _goals(record.goals, quick),
    }
    for name, text in rows.items():
        grid.add_row(name, Text(text))  # never markup: "[/bold]" is shown as written
    finished = datetime.fromisoformat(record.finished).strftime("%Y-%m-%d %H:%M")
    return Group(
        Text(f"{record.script} · finished {finished}", style="bold"),
        Padding(grid, (0, 0, 1, 2)),
    )


def _goals(goals: dict[str, bool], quick: bool) -> str:
    if not goals:
        return "none for a quick run" if quick else "none set"
    unmet = [goal for goal, met in goals.items() if not met]
    summary = f"{len(goals) - len(unmet)} of {len(goals)} met"
    return "; ".join([summary, *(f"NOT MET: {goal}" for goal in unmet)])


def _not_run(records: list[RunRecord]) -> str:
    ran = {record.script for record in records}
    everything = [script_id(path) for stone in MILESTONES for path in stone.scripts()]
    waiting = [script for script in everything if script not in ran]
    if not waiting:
        return "Every milestone script in this checkout has run here."
    return f"Not run here yet: {', '.join(waiting)}."
