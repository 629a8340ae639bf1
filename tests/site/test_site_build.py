"""The site's promise: every number on a page comes from the code executed in that build."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from myst_nb.core.variables import format_plain_text
from sitebuild import (
    MNIST_ACCURACY,
    MNIST_PAGE,
    MNIST_SCRIPT,
    PAGES,
    ROOT,
    Site,
    build,
    glue_text_references,
    pages_disagreeing_with_the_manifest,
    pages_run,
    pasted_text,
    published_files_disagreeing_with_the_manifest,
)

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import tinytorch_site.results  # noqa: E402

from milestones import load  # noqa: E402

slow = pytest.mark.slow


def shown(site: Site, docname: str, key: str) -> str:
    """The text the page shows for ``{glue:text}`key:spec``` (its first use), from the manifest's value."""
    for doc, ref_key, spec in glue_text_references(docname):
        if (doc, ref_key) == (docname, key):
            value = site.manifest["pages"][doc]["figures"][key]
            return format_plain_text(repr(value), spec)
    raise AssertionError(f"{docname}.md shows no {{glue:text}}`{key}`")


# --- the built site ----------------------------------------------------------------------------------------


@slow
def test_every_page_is_built(site: Site) -> None:
    assert sorted(site.pages) == sorted(PAGES)  # the build reads each one, or fails
    for page in PAGES:
        assert "<h1" in site.page(page), f"{page} has no title"
    assert (site.html / "index.html").is_file()


@slow
def test_manifest_describes_this_build(site: Site) -> None:
    manifest = site.manifest
    versions = manifest["build"]["versions"]
    for package in (
        "tinytorch",
        "numpy",
        "jupyter-book",
        "sphinx",
        "mermaid",
        "mathjax",
    ):
        assert versions[package], f"manifest lacks the version of {package}"
    assert manifest["build"]["cpu"] and manifest["built_at"]
    assert manifest["overrides"] == {}, (
        "the default build must not run with TINYTORCH_BOOK_* overrides"
    )
    assert (
        manifest["fingerprint"] == tinytorch_site.results.fingerprint(ROOT)["sources"]
    )
    for docname, page in manifest["pages"].items():
        assert docname in PAGES
        assert page["execution"]["succeeded"] is True, f"{docname} did not run cleanly"
        if page["figures"]:
            computed_in = page["computed_in"]
            assert (
                computed_in["cpu"]
                and computed_in["executed_at"]
                and computed_in["numpy"]
            ), docname


@slow
def test_every_glued_text_on_every_page_is_the_manifests(site: Site) -> None:
    """What a page shows for ``{glue:text}`` is the manifest's value, formatted as the page asks."""
    assert sum(len(glue_text_references(page)) for page in PAGES) > 100
    assert pages_disagreeing_with_the_manifest(site) == []


@slow
def test_mnist_page_shows_an_accuracy_that_meets_the_scripts_goal(site: Site) -> None:
    figures = site.manifest["pages"][MNIST_PAGE]["figures"]
    run = {"test_accuracy": figures[MNIST_ACCURACY], "quick": False}
    (goal,) = [
        g
        for g in load(MNIST_SCRIPT).GOALS
        if g.metric == "test_accuracy" and not g.quick
    ]
    assert goal.met(run), (
        f"MNIST test accuracy {run['test_accuracy']} misses the goal: {goal}"
    )
    assert shown(site, MNIST_PAGE, MNIST_ACCURACY) in pasted_text(site.page(MNIST_PAGE))


@slow
def test_rebuild_with_nothing_changed_reuses_every_result(site: Site) -> None:
    again = build(ROOT)
    assert pages_run(again.log) == [], "a rebuild with nothing changed ran a page again"
    assert again.manifest["pages"] == site.manifest["pages"]
    assert published_files_disagreeing_with_the_manifest(again) == []  # served though not run again
    assert again.published == site.published


@slow
def test_a_changed_run_changes_the_page(site: Site, tmp_path: Path) -> None:
    """Fewer epochs and another seed give other numbers; a second seed in the same build folder invalidates
    the cached results (the cache itself only sees the pages' code) and changes them again."""
    first = build(tmp_path, {"TINYTORCH_BOOK_EPOCHS": "1", "TINYTORCH_BOOK_SEED": "1"})
    second = build(tmp_path, {"TINYTORCH_BOOK_EPOCHS": "1", "TINYTORCH_BOOK_SEED": "2"})
    assert "results are stale" in second.log and MNIST_PAGE in pages_run(second.log)

    figures = [
        run.manifest["pages"][MNIST_PAGE]["figures"] for run in (site, first, second)
    ]
    assert [(f["mnist_epochs"], f["mnist_seed"]) for f in figures[1:]] == [
        (1, 1),
        (1, 2),
    ]
    assert figures[1][MNIST_ACCURACY] != figures[2][MNIST_ACCURACY], (
        "another seed gave the same accuracy"
    )
    assert shown(first, MNIST_PAGE, MNIST_ACCURACY) != shown(
        site, MNIST_PAGE, MNIST_ACCURACY
    )
    for run in (first, second):
        assert shown(run, MNIST_PAGE, MNIST_ACCURACY) in pasted_text(
            run.page(MNIST_PAGE)
        )
    assert pasted_text(first.page(MNIST_PAGE)) != pasted_text(second.page(MNIST_PAGE))
    # the trained weights the page serves change with the run, and always match the manifest
    for run in (first, second):
        assert published_files_disagreeing_with_the_manifest(run) == []
    assert first.published and first.published != second.published


# --- the sources -----------------------------------------------------------------------------------------

# Numbers that look like results: decimals, percentages, thousands, durations, counts of parameters or updates,
# and run settings (epochs), which a changed run changes too.
RESULT_LIKE = re.compile(
    r"(?<![\w.])(?:\d+(?:\.\d+)?\s?%|\d+(?:\.\d+)?\s?(?:s|ms|sec|seconds|minutes)\b"
    r"|\d+\s+(?:parameters|params|weights|gradient updates|updates|steps|epochs?)\b"
    r"|\d{1,3}(?:,\d{3})+|\d+\.\d+(?![.\d]))",  # not 127.0.0.1 or 1.0.4
    re.IGNORECASE,
)
# A typed bound is a target, not a result: "> 95%", "at least 97.5%", "under 3 minutes"; nor is a version.
BOUND = re.compile(
    r"(?:[<>≤≥]=?|~|\bat least|\bat most|\babove|\bbelow|\bover|\bunder|\bmore than|\bless than|\bPython"
    r"|\bwithin|\bup to)\s*$",
    re.IGNORECASE,
)
CODE_CELL = re.compile(r"^```\{code-cell\}.*?^```", re.DOTALL | re.MULTILINE)
INLINE_CODE = re.compile(r"`[^`\n]+`")


LINK_TARGET = re.compile(r"\]\([^)\s]+\)")  # a Markdown link's address
IDENTIFIER = re.compile(r"\b(?:arXiv|doi):\S+", re.IGNORECASE)  # a paper's number


def typed_results(text: str) -> list[str]:
    text = CODE_CELL.sub("", text)
    text = INLINE_CODE.sub("", text)  # also removes glue roles' arguments
    text = IDENTIFIER.sub("", LINK_TARGET.sub("]", text))
    found = []
    for match in RESULT_LIKE.finditer(text):
        before = text[max(0, match.start() - 20) : match.start()]
        if not BOUND.search(before):
            found.append(match.group())
    return found


def test_the_typed_number_check_catches_results_and_spares_bounds() -> None:
    assert typed_results(
        "It reaches 97.8% on MNIST in 41.2 s with 101,770 parameters."
    ) == [
        "97.8%",
        "41.2 s",
        "101,770",
    ]
    assert typed_results("Loss falls to 0.04 after 5 epochs.") == ["0.04", "5 epochs"]
    assert (
        typed_results(
            "A quick run must reach > 95%, the full one at least 97.5%, in under 3 minutes."
        )
        == []
    )
    assert typed_results("Rosenblatt (1957), 60,000 images") == ["60,000"]
    assert typed_results("{glue:text}`acc:.1%` and `x = 0.5`") == []
    assert typed_results("[a paper](https://doi.org/10.1038/323533a0), arXiv:2601.19107") == []
    assert typed_results("[it scored 97.8%](https://example.org)") == ["97.8%"]
    assert (
        typed_results(
            "Python 3.11, serve on http://127.0.0.1:8000 with jupyter-book 1.0.4"
        )
        == []
    )


def test_no_result_like_number_is_typed_into_the_pages() -> None:
    typed = {}
    for source in sorted((ROOT / "book").rglob("*.md")):
        found = typed_results(source.read_text(encoding="utf-8"))
        if found:
            typed[str(source.relative_to(ROOT))] = found
    assert not typed, (
        f"glue these numbers instead of typing them: {json.dumps(typed, indent=1)}"
    )




@slow
def test_every_diagram_link_opens_a_page_of_this_site(site: Site) -> None:
    """Mermaid's ``click X href "..."`` links are not checked by Sphinx: check them here."""
    links = 0
    for docname, html in site.pages.items():
        page = site.html / f"{docname}.html"
        for href in re.findall(r'click \w+ href (?:&quot;|")([^"&]+)', html):
            links += 1
            assert (page.parent / href).is_file(), f"{docname}: a diagram links to {href}"
    assert links >= 8  # the journey's acts-and-milestones graph
