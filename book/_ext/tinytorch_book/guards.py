"""Run the tests that guard a building block, from its chapter, while the site builds:
the page shows the test's source and the result of running it in that very build.
A failing test raises, which fails the page, which fails the build."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]  # the repository


def run_tests(*test_ids: str, keyword: str | None = None) -> str:
    """Run `tests/<id>` for each id with pytest in a fresh process (only the tests
    matching `keyword`, pytest's -k, if given), print pytest's summary line ("12
    passed in 0.41s") and return it; raise if any test fails or is skipped."""
    if not test_ids:
        raise ValueError("run_tests: name at least one test, e.g. 'test_nn.py::test_x'")
    paths = [str(ROOT / "tests" / test_id) for test_id in test_ids]
    command = [
        sys.executable, "-m", "pytest", "-q", "--no-header", "-p", "no:cacheprovider",
        "--rootdir", str(ROOT), "-c", str(ROOT / "pyproject.toml"), *paths,
    ] + (["-k", keyword] if keyword else [])  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:  # for hypothesis's database
        done = subprocess.run(
            command, cwd=scratch, capture_output=True, text=True,
            env=os.environ | {"PYTHONDONTWRITEBYTECODE": "1"},
        )  # fmt: skip
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        raise AssertionError(f"the guarding tests failed:\n{output[-4000:]}")
    summary = output.splitlines()[-1].strip("= ")
    if "skipped" in summary:  # the page would claim a guard that did not run
        raise AssertionError(f"a guarding test was skipped:\n{output[-4000:]}")
    print(summary)
    return summary
