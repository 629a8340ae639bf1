"""The pieces the site is built from: the results fingerprint, the chapters' helper, ``milestones.load``."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from sitebuild import ROOT

import milestones

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import tinytorch_book  # noqa: E402
import tinytorch_book.publishing  # noqa: E402
import tinytorch_site.results  # noqa: E402


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_fingerprint_changes_with_library_milestones_helpers_and_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TINYTORCH_BOOK_SEED", raising=False)
    write(tmp_path / "tinytorch" / "tensor.py", "A = 1\n")
    write(tmp_path / "milestones" / "03_1986_mlp" / "02_mnist.py", "B = 1\n")
    write(tmp_path / "book" / "_ext" / "tinytorch_book" / "publishing.py", "C = 1\n")
    base = tinytorch_site.results.fingerprint(tmp_path)

    write(
        tmp_path / "book" / "intro.md", "# A page\n"
    )  # pages: the execution cache itself keys on their code
    write(tmp_path / "tinytorch" / "__pycache__" / "tensor.cpython-311.pyc", "bytecode")
    assert tinytorch_site.results.fingerprint(tmp_path) == base

    for file in (
        "tinytorch/tensor.py",
        "milestones/03_1986_mlp/02_mnist.py",
        "book/_ext/tinytorch_book/publishing.py",
    ):
        original = (tmp_path / file).read_text()
        write(tmp_path / file, original + "# edited\n")
        assert tinytorch_site.results.fingerprint(tmp_path) != base, (
            f"editing {file} must invalidate the results"
        )
        write(tmp_path / file, original)
    assert tinytorch_site.results.fingerprint(tmp_path) == base

    monkeypatch.setenv("TINYTORCH_BOOK_SEED", "3")
    assert tinytorch_site.results.fingerprint(tmp_path) != base


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (float("nan"), ValueError, "diverged"),
        ([1.0, float("inf")], ValueError, "diverged"),
        (object(), TypeError, "not plain data"),
    ],
)
def test_publish_refuses_what_the_page_could_not_show_faithfully(
    value: object, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        tinytorch_book.publish("loss", value)


def test_publish_turns_numpy_values_into_plain_data() -> None:
    np = pytest.importorskip("numpy")
    assert tinytorch_book.publishing._plain(np.float32(0.5), "x") == 0.5
    assert tinytorch_book.publishing._plain({"acc": np.array([0.25, 0.5])}, "x") == {
        "acc": [0.25, 0.5]
    }


def test_load_imports_a_milestone_script_once_by_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        tmp_path / "09_2099_future" / "01_demo.py",
        "import itertools\nCOUNTER = itertools.count()\n",
    )
    monkeypatch.setattr(milestones, "ROOT", tmp_path)
    module = milestones.load("09_2099_future/01_demo")
    try:
        assert module.__name__ == "milestones.09_2099_future.01_demo"
        assert milestones.load("09_2099_future/01_demo.py") is module
        assert (
            next(module.COUNTER) == 0
            and next(milestones.load("09_2099_future/01_demo").COUNTER) == 1
        )
    finally:
        sys.modules.pop(module.__name__, None)


def test_load_explains_what_is_wrong(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "01_1957_perceptron" / "01_rosenblatt_forward.py", "")
    write(
        tmp_path / "02_1969_xor" / "01_broken.py",
        "raise RuntimeError('half-written')\n",
    )
    monkeypatch.setattr(milestones, "ROOT", tmp_path)
    with pytest.raises(
        FileNotFoundError, match="01_1957_perceptron/01_rosenblatt_forward"
    ):
        milestones.load("01_1957_perceptron/99_missing")
    with pytest.raises(ValueError, match="must be '<folder>/<script>'"):
        milestones.load("01_rosenblatt_forward")
    with pytest.raises(RuntimeError, match="half-written"):
        milestones.load("02_1969_xor/01_broken")
    assert "milestones.02_1969_xor.01_broken" not in sys.modules


def test_a_chapter_runs_its_guarding_tests_and_shows_pytests_summary(capsys) -> None:
    from tinytorch_book import guards

    summary = guards.run_tests("test_autograd.py::test_same_tensor_used_twice_in_one_op")
    assert summary.startswith("1 passed in ") and summary in capsys.readouterr().out


def test_a_missing_or_skipped_guard_fails_the_page() -> None:
    from tinytorch_book import guards

    with pytest.raises(AssertionError, match="the guarding tests failed"):
        guards.run_tests("test_autograd.py::test_that_does_not_exist")
    if importlib.util.find_spec("torch") is None:  # this test then skips itself
        with pytest.raises(AssertionError, match="a guarding test was skipped"):
            guards.run_tests("test_lr_scheduler.py", keyword="pytorch")
