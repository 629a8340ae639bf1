"""How tito speaks: rich on a terminal, plain text when piped or with NO_COLOR, and
one clear paragraph for a problem."""

from __future__ import annotations

from rich.console import Console


class TitoError(Exception):
    """A problem tito explains in one paragraph and ends with exit code 1 (a script's
    own exit code, for a run that failed, is passed on instead)."""


def console(stderr: bool = False) -> Console:
    """A rich console: colours and live displays on a terminal; no escape codes at
    all when piped; no colours with NO_COLOR (rich honours it)."""
    return Console(stderr=stderr, highlight=False)


def shown(key: str, value: object) -> str:
    """A measured value as the results tables show it: accuracies in percent,
    seconds with their unit, counts with thousands separators."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if "accuracy" in key:  # as the goals show them
        return f"{value:.2%}"
    if key == "seconds":
        return f"{value:.2f} s"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.4f}"
