"""A build is complete and consistent, or it fails: an interrupted build is repaired
by the next one, two builds into one folder wait for each other, a chapter that
warns fails the build, and a bad setting stops it before anything runs."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import threading
from pathlib import Path

import pytest
from sitebuild import (
    MNIST_ACCURACY,
    MNIST_PAGE,
    ROOT,
    build,
    build_args,
    build_env,
    pages_disagreeing_with_the_manifest,
    pages_run,
    read_site,
    run_build,
)

pytestmark = pytest.mark.slow


def test_an_interrupted_build_is_repaired_by_the_next(tmp_path: Path) -> None:
    """Killed while writing pages, a build leaves pages from an earlier run behind;
    the next build must replace every one of them, and the manifest must agree."""
    first = build(tmp_path, {"TINYTORCH_BOOK_EPOCHS": "1"})
    settings = {"TINYTORCH_BOOK_EPOCHS": "1", "TINYTORCH_BOOK_SEED": "5"}
    written = 0
    with subprocess.Popen(
        build_args(tmp_path),
        cwd=ROOT,
        env=build_env(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    ) as process:
        for line in process.stdout:
            written += "writing output..." in line
            if written == 2:  # some pages written, others not yet
                os.killpg(process.pid, signal.SIGKILL)
                break
        process.stdout.read()
    process.wait()
    assert written == 2, "the build ended before it wrote two pages"
    assert process.returncode == -signal.SIGKILL

    repaired = build(tmp_path, settings)
    assert "the last build did not finish" in repaired.log
    assert pages_disagreeing_with_the_manifest(repaired) == []
    figures = repaired.manifest["pages"][MNIST_PAGE]["figures"]
    assert figures["mnist_seed"] == 5
    assert (
        figures[MNIST_ACCURACY]
        != first.manifest["pages"][MNIST_PAGE]["figures"][MNIST_ACCURACY]
    )


def test_a_build_killed_while_running_pages_does_not_hold_up_the_next(
    tmp_path: Path,
) -> None:
    """Killed alone while its workers run pages (as a crash or an OOM kill would),
    a build leaves orphaned workers behind: they must not hold the build's lock."""
    settings = {"TINYTORCH_BOOK_EPOCHS": "1"}
    process = subprocess.Popen(
        build_args(tmp_path), cwd=ROOT, env=build_env(settings), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if "pages in" in line:  # "tinytorch_site: running N pages in M processes"
                process.kill()  # the build only: its workers live on, for now
                break
        process.wait()
        assert process.returncode == -signal.SIGKILL, "the build ended before its pages ran"
        done = subprocess.run(
            build_args(tmp_path), cwd=ROOT, env=build_env(settings), text=True,
            capture_output=True, stdin=subprocess.DEVNULL, timeout=900,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        assert pages_disagreeing_with_the_manifest(read_site(tmp_path)) == []
    finally:
        with contextlib.suppress(ProcessLookupError):  # the orphans, if any are left
            os.killpg(process.pid, signal.SIGKILL)
        if process.stdout is not None:
            process.stdout.close()


def test_two_builds_into_one_folder_wait_for_each_other(tmp_path: Path) -> None:
    settings = {"TINYTORCH_BOOK_EPOCHS": "1"}
    results: list[subprocess.CompletedProcess[str]] = []
    builds = [
        threading.Thread(target=lambda: results.append(run_build(tmp_path, settings)))
        for _ in range(2)
    ]
    for thread in builds:
        thread.start()
    for thread in builds:
        thread.join()
    assert [done.returncode for done in results] == [0, 0], results[0].stdout[-2000:]
    logs = [done.stdout + done.stderr for done in results]
    assert any("waiting for another build" in log for log in logs)
    assert pages_disagreeing_with_the_manifest(read_site(tmp_path)) == []


def mini_book(folder: Path, chapter: str) -> Path:
    """A one-chapter book with the site's configuration and extension."""
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "_config.yml", folder / "_config.yml")
    (folder / "_toc.yml").write_text(
        "format: jb-book\nroot: book/intro\n", encoding="utf-8"
    )
    shutil.copytree(
        ROOT / "book" / "_ext",
        folder / "book" / "_ext",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copytree(ROOT / "book" / "_assets", folder / "book" / "_assets")
    (folder / "node_modules").symlink_to(ROOT / "node_modules")
    header = (
        "---\njupytext:\n  text_representation:\n    extension: .md\n"
        "    format_name: myst\nkernelspec:\n  display_name: Python 3\n"
        "  language: python\n  name: python3\n---\n\n# A chapter\n\n"
    )
    (folder / "book" / "intro.md").write_text(header + chapter, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        (
            "import warnings\nwarnings.warn('the loss is about to overflow')",
            "the loss is about to overflow",
        ),
        ("import sys\nprint('half a result', file=sys.stderr)", "half a result"),
        ("raise RuntimeError('a chapter that fails')", "a chapter that fails"),
    ],
    ids=["a warning", "stderr", "an exception"],
)
def test_a_chapter_that_warns_or_fails_fails_the_build(
    tmp_path: Path, cell: str, shown: str
) -> None:
    book = mini_book(tmp_path / "book", f"```{{code-cell}} ipython3\n{cell}\n```\n")
    done = run_build(book, source=book)
    log = done.stdout + done.stderr
    assert done.returncode != 0
    assert "intro.md" in log and shown in log
    assert not (book / "_build" / "html" / "manifest.json").exists(), (
        "a failed build vouches for nothing"
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "TINYTORCH_BOOK_EPOCH",
            "1",
            "TINYTORCH_BOOK_EPOCH is not a setting of this book",
        ),
        ("TINYTORCH_BOOK_EPOCHS", "0", "TINYTORCH_BOOK_EPOCHS='0' is not valid"),
        ("TINYTORCH_BOOK_SEED", "one", "TINYTORCH_BOOK_SEED='one' is not valid"),
    ],
)
def test_a_bad_setting_stops_the_build_before_anything_runs(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    done = run_build(tmp_path, {variable: value})
    log = done.stdout + done.stderr
    assert done.returncode != 0 and message in log
    assert pages_run(log) == []
