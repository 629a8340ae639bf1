"""The catalogue of the six milestones (milestones/catalog.py) agrees with the folders
and their READMEs, and each finished command-line run leaves a record
(milestones/records.py) that says what the run was and what it measured."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from milestones import load
from milestones.catalog import MILESTONES, milestone, script_id
from milestones.records import read_records, record_run, records_dir

ROOT = Path(__file__).resolve().parents[2]
MNIST = "03_1986_mlp/02_rumelhart_mnist"


def test_every_milestone_folder_is_in_the_catalogue():
    folders = sorted(p.name for p in (ROOT / "milestones").glob("[0-9][0-9]_*") if p.is_dir())
    assert set(folders) <= {stone.folder for stone in MILESTONES}
    assert [stone.number for stone in MILESTONES] == [1, 2, 3, 4, 5, 6]
    for stone in MILESTONES:
        assert stone.folder.startswith(f"{stone.label}_{stone.year}_")


@pytest.mark.parametrize("stone", [s for s in MILESTONES if s.scripts()], ids=lambda s: s.folder)
def test_each_readme_is_titled_as_the_catalogue_says_and_tells_the_history(stone):
    readme = (stone.path / "README.md").read_text(encoding="utf-8")
    assert readme.splitlines()[0] == f"# Milestone {stone.label}: {stone.title} ({stone.year})"
    assert stone.readme_section("History")
    assert stone.readme_section("No such section") is None


def test_a_script_is_named_by_its_number_or_its_name():
    stone = milestone(2)
    solved = stone.path / "02_xor_solved.py"
    for name in ("2", "02", "02_xor_solved", "xor_solved", "02_xor_solved.py", "xor_solved.py"):
        assert stone.script(name) == solved
    with pytest.raises(LookupError, match=r"milestone 02 has no script '3'; its scripts: 01_xor_crisis.py, 02_xor_solved.py"):
        stone.script("3")
    with pytest.raises(LookupError, match="the milestones are numbered 1 to 6"):
        milestone(7)


def test_a_finished_run_is_recorded_with_its_settings_metrics_and_goals(quick_run):
    script, result = load(MNIST), quick_run(MNIST)
    file = ROOT / "milestones" / f"{MNIST}.py"
    path = record_run(file, result, {"seed": 0, "quiet": True, "quick": True}, script.SETTINGS, script.EXPECTED, script.GOALS)
    assert path == records_dir() / "03_1986_mlp.02_rumelhart_mnist.json"
    saved = json.loads(path.read_text())
    s = script.SETTINGS
    assert saved["settings"] == {"seed": 0, "quick": True, "epochs": s.quick_epochs, "batch_size": s.batch_size, "lr": s.lr}
    assert saved["metrics"]["test_accuracy"] == result["test_accuracy"]
    assert saved["metrics"]["params"] == result["params"] and saved["metrics"]["seconds"] == result["seconds"]
    quick_goals = [goal for goal in script.GOALS if goal.quick]
    assert saved["goals"] == {str(goal): goal.met(result) for goal in quick_goals}
    records, problems = read_records()
    assert problems == [] and [r.script for r in records] == [MNIST] == [script_id(file)]
    assert record_run(ROOT / "tests" / "elsewhere.py", result, {}, None, {}, ()) is None


def test_a_cache_folder_that_cannot_be_written_costs_only_the_record(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    done = subprocess.run(
        [sys.executable, str(ROOT / "milestones" / "02_1969_xor" / "02_xor_solved.py"), "--quick", "--quiet"],
        capture_output=True, text=True, env=os.environ | {"TINYTORCH_CACHE": str(blocker)},
    )  # fmt: skip
    assert done.returncode == 0
    assert "1969 XOR solved: a hidden layer" in done.stdout
    assert done.stderr.startswith("02_xor_solved.py: this run was not recorded for `tito milestones status` (cannot write ")
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
