"""`tito milestones ...` as a user runs it (a subprocess, no terminal, NO_COLOR): the
catalogue, a milestone's facts from its own files, runs with the scripts' options
and exit codes, and the records `status` reads, damaged ones included."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import asdict

import pytest
from titocli import ROOT, assert_clean, tito

from milestones import load
from milestones.catalog import MILESTONES, describe, milestone
from milestones.records import RunRecord, read_records, record_run, records_dir
from milestones.training import Settings

XOR_SOLVED = "02_1969_xor/02_xor_solved"


def words(text: str) -> str:
    """The text with its line breaks and padding gone, as a reader reads it."""
    return " ".join(text.split())


def on_disk(folder: str) -> list[str]:
    """The scripts of a milestone folder, listed without the catalogue."""
    path = ROOT / "milestones" / folder
    return sorted(p.name for p in path.glob("[0-9]*.py")) if path.is_dir() else []


def test_list_shows_the_six_and_what_this_checkout_has(tmp_path):
    done = tito("milestones", "list", cache=tmp_path)
    assert done.returncode == 0 and done.stderr == ""
    assert_clean(done)
    rows = done.stdout.splitlines()
    for stone in MILESTONES:
        row = next(r for r in rows if f"│ {stone.label} │ {stone.year} │" in r)
        assert stone.title in row
        scripts = on_disk(stone.folder)
        here = f"{len(scripts)} scripts here" if scripts else "not in this checkout"
        assert here in row
    assert words(MILESTONES[0].summary) in words(done.stdout)


def test_timeline_shows_the_years_in_order_and_the_gaps(tmp_path):
    done = tito("milestones", "timeline", cache=tmp_path)
    assert done.returncode == 0
    assert_clean(done)
    positions = [done.stdout.index(f"{stone.year} ") for stone in MILESTONES]
    assert positions == sorted(positions)
    for before, after in zip(MILESTONES[:-1], MILESTONES[1:], strict=True):
        gap = after.year - before.year
        assert f"{gap} year{'s' * (gap != 1)} later" in done.stdout


def test_info_shows_the_history_and_each_scripts_own_facts(tmp_path):
    stone = milestone(3)
    done = tito("milestones", "info", "3", cache=tmp_path)
    assert done.returncode == 0 and done.stderr == ""
    assert_clean(done)
    shown = words(done.stdout)
    history = re.sub(r"[*_`]", "", stone.readme_section("History"))  # shown, not marked
    assert " ".join(history.split()[:8]) in shown
    architecture = stone.readme_section("Architecture").splitlines()
    assert architecture[0] == "```text"  # a diagram: shown as it is
    assert words(architecture[1]) in shown
    for script in on_disk(stone.folder):
        facts = describe(stone.path / script)
        for fact in (facts.file, facts.name, facts.settings, facts.expected, facts.goals):
            assert words(fact) in shown


def test_a_milestone_not_in_this_checkout_says_so(tmp_path):
    missing = [stone for stone in MILESTONES if not on_disk(stone.folder)]
    if not missing:
        pytest.skip("every milestone is in this checkout")
    stone = missing[-1]
    info = tito("milestones", "info", str(stone.number), cache=tmp_path)
    assert info.returncode == 0
    assert f"milestones/{stone.folder} has no scripts" in words(info.stdout)
    run = tito("milestones", "run", str(stone.number), cache=tmp_path)
    assert run.returncode == 1
    assert run.stderr.startswith(f"tito: milestone {stone.label} ({stone.year}, ")
    assert "has no scripts in this checkout" in run.stderr
    assert run.stdout == "" and run.stderr.count("\n") == 1  # one paragraph
    assert_clean(run)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["milestones", "info", "9"], "no milestone 9: the milestones are numbered 1 to 6"),
        (["milestones", "run", "1", "nosuch"], "milestone 01 has no script 'nosuch'; its scripts: 01_rosenblatt_forward.py, 02_rosenblatt_trained.py"),
        (["milestones", "bogus"], "invalid choice: 'bogus'"),
    ],
)
def test_bad_arguments_are_argparse_errors(tmp_path, argv, message):
    done = tito(*argv, cache=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("usage: tito ")
    assert message in done.stderr
    assert_clean(done)


def test_a_quick_run_works_end_to_end_and_status_lists_it(tmp_path):
    before = tito("milestones", "status", cache=tmp_path)
    assert before.returncode == 0
    assert "No milestone script has finished a run on this machine yet" in before.stdout

    done = tito("milestones", "run", "2", "--quick", "xor_solved", cache=tmp_path)
    assert done.returncode == 0, done.stderr
    assert_clean(done)
    script = load(XOR_SOLVED)
    assert "$ python " in done.stdout and "02_xor_solved.py --quick" in done.stdout
    epochs = script.SETTINGS.quick_epochs
    assert f"epoch {epochs}/{epochs}" in done.stdout  # the script's own display
    assert script.NAME in done.stdout  # and its results table
    measured = re.search(r"test accuracy\s+│ (\d+\.\d\d%)", done.stdout).group(1)

    status = tito("milestones", "status", cache=tmp_path)
    assert status.returncode == 0 and status.stderr == ""
    assert_clean(status)
    block = status.stdout.split(XOR_SOLVED, 1)[1]
    assert f"epochs {epochs}" in block and "(a quick run)" in block
    assert f"test accuracy {measured}" in block
    assert "Not run here yet: 01_1957_perceptron/01_rosenblatt_forward" in status.stdout
    saved = json.loads((tmp_path / "milestone-runs" / f"{XOR_SOLVED.replace('/', '.')}.json").read_text())
    assert saved["script"] == XOR_SOLVED and saved["settings"]["quick"] is True


def test_a_failed_run_passes_on_the_scripts_exit_code(tmp_path):
    diverged = tito("milestones", "run", "3", "1", "--lr", "1e30", "--quiet", cache=tmp_path)
    assert diverged.returncode == 1
    assert "01_rumelhart_tinydigits.py: training diverged" in diverged.stderr
    refused = tito("milestones", "run", "2", "2", "--epochs", "0", cache=tmp_path)
    assert refused.returncode == 2
    assert "--epochs: must be positive, got 0" in refused.stderr
    for done in (diverged, refused):
        assert_clean(done)
    assert not (tmp_path / "milestone-runs").exists()  # nothing finished, nothing kept


def a_record(script: str, accuracy: float) -> str:
    return json.dumps(asdict(RunRecord(
        script=script, finished="2024-05-01T10:00:00+02:00",
        settings={"seed": 0, "quick": False, "epochs": 5},
        metrics={"test_accuracy": accuracy}, goals={"test accuracy ≥ 97.5%": True},
    )))  # fmt: skip


def test_status_survives_damaged_records(tmp_path):
    folder = tmp_path / "milestone-runs"
    folder.mkdir()
    (folder / "03_1986_mlp.02_rumelhart_mnist.json").write_text(a_record("03_1986_mlp/02_rumelhart_mnist", 0.981))
    damaged = {
        "cut.json": a_record("02_1969_xor/01_xor_crisis", 0.5)[:40],  # half a file
        "list.json": "[1, 2]",
        "types.json": a_record("x/y", 0.5).replace("0.5", '"high"'),
        "binary.json": "\udcff\udcfe",
    }
    for name, text in damaged.items():
        (folder / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    done = tito("milestones", "status", cache=tmp_path)
    assert done.returncode == 0
    assert_clean(done)
    assert "03_1986_mlp/02_rumelhart_mnist · finished 2024-05-01 10:00" in done.stdout
    assert "test accuracy 98.10%" in done.stdout and "1 of 1 met" in done.stdout
    problems = done.stderr.splitlines()
    assert len(problems) == len(damaged)
    for name in damaged:
        assert any(p.startswith(f"tito: {folder / name} is damaged (") for p in problems)


def test_status_shows_a_records_words_as_written_and_calls_a_doubtful_record_damaged(tmp_path):
    folder = tmp_path / "milestone-runs"
    folder.mkdir()
    marked = json.loads(a_record("02_1969_xor/02_xor_solved", 1.0))
    marked["settings"]["note"] = "[/bold] and [red]"
    marked["goals"] = {"[bold]all[/bold] ≥ 100%": False}
    (folder / "02_1969_xor.02_xor_solved.json").write_text(json.dumps(marked))
    damaged = {
        "02_1969_xor.01_xor_crisis.json": (a_record("02_1969_xor/01_xor_crisis", 0.5).replace("0.5", "Infinity"), "a metric is not a finite number"),
        "03_1986_mlp.02_rumelhart_mnist.json": (a_record("03_1986_mlp/02_rumelhart_mnist", 0.9).replace("+02:00", ""), "'finished' has no UTC offset"),
        "04_1998_cnn.03_lecun_mnist.json": (a_record("03_1986_mlp/01_rumelhart_tinydigits", 0.9), "it records 03_1986_mlp/01_rumelhart_tinydigits, not its file's script"),
    }
    for name, (text, _) in damaged.items():
        (folder / name).write_text(text)
    done = tito("milestones", "status", cache=tmp_path)
    assert done.returncode == 0
    assert_clean(done)
    assert "note [/bold] and [red]" in done.stdout
    assert "NOT MET: [bold]all[/bold] ≥ 100%" in done.stdout
    assert sorted(done.stderr.splitlines()) == sorted(
        f"tito: {folder / name} is damaged ({reason}): ignored; the script's next run replaces it, or delete it."
        for name, (_, reason) in damaged.items()
    )


def test_records_written_at_once_are_never_seen_half_written(tmp_path, monkeypatch):
    monkeypatch.setenv("TINYTORCH_CACHE", str(tmp_path))
    script = ROOT / "milestones" / f"{XOR_SOLVED}.py"
    result = {"seed": 0, "quick": True, "epochs": 3, "batch_size": 16, "test_accuracy": 1.0}
    settings = Settings(epochs=3, batch_size=16, lr=0.5, quick_epochs=1)
    problems: list[str] = []
    done = threading.Event()

    def write() -> None:
        for _ in range(50):
            record_run(script, result, {}, settings, {}, ())

    def read() -> None:
        while not done.is_set():
            problems.extend(read_records()[1])

    reader = threading.Thread(target=read)
    reader.start()
    writers = [threading.Thread(target=write) for _ in range(4)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    reader.join()
    records, late = read_records()
    assert problems == [] and late == []
    assert [r.script for r in records] == [XOR_SOLVED]
    assert [p.name for p in records_dir().iterdir()] == [f"{XOR_SOLVED.replace('/', '.')}.json"]
