"""JourneyTalks: the file is what its generator writes and its datasheet describes,
checked on load; the test split asks only new combinations of known wordings and
known facts."""

from __future__ import annotations

import hashlib
import importlib.util
import re
from collections import Counter
from pathlib import Path

import pytest

from tinytorch.datasets import DatasetError, load_journeytalks
from tinytorch.datasets import journeytalks as module
from tinytorch.datasets.journeytalks import (
    JOURNEYTALKS_SHA256,
    LEVELS,
    parse_journeytalks,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = module.DATA_DIR / "journeytalks.txt"
DATASHEET = module.DATA_DIR / "journeytalks.md"


@pytest.fixture(scope="module")
def splits():
    return load_journeytalks()


def _generator():
    spec = importlib.util.spec_from_file_location(
        "make_journeytalks", ROOT / "scripts" / "make_journeytalks.py"
    )
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    return generator


def test_the_generator_reproduces_the_file_byte_for_byte() -> None:
    assert _generator().text().encode("utf-8") == DATA.read_bytes()
    assert hashlib.sha256(DATA.read_bytes()).hexdigest() == JOURNEYTALKS_SHA256


def test_the_datasheet_states_the_checksum_and_the_counts(splits) -> None:
    sheet = DATASHEET.read_text(encoding="utf-8")
    assert JOURNEYTALKS_SHA256 in sheet
    train, test = splits
    for level in LEVELS:
        row = (
            f"| {level} | {Counter(t.level for t in train)[level]} | "
            f"{Counter(t.level for t in test)[level]} |"
        )
        assert row in sheet, f"the datasheet's row for level {level} should read {row}"
    assert f"| all | {len(train)} | {len(test)} |" in sheet


def test_five_levels_and_enough_talks(splits) -> None:
    train, test = splits
    assert len(train) + len(test) >= 300
    assert {t.level for t in train} == {t.level for t in test} == set(LEVELS)
    assert all(t.question and t.answer and "\n" not in t.answer for t in train + test)
    two_turns = [t for t in test if len(t.turns) == 2]
    assert two_turns and all(t.prompt().count("Q: ") == 2 for t in two_turns)


def test_the_test_split_asks_only_new_combinations_of_known_parts(splits) -> None:
    train, test = splits
    seen_pairs = {(t.template, t.fact) for t in train}
    seen_prompts = {t.prompt() for t in train}
    for t in test:
        assert (t.template, t.fact) not in seen_pairs
        assert t.prompt() not in seen_prompts  # no test question was ever trained on
    trained_templates = {t.template for t in train}
    facts = Counter((t.template.split("/")[0], t.fact) for t in train)
    for t in test:
        group = t.template.split("/")[0]
        assert facts[(group, t.fact)] >= 1, f"{t.fact} never trained"
        if t.level == 1 and t.fact == group:  # thanks, goodbye, ...: one answer each,
            continue  # so their held-out wording is a paraphrase never seen
        assert t.template in trained_templates, f"{t.template} never trained"


def test_a_damaged_file_is_refused(tmp_path, monkeypatch) -> None:
    damaged = DATA.read_text(encoding="utf-8").replace("A: 1957.", "A: 1958.", 1)
    (tmp_path / "journeytalks.txt").write_text(damaged, encoding="utf-8")
    monkeypatch.setattr(module, "DATA_DIR", tmp_path)
    with pytest.raises(DatasetError, match="SHA-256 of the file: expected"):
        load_journeytalks()


@pytest.mark.parametrize(
    "record",
    [
        "# 6 train year/1 perceptron\nQ: x\nA: y",  # no such level
        "# 2 train year/1 perceptron\nQ: x",  # a question without its answer
        "# 2 dev year/1 perceptron\nQ: x\nA: y",  # no such split
        "Q: x\nA: y",  # no header line
    ],
)
def test_a_malformed_record_is_named(record: str) -> None:
    with pytest.raises(DatasetError, match="record 1 is malformed"):
        parse_journeytalks("# header\n\n" + record + "\n")


def test_answers_are_short_lines_the_model_can_write(splits) -> None:
    train, test = splits
    longest = max(len(t.answer) for t in train + test)
    assert longest <= 60 and all(
        re.fullmatch(r"[ -~]+", t.text().replace("\n", "")) for t in train + test
    )  # printable ASCII
