"""Checks shared by the milestone tests."""

from __future__ import annotations

from types import ModuleType
from typing import Any


def assert_goals(script: ModuleType, result: dict[str, Any]) -> None:
    """Every goal of the script that applies to this run (quick or full, its model)
    is met, except those on wall-clock time (a training-time budget, a measured
    speed-up): tests never assert them; the chapters and tables report them."""
    goals = [g for g in script.GOALS if g.applies(result)]
    assert goals, f"{script.NAME} has no goal for this kind of run"
    goals = [g for g in goals if not g.timed]
    missed = [f"{g}: measured {result[g.metric]}" for g in goals if not g.met(result)]
    assert missed == [], f"{script.NAME} missed its goals"
