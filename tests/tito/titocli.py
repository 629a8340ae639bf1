"""Running ``tito`` as a user does, for the tito tests: the installed console script,
as a subprocess, without a terminal, with NO_COLOR and a cache folder of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TITO = Path(sys.executable).parent / "tito"  # installed by `make setup` (pip install -e .)


def tito(
    *args: str,
    cache: Path,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    columns: int = 200,
) -> subprocess.CompletedProcess[str]:
    """Run ``tito ARGS`` with stdout and stderr piped, NO_COLOR=1, TINYTORCH_CACHE=cache
    and a wide COLUMNS (so that a long line is not wrapped), from `cwd` (default: the
    home folder, not the repository)."""
    environment = os.environ | {
        "NO_COLOR": "1",
        "TINYTORCH_CACHE": str(cache),
        "COLUMNS": str(columns),
    }
    return subprocess.run(
        [str(TITO), *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=environment | (env or {}),
        cwd=cwd or Path.home(),
        timeout=600,
    )


def assert_clean(done: subprocess.CompletedProcess[str]) -> None:
    """No traceback anywhere, no terminal escape code in the output."""
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    assert "\x1b[" not in done.stdout + done.stderr
