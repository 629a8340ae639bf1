"""Settings: every TINYTORCH_BOOK_* variable is checked before anything runs, with a
message naming the variable and what it accepts; a misspelt one is an error."""

from __future__ import annotations

import sys

import pytest
from sitebuild import ROOT

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import tinytorch_book  # noqa: E402
import tinytorch_book.publishing  # noqa: E402


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> dict:
    values: dict = {}
    monkeypatch.setattr(tinytorch_book.publishing, "publish", values.__setitem__)
    for variable in tinytorch_book.overrides():
        monkeypatch.delenv(variable)
    return values


def test_run_settings_take_overrides_and_publish_them(
    published: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TINYTORCH_BOOK_EPOCHS", "2")
    settings = tinytorch_book.run_settings("mnist", epochs=5, seed=0)
    assert settings == {"epochs": 2, "seed": 0}
    assert published == {"mnist_epochs": 2, "mnist_seed": 0}


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "TINYTORCH_BOOK_EPOCHS",
            "five",
            r"TINYTORCH_BOOK_EPOCHS='five' is not valid: .* must be an integer >= 1",
        ),
        (
            "TINYTORCH_BOOK_EPOCHS",
            "0",
            r"TINYTORCH_BOOK_EPOCHS='0' is not valid: .* an integer >= 1",
        ),
        ("TINYTORCH_BOOK_EPOCHS", "1.5", r"TINYTORCH_BOOK_EPOCHS='1.5' is not valid"),
        (
            "TINYTORCH_BOOK_SEED",
            "x",
            r"TINYTORCH_BOOK_SEED='x' is not valid: the seed of every run must be an integer",
        ),
        (
            "TINYTORCH_BOOK_EPOCH",
            "1",
            r"TINYTORCH_BOOK_EPOCH is not a setting of this book; the settings are TINYTORCH_BOOK_EPOCHS, TINYTORCH_BOOK_SEED",
        ),
    ],
)
def test_a_bad_setting_names_the_variable_and_what_it_accepts(
    published: dict,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
    message: str,
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=message):
        tinytorch_book.check_overrides()
    with pytest.raises(ValueError, match=message):
        tinytorch_book.run_settings("mnist", epochs=5, seed=0)
    assert published == {}


def test_a_chapter_asking_for_an_unknown_setting_is_told(published: dict) -> None:
    with pytest.raises(ValueError, match=r"\['lr'\] are not book settings"):
        tinytorch_book.run_settings("mnist", epochs=5, lr=0.1)
