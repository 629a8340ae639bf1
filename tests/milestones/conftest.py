"""Shared by the milestone tests: the repository root on sys.path, each script's
quick run, run once, and a cache folder of their own for the scripts' run records."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # `milestones` is a folder of the repository

from milestones import load  # noqa: E402

_quick_results: dict[str, dict[str, Any]] = {}


@pytest.fixture(scope="session")
def quick_run() -> Callable[[str], dict[str, Any]]:
    """`quick_run(name)`: the script's run(quick=True) at seed 0, once per session."""

    def get(name: str) -> dict[str, Any]:
        if name not in _quick_results:
            script = load(name)
            trains = hasattr(script, "SETTINGS")
            _quick_results[name] = script.run(quick=True) if trains else script.run()
        return _quick_results[name]

    return get


@pytest.fixture(scope="module", autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The scripts run here record their runs (milestones/records.py) in a temporary
    cache folder, not the user's: a test's run is not one of theirs."""
    before = os.environ.get("TINYTORCH_CACHE")
    os.environ["TINYTORCH_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        del os.environ["TINYTORCH_CACHE"]
    else:
        os.environ["TINYTORCH_CACHE"] = before
