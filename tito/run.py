"""``tito milestones run N [script] [--quick] [options]``: run a milestone's scripts
exactly as ``python milestones/<folder>/<script>.py [options]`` does, live display
included, and pass on the exit code of a run that fails."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path

from milestones.catalog import Milestone

from .journey import milestone_number
from .output import TitoError, console

STOPS = (signal.SIGINT, signal.SIGTERM)
GRACE = 1.0  # seconds a script has to stop on a terminal's Ctrl-C before tito passes
# on its own (the terminal sends both; the script would see two)
EPILOG = """\
Every option after N (and the script) goes to the script, as if you ran it with
python: --quick (a short smoke run), --epochs N, --seed N, --lr X, --batch-size N,
--quiet (only the results), ...; `tito milestones run N SCRIPT --help` lists the
script's own. Without a script, the milestone's scripts run one after another.
"""


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``run`` to the milestones group."""
    about = "run a milestone's scripts (or one of them), with the scripts' options"
    command = commands.add_parser(
        "run",
        help=about,
        description=about,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument(
        "milestone",
        type=milestone_number,
        metavar="N",
        help="the milestone's number, 1 to 6",
    )
    command.add_argument(
        "--quick",
        action="store_true",
        help="a short smoke run (the script's own --quick)",
    )
    command.add_argument(
        "options",
        nargs=argparse.REMAINDER,
        metavar="[SCRIPT] ...",
        help="the script: its number (2) or name (xor_solved); "
        "then the script's options",
    )
    command.set_defaults(handler=run_milestone, parser=command)


def run_milestone(args: argparse.Namespace) -> int:
    """Run the chosen scripts in order and pass on the exit code of the first that
    fails. A script that fails (missing data, say) does not stop the others; an
    interrupted run (Ctrl-C: exit code 130) or options the scripts refuse (exit
    code 2) do."""
    stone: Milestone = args.milestone
    scripts = stone.scripts()
    if not scripts:
        raise TitoError(
            f"milestone {stone.label} ({stone.year}, {stone.title}) has no scripts in "
            f"this checkout: milestones/{stone.folder} is not here yet. `tito "
            f"milestones list` shows the milestones this checkout has."
        )
    # --quick may come anywhere after N; the script, if named, comes first
    options = [option for option in args.options if option != "--quick"]
    quick = args.quick or "--quick" in args.options
    if options and not options[0].startswith("-"):
        try:
            scripts = [stone.script(options.pop(0))]
        except LookupError as err:
            args.parser.error(str(err))
    options += ["--quick"] if quick else []
    out, failed = console(), []
    for number, script in enumerate(scripts, 1):
        shown = " ".join(["python", str(_relative(script)), *options])
        counted = f" ({number} of {len(scripts)})" if len(scripts) > 1 else ""
        out.rule(f"Milestone {stone.label} · {stone.title}{counted}: {script.name}")
        out.print(f"$ {shown}", style="dim")
        sys.stdout.flush()  # before the script writes to the same output
        code, stopped_by = _run(script, options)
        if stopped_by is not None:
            name = "interrupted" if stopped_by == signal.SIGINT else "terminated"
            print(f"tito: {name}; {script.name} was stopped.", file=sys.stderr)
            return 128 + stopped_by  # 130 after Ctrl-C, 143 after SIGTERM
        if code != 0:
            failed.append((script, code))
            if code in (2, 130):
                break
    if failed and len(scripts) > 1:
        ended = "; ".join(
            f"{script.name} ended with exit code {code}" for script, code in failed
        )
        print(f"tito: {ended}.", file=sys.stderr)
    return failed[0][1] if failed else 0


def _relative(script: Path) -> Path:
    try:
        return script.relative_to(Path.cwd())
    except ValueError:
        return script


def _run(script: Path, options: list[str]) -> tuple[int, int | None]:
    """Run the script to its end. Returns its exit code (128 + N if signal N ended
    it, as a shell says) and the signal that asked tito to stop, if one did.

    Ctrl-C and SIGTERM sent to tito are passed on to the script, and tito waits for
    it to stop: it never leaves behind a script that would record, later, a run it
    was asked to stop. A Ctrl-C at a terminal reaches the script by itself, so the
    first is passed on only if the script still runs `GRACE` seconds later.
    """
    due: list[tuple[float, int]] = []  # (when, signal): what to pass on, and when
    asked: list[int] = []

    def stop(signum: int, frame: object) -> None:
        first_ctrl_c = signum == signal.SIGINT and signal.SIGINT not in asked
        due.append((time.monotonic() + (GRACE if first_ctrl_c else 0), signum))
        asked.append(signum)

    previous = {signum: signal.signal(signum, stop) for signum in STOPS}
    try:
        with subprocess.Popen([sys.executable, str(script), *options]) as process:
            while (code := process.poll()) is None:
                now = time.monotonic()
                for item in [item for item in due if item[0] <= now]:
                    due.remove(item)
                    process.send_signal(item[1])
                time.sleep(0.02)
    finally:  # once asked to stop, tito ends: a second Ctrl-C must not cut that short
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_IGN if asked else handler)
    return (code if code >= 0 else 128 - code), (asked[0] if asked else None)
