"""The CI workflow: actions pinned by commit, one run per ref (an older push never
deploys last), pushes to main only (pull requests are built once)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

WORKFLOWS = sorted((Path(__file__).resolve().parents[1] / ".github" / "workflows").glob("*.yml"))


def test_every_action_is_pinned_by_a_commit() -> None:
    assert WORKFLOWS
    for workflow in WORKFLOWS:
        uses = re.findall(r"uses:\s*(\S+)", workflow.read_text(encoding="utf-8"))
        assert uses
        unpinned = [u for u in uses if not re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", u)]
        assert unpinned == [], f"{workflow.name}: pin these by commit: {unpinned}"


def test_one_run_per_ref_and_pushes_to_main_only() -> None:
    for workflow in WORKFLOWS:
        spec = yaml.safe_load(workflow.read_text(encoding="utf-8"))
        triggers = spec[True]  # YAML reads the key `on` as True
        assert triggers["push"] == {"branches": ["main"]}
        assert "pull_request" in triggers
        assert spec["concurrency"]["cancel-in-progress"] is True
        assert "github.ref" in spec["concurrency"]["group"]
