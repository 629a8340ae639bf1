"""Every chapter ends with a summary and exercises (d2l's habit), and an exercise
whose answer can be checked names the test that checks it, so it never goes stale.

The format, on every building-block chapter and milestone page:

    ## Summary
    - one idea per bullet (three to six)

    ## Exercises
    1. **A short title.** The task. *What you should see:* the observation.
       (Checked by `tests/exercises/test_05_autograd.py::test_the_name`.)

The two sections come last, except before a milestone's "What's next" and an act's
closing "You can now run Milestone N".
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
PAGES = [
    c["file"]
    for part in TOC["parts"]
    for c in part["chapters"]
    if c["file"].startswith(("book/modules/", "book/milestones/"))
]
CLOSING = ("What's next", "You can now run", "Further reading")
CHECKED = re.compile(r"\(Checked by `(tests/exercises/[\w./]+\.py)::(\w+)`\.\)")


def sections(doc: str) -> list[tuple[str, str]]:
    """(heading, body) of each '## ' section, in order."""
    text = (ROOT / f"{doc}.md").read_text(encoding="utf-8")
    parts = re.split(r"^## (.*)$", text, flags=re.MULTILINE)
    return list(zip(parts[1::2], parts[2::2], strict=True))


def functions_in(path: str) -> set[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


@pytest.mark.parametrize("doc", PAGES, ids=lambda d: d.split("/", 1)[1])
def test_a_chapter_ends_with_a_summary_and_exercises(doc: str) -> None:
    found = sections(doc)
    names = [name for name, _ in found]
    assert "Summary" in names and "Exercises" in names, f"{doc}: no Summary/Exercises"
    at = names.index("Summary")
    assert names[at + 1] == "Exercises", f"{doc}: Exercises must follow Summary"
    assert all(n.startswith(CLOSING) for n in names[at + 2 :]), (
        f"{doc}: after the exercises only {CLOSING}, found {names[at + 2 :]}"
    )
    bullets = re.findall(r"^- ", found[at][1], flags=re.MULTILINE)
    assert 3 <= len(bullets) <= 6, f"{doc}: {len(bullets)} summary bullets"
    body = found[at + 1][1]
    items = re.split(r"^\d+\. ", body, flags=re.MULTILINE)[1:]
    assert 3 <= len(items) <= 6, f"{doc}: {len(items)} exercises"
    for item in items:
        assert item.startswith("**"), (
            f"{doc}: an exercise has no bold title: {item[:60]}"
        )
        assert "*What you should see:*" in item, f"{doc}: {item[:60]}"
    checked = CHECKED.findall(body)
    assert checked, f"{doc}: no exercise names the test that checks it"
    for path, name in checked:
        assert (ROOT / path).is_file(), f"{doc}: {path} does not exist"
        assert name in functions_in(path), f"{doc}: {path} has no {name}"
