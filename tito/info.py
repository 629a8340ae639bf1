"""``tito milestones info N``: a milestone's history and architecture (from its
README), and each script's model, settings, what the course expects and the
project's goals (from the script itself)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from milestones.catalog import Milestone, describe

from .journey import milestone_number
from .output import console


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``info`` to the milestones group."""
    about = "a milestone's history, architecture, scripts and expected results"
    command = commands.add_parser("info", help=about, description=about)
    command.add_argument(
        "milestone",
        type=milestone_number,
        metavar="N",
        help="the milestone's number, 1 to 6",
    )
    command.set_defaults(handler=show_info, parser=command)


def show_info(args: argparse.Namespace) -> int:
    """Print everything the milestone's folder says about it."""
    from rich.markdown import Markdown  # markdown-it and pygments: when needed

    stone: Milestone = args.milestone
    out = console()
    out.rule(f"Milestone {stone.label} · {stone.year} · {stone.title}")
    out.print(stone.summary)
    scripts = stone.scripts()
    if not scripts:
        out.print(
            f"\nNot in this checkout yet: milestones/{stone.folder} has no "
            "scripts. It appears here as soon as its folder lands."
        )
        return 0
    for heading in ("History", "Architecture"):
        out.print()
        out.print(Text(heading, style="bold underline"))
        text = stone.readme_section(heading)
        if text is None:
            out.print(
                f"(milestones/{stone.folder}/README.md has no '## {heading}' section)"
            )
        else:
            out.print(Markdown(text))
    out.print()
    out.print(Text("Scripts", style="bold underline"))
    for path in scripts:
        out.print(_script_facts(stone, path))
    return 0


def _script_facts(stone: Milestone, path: Path) -> Group:
    """The script's name, docstring summary, settings, expectations and goals."""
    try:
        facts = describe(path)  # imports the script, which may fail in a checkout
    except Exception as err:  # whatever it is, it is shown, not raised
        return Group(
            Text(path.name, style="bold"),
            Padding(f"cannot be imported: {type(err).__name__}: {err}", (0, 0, 1, 2)),
        )
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="italic", no_wrap=True)
    grid.add_column()
    grid.add_row("settings", facts.settings)
    grid.add_row("the course", facts.expected)
    grid.add_row("goals", facts.goals or "(none)")
    number = facts.file.split("_")[0]
    quick = " [--quick]" if facts.trains else ""
    grid.add_row("run it", f"tito milestones run {stone.number} {number}{quick}")
    return Group(
        Text(f"{facts.file} · {facts.name}", style="bold"),
        Padding(Group(facts.summary, grid), (0, 0, 1, 2)),
    )
