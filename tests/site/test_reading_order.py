"""The book reads in the order the course goes: each act's building blocks, then
the milestones that act unlocks; every page's links to the page before and after
follow that order, an act ends on the milestone it unlocks, and a milestone on
what comes next."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
ORDER = [c["file"] for part in TOC["parts"] for c in part["chapters"]]
BOOK = ("book/modules/", "book/milestones/")
# what each act unlocks (the Journey's acts table)
UNLOCKS = {
    "Act I": ["01_perceptron"],
    "Act II": ["02_xor", "03_mlp"],
    "Act III": ["04_cnn"],
    "Act IV": ["05_transformer"],
    "Act V": ["06_olympics"],
}
CARD = re.compile(
    r"```\{admonition\} Act [^\n]*\n:class: module-card\n(.*?)\n```", re.S
)


def text(doc: str) -> str:
    return (ROOT / f"{doc}.md").read_text(encoding="utf-8")


def target(doc: str, link: str) -> str:
    """The toc name of a page that `doc` links to as `link` (relative, .md)."""
    return (
        (Path(doc).parent / link)
        .as_posix()
        .removesuffix(".md")
        .replace("book/modules/../", "book/")
        .replace("book/milestones/../", "book/")
    )


def test_each_act_is_its_chapters_then_the_milestones_it_unlocks() -> None:
    parts = {p["caption"].split(":")[0]: [c["file"] for c in p["chapters"]]
             for p in TOC["parts"]}  # fmt: skip
    for act, milestones in UNLOCKS.items():
        pages = parts[act]
        chapters = [p for p in pages if p.startswith("book/modules/")]
        assert pages == chapters + [f"book/milestones/{m}" for m in milestones], act


@pytest.mark.parametrize(
    "doc", [d for d in ORDER if d.startswith("book/modules/")], ids=lambda d: d[13:]
)
def test_a_chapters_card_links_the_pages_before_and_after_it(doc: str) -> None:
    card = " ".join(CARD.search(text(doc)).group(1).split())
    links = dict(re.findall(r"\*\*(Previous|Next)\*\* \[[^\]]*\]\(([^)]*)\)", card))
    i = ORDER.index(doc)
    before, after = ORDER[i - 1], ORDER[i + 1]
    want = {"Next": after} | ({"Previous": before} if before.startswith(BOOK) else {})
    assert {k: target(doc, v) for k, v in links.items()} == want


@pytest.mark.parametrize("act", UNLOCKS)
def test_an_act_ends_on_the_milestone_it_unlocks(act: str) -> None:
    first = f"book/milestones/{UNLOCKS[act][0]}"
    last_chapter = ORDER[ORDER.index(first) - 1]
    ending = text(last_chapter).split("\n## ")[-1]
    assert ending.startswith("You can now run Milestone"), last_chapter
    linked = {
        target(last_chapter, link) for link in re.findall(r"\]\(([^)]*)\)", ending)
    }
    assert {f"book/milestones/{m}" for m in UNLOCKS[act]} <= linked


@pytest.mark.parametrize(
    "doc", [d for d in ORDER if d.startswith("book/milestones/")], ids=lambda d: d[16:]
)
def test_a_milestone_ends_on_what_comes_next(doc: str) -> None:
    after = ORDER[ORDER.index(doc) + 1]
    section = text(doc).split("\n## What's next\n")[1].split("\n## ")[0]
    linked = {target(doc, link) for link in re.findall(r"\]\(([^)]*)\)", section)}
    assert after in linked, f"{doc}: 'What's next' does not link {after}"
