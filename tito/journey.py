"""``tito milestones list`` and ``tito milestones timeline``: the six milestones, what
this checkout has of each and what has run on this machine."""

from __future__ import annotations

import argparse
from collections import Counter

from rich import box
from rich.table import Table
from rich.text import Text

from milestones.catalog import MILESTONES, Milestone, milestone

from .output import console


def milestone_number(text: str) -> Milestone:
    """The argparse type of a milestone's number: "3" or "03"."""
    try:
        return milestone(int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"a milestone is a number from 1 to {len(MILESTONES)}, got {text!r}"
        ) from None
    except LookupError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``list`` and ``timeline`` to the milestones group."""
    for name, handler, about in (
        (
            "list",
            list_milestones,
            "the six milestones, the scripts this checkout has and the runs here",
        ),
        ("timeline", timeline, "the journey in the terminal, 1957 to 2018"),
    ):
        command = commands.add_parser(name, help=about, description=about)
        command.set_defaults(handler=handler, parser=command)


def _runs_here() -> Counter[str]:
    """How many scripts of each milestone folder have a run recorded here."""
    from milestones.records import read_records  # imports tinytorch: only when asked

    records, _ = read_records()
    return Counter(record.script.split("/")[0] for record in records)


def _here(stone: Milestone, runs: Counter[str]) -> str:
    scripts = stone.scripts()
    if not scripts:
        return "not in this checkout yet"
    return f"{len(scripts)} scripts here, {runs[stone.folder]} run on this machine"


def list_milestones(args: argparse.Namespace) -> int:
    """Print the catalogue as a table."""
    runs = _runs_here()
    table = Table(
        title="The milestones",
        caption="tito milestones info N: the history, the scripts, what to expect",
    )
    table.add_column("#")
    table.add_column("year")
    table.add_column("milestone", ratio=3)
    table.add_column("in this checkout", ratio=2, overflow="fold")
    for stone in MILESTONES:
        about = Text(stone.title, style="bold")
        about.append(f"\n{stone.summary}", style="dim")
        table.add_row(stone.label, str(stone.year), about, _here(stone, runs))
    console().print(table)
    return 0


def timeline(args: argparse.Namespace) -> int:
    """Print the milestones down a time line, the years between them roughly to
    scale (a line per five years)."""
    runs, previous = _runs_here(), None
    line = Table(box=box.MINIMAL, show_header=False, show_edge=False, pad_edge=False)
    line.add_column(justify="right", no_wrap=True)
    line.add_column()
    for stone in MILESTONES:
        if previous is not None:
            gap = stone.year - previous
            for _ in range(min(gap // 5, 4) - 1):
                line.add_row("", "")
            later = "1 year later" if gap == 1 else f"{gap} years later"
            line.add_row("", Text(later, style="italic"))
        present = bool(stone.scripts())
        style = "bold" if present else "dim"
        text = Text(f"{stone.label} {stone.title}", style=style)
        text.append(f"\n{stone.summary}", style=None if present else "dim")
        text.append(f"\n{_here(stone, runs)}", style="dim")
        line.add_row(f"{stone.year} {'●' if present else '○'}", text)
        previous = stone.year
    console().print(line)
    return 0
