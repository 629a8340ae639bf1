"""A sentence that states a measured or configured fact takes it from the run.

A width, a batch size, a ratio, a time or a share typed into a page's prose drifts
from the code the day either changes (chapter 17 once gave Milestone 05's GPT width
128 while it trained width 64). So the prose of every page may state such a number
only through `{glue:text}` (or inline code); the few that are facts of the literature
are listed here with their source.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "book").rglob("*.md"))

# the kinds of number that state a measured or configured fact
FACTS = re.compile(
    "|".join(
        (
            r"\bbatch(?:es)? of \d[\d,]*",
            r"\bwidth (?:of )?\d+",
            r"\b\d+ (?:attention )?heads\b",
            r"\bvectors of \d+",
            r"\b\d+ (?:hidden )?units\b",
            r"\b\d+ epochs?\b",
            r"\blearning rate (?:of )?\d",
            r"\b\d[\d,]* (?:parameters|weights)\b",
            r"\b\d+(?:\.\d+)?\s?[×x](?=[\s,.;:)])",
            r"\b\d+(?:\.\d+)? times (?:faster|slower|as fast|as many|its|more|fewer|less"
            r"|smaller|larger|bigger)",
            r"\b\d+(?:\.\d+)?\s?%",
            r"\b\d+(?:\.\d+)? (?:ms|µs|s|seconds|minutes|GFLOP/s|MB|kB|KB|KiB|MiB)\b",
        )
    ),
    re.IGNORECASE,
)

# (page, the number as written): facts of the literature or of other software
LITERATURE = {
    # glibc's default M_MMAP_THRESHOLD is 128 * 1024 bytes (mallopt(3))
    ("book/milestones/05_transformer.md", "128 KB"),
    ("book/modules/18_acceleration.md", "128 KB"),
    # Han, Mao and Dally, "Deep Compression" (ICLR 2016), abstract: 35x and 49x
    ("book/milestones/06_olympics.md", "49 times fewer"),
}


def prose(text: str) -> Iterator[tuple[int, str]]:
    """The page's prose lines, numbered: outside code fences (a colon fence's body is
    prose), without inline code, roles and math."""
    fences: list[str] = []
    lines = text.splitlines()
    start = 0
    if lines and lines[0] == "---":  # the page's front matter
        start = lines.index("---", 1) + 1
    for number, line in enumerate(lines[start:], start + 1):
        stripped = line.strip()
        fence = re.match(r"(`{3,}|:{3,})", stripped)
        if fence:
            mark = fence.group(1)
            if fences and mark[0] == fences[-1][0] and stripped == mark[0] * len(mark):
                if len(mark) >= len(fences[-1]):
                    fences.pop()
                    continue
            if not (fences and fences[-1][0] == "`"):
                fences.append(mark)
            continue
        if any(f[0] == "`" for f in fences) or stripped.startswith(":"):
            continue  # code, or a directive's option
        line = re.sub(r"\{[\w:-]+\}`[^`]*`", "", line)  # roles: glue, doc, ref
        line = re.sub(r"`[^`]*`", "", line)
        yield number, re.sub(r"\$[^$]*\$", "", line)


def facts_in(page: Path) -> list[tuple[int, str, str]]:
    """(line number, the fact as typed, the line) of every typed fact on the page."""
    return [
        (number, match.group(0), line)
        for number, line in prose(page.read_text(encoding="utf-8"))
        for match in FACTS.finditer(line)
    ]


def typed_facts(page: Path) -> list[str]:
    where = page.relative_to(ROOT).as_posix()
    return [
        f"{where}:{number}: '{fact}' in: {line.strip()[:100]}"
        for number, fact, line in facts_in(page)
        if (where, fact.strip()) not in LITERATURE
    ]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_prose_states_no_measured_or_configured_number_by_hand(page: Path) -> None:
    assert typed_facts(page) == [], (
        "glue the number from the page's run (publish + {glue:text}), or, if it is a "
        "fact of the literature, list it in LITERATURE with its source"
    )


def test_the_check_finds_a_typed_fact_and_spares_code_glue_and_math(
    tmp_path: Path,
) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "---\ntitle: batch of 9\n---\n"
        "Vectors of 128 numbers, {glue:text}`width` wide.\n"
        "```{code-cell} ipython3\nx = 'a batch of 64'\n```\n"
        ":::{dropdown} More\nIt runs 3.5 times faster.\n"
        "```python\nprint('12 heads')\n```\n:::\n"
        "The `batch of 8` and $2 \\times 3$ and {glue:text}`speed:.1f` stay.\n"
    )
    assert [fact for _, fact, _ in facts_in(page)] == [
        "Vectors of 128",
        "3.5 times faster",
    ]
