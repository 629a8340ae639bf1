"""Stopping `tito milestones run`: Ctrl-C and SIGTERM reach the script, tito waits for it to stop, a run asked
to stop is never recorded, and the exit code says how it ended."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from titocli import TITO

from tito.run import _run


def twice(tito: int) -> None:
    """Two Ctrl-Cs at a terminal, the second while the script stops (or once all have stopped)."""
    os.killpg(tito, signal.SIGINT)
    time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(tito, signal.SIGINT)


STOPS = {
    "SIGINT to tito alone": (lambda tito: os.kill(tito, signal.SIGINT), 130, "tito: interrupted; "),
    "SIGTERM to tito alone": (lambda tito: os.kill(tito, signal.SIGTERM), 143, "tito: terminated; "),
    "Ctrl-C at a terminal": (lambda tito: os.killpg(tito, signal.SIGINT), 130, "tito: interrupted; "),
    "Ctrl-C twice": (twice, 130, "tito: interrupted; "),
}


@pytest.mark.parametrize("how", STOPS)
def test_a_run_asked_to_stop_stops_with_its_script_and_is_not_recorded(tmp_path: Path, how: str) -> None:
    send, code, message = STOPS[how]
    env = os.environ | {"NO_COLOR": "1", "TINYTORCH_CACHE": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    tito = subprocess.Popen(
        [str(TITO), "milestones", "run", "3", "1", "--epochs", "1000"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=env,
        start_new_session=True,  # a process group of its own, as a terminal gives a command
    )  # fmt: skip
    try:
        for line in tito.stdout:
            if line.startswith("epoch 1/"):  # the script trains
                break
        script = int(Path(f"/proc/{tito.pid}/task/{tito.pid}/children").read_text().split()[0])
        send(tito.pid)
        _, stderr = tito.communicate(timeout=30)
    finally:
        if tito.poll() is None:
            os.killpg(tito.pid, signal.SIGKILL)
    assert tito.returncode == code, stderr
    assert message + "01_rumelhart_tinydigits.py was stopped." in stderr
    assert "Traceback" not in stderr
    assert not Path(f"/proc/{script}").exists(), "tito left the script running"
    assert not (tmp_path / "milestone-runs").exists(), "a run asked to stop was recorded"


def test_a_script_ended_by_a_signal_ends_tito_as_a_shell_would_say(tmp_path: Path) -> None:
    """Killed by SIGINT (as an uncaught KeyboardInterrupt ends Python): 130, not the 254 of exit(-2)."""
    script = tmp_path / "script.py"
    script.write_text("import os, signal\nsignal.signal(signal.SIGINT, signal.SIG_DFL)\nos.kill(os.getpid(), signal.SIGINT)\n")
    before = [signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)]
    assert _run(script, []) == (130, None)
    assert [signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)] == before  # handlers restored
