"""Every building-block chapter has the same bones: a card naming its act, the files it
teaches and what it unlocks; the source of those files; the tests that guard them, run
in the build; and a systems insight. Fast: no build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
MODULES = ROOT / "book" / "modules"
CARD = re.compile(r"^```\{admonition\} (?P<act>Act [IVX]+, [^\n]+)\n:class: module-card\n"
                  r"(?P<body>.*?)^```", re.DOTALL | re.MULTILINE)  # fmt: skip
TAUGHT = re.compile(r"`(tinytorch/[\w/]+\.py)`")
INCLUDED = re.compile(r"^```\{literalinclude\} \.\./\.\./(\S+)", re.MULTILINE)
CHAPTERS = sorted(MODULES.glob("*.md"))


def test_there_are_chapters() -> None:
    assert len(CHAPTERS) >= 8


def toc_parts() -> dict[str, str]:
    """docname -> the caption of its part in _toc.yml."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return {c["file"]: part["caption"] for part in toc["parts"] for c in part["chapters"]}


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_a_chapter_has_the_bones_of_a_building_block(chapter: Path) -> None:
    text = chapter.read_text(encoding="utf-8")
    card = CARD.search(text)
    assert card, f"{chapter.name}: no module card (an admonition of class module-card)"
    part = toc_parts().get(f"book/modules/{chapter.stem}")
    assert part is not None, f"{chapter.name} is not in _toc.yml"
    act = card["act"].split(",")[0]
    assert part.startswith(act + ":"), f"{chapter.name}: card says {act}, toc {part}"
    taught = TAUGHT.findall(card["body"])
    assert taught, f"{chapter.name}: the card names no file it teaches"
    shown = set(INCLUDED.findall(text))
    assert set(taught) <= shown, f"{chapter.name}: card names files it does not show"
    number = chapter.stem.split("_")[0]
    assert re.search(rf"^# {number} · ", text, re.MULTILINE), "title must start with it"
    for heading in ("## Why", "## The source", "## The tests that guard it",
                    "## Systems insight"):
        assert f"\n{heading}" in text, f"{chapter.name}: no '{heading}' section"
    assert "guards.run_tests(" in text, f"{chapter.name}: runs no guarding test"


def test_chapters_are_numbered_in_reading_order() -> None:
    in_toc = [doc for doc in toc_parts() if doc.startswith("book/modules/")]
    assert in_toc == sorted(in_toc) == [f"book/modules/{c.stem}" for c in CHAPTERS]
    numbers = [int(c.stem.split("_")[0]) for c in CHAPTERS]
    assert numbers == list(range(1, 21))  # the course's twenty modules, each a chapter
