"""``tito system info`` (versions, numpy's BLAS and its threads, and every check of
tito/environment.py) and ``tito system doctor`` (what is missing, and the command
that fixes each; exit code 1 if anything is)."""

from __future__ import annotations

import argparse
import os
import platform
import sys

from rich.table import Table

from .environment import VERSIONS, Check, all_checks, blas_libraries, version
from .output import console


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``info`` and ``doctor`` to the system group."""
    for name, handler, about in (
        (
            "info",
            show_info,
            "versions, BLAS library and threads, data files and "
            "their checksums, browser for the tests, node and npm",
        ),
        (
            "doctor",
            doctor,
            "what is missing, and the command that fixes each "
            "(exit code 1 if anything is)",
        ),
    ):
        command = commands.add_parser(name, help=about, description=about)
        command.set_defaults(handler=handler, parser=command)


def show_info(args: argparse.Namespace) -> int:
    """Print the versions, the BLAS libraries and every check."""
    import tinytorch
    from tinytorch.threads import ENVIRONMENT

    out = console()
    versions = Table(title="Versions")
    for column in ("package", "version"):
        versions.add_column(column)
    versions.add_row("python", f"{platform.python_version()} ({sys.executable})")
    for name in VERSIONS:
        versions.add_row(name, version(name) or "not installed")
    out.print(versions)

    threads = tinytorch.get_num_threads()
    blas = Table(
        title="numpy's BLAS",
        caption=f"tinytorch lets it use {threads} thread{'s' * (threads != 1)}: "
        f"{_thread_choice(ENVIRONMENT)}",
    )
    for column in ("library", "version", "threads"):
        blas.add_column(column)
    blas.add_column("file", overflow="fold")
    for lib in blas_libraries():
        blas.add_row(
            f"{lib['internal_api']} ({lib.get('threading_layer', '?')})",
            str(lib.get("version")),
            str(lib["num_threads"]),
            lib["filepath"],
        )
    out.print(blas)
    out.print(_checks_table(all_checks()))
    return 0


def doctor(args: argparse.Namespace) -> int:
    """Print each missing piece and its fix; exit code 1 if there is one."""
    checks = all_checks()
    missing = [check for check in checks if not check.ok]
    out = console()
    if not missing:
        out.print(
            f"Nothing is missing: {len(checks)} checks passed "
            "(tito system info shows them)."
        )
        return 0
    out.print(f"Missing: {len(missing)} of {len(checks)} checks\n", style="bold")
    for check in missing:
        out.print(f"{check.name}: {check.detail}")
        out.print(f"  fix: {check.fix}\n", soft_wrap=True)  # a command stays whole
    return 1


def _thread_choice(variables: tuple[str, ...]) -> str:
    chosen = [
        f"{name}={os.environ[name]}" for name in variables if os.environ.get(name)
    ]
    if chosen:
        return f"chosen by {', '.join(chosen)}"
    return f"its default (one), as none of {', '.join(variables)} is set"


def _checks_table(checks: list[Check]) -> Table:
    table = Table(
        title="What TinyTorch needs here",
        caption="tito system doctor: what is missing and how to fix it",
    )
    for column in ("", "", "found"):
        table.add_column(column)
    for check in checks:
        table.add_row(check.name, "ok" if check.ok else "MISSING", check.detail)
    return table
