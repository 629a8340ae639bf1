"""The ``tito`` command: its parser (a group per area, a command per file) and the
way every command ends: its exit code, one paragraph for a problem, quiet when the
reader of a pipe stops reading or Ctrl-C stops it."""

from __future__ import annotations

import argparse
import os
import sys

from . import book, info, journey, run, status, system
from .output import TitoError

GROUPS = (
    (
        "milestones",
        "the six milestones: list, info, run, timeline, status",
        (journey.register, info.register, run.register, status.register),
    ),
    (
        "system",
        "this machine: versions, BLAS, data files, browser; what is missing",
        (system.register,),
    ),
    ("book", "the book: build it, serve it on this machine", (book.register,)),
)


def parser() -> argparse.ArgumentParser:
    """The whole command line: ``tito GROUP COMMAND [options]``."""
    top = argparse.ArgumentParser(
        prog="tito",
        description="TinyTorch's command line: the milestones, this machine, the book. "
        "Every command has --help.",
    )
    top.set_defaults(handler=None, parser=top)
    groups = top.add_subparsers(title="command groups", metavar="GROUP")
    for name, about, registers in GROUPS:
        group = groups.add_parser(name, help=about, description=about)
        group.set_defaults(handler=None, parser=group)
        commands = group.add_subparsers(title="commands", metavar="COMMAND")
        for register in registers:
            register(commands)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run the command `argv` (default: the process's arguments); its exit code."""
    args = parser().parse_args(argv)
    if args.handler is None:  # a group without its command
        args.parser.print_help(sys.stderr)
        return 2
    try:
        return args.handler(args)
    except TitoError as err:
        print(f"tito: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("tito: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader stopped reading: nothing more to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the exit's flush cannot fail again
        return 0
