"""Shared by the milestone tests: the repository root on sys.path, and each script's
quick run, run once."""

from __future__ import annotations

import sys
from collections.abc import Callable
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
