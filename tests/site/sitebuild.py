"""Building the site and reading what it shows, for the site and browser tests."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from tito.book import build_command

ROOT = Path(__file__).resolve().parents[2]
OVERRIDE_PREFIX = "TINYTORCH_BOOK_"

def _pages_in_toc() -> list[str]:
    """Every page of the site, in reading order, as a docname (path under the repo root,
    without suffix): the root and every chapter of ``_toc.yml``."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    chapters = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [toc["root"], *chapters]


PAGES = _pages_in_toc()

# The MNIST chapter publishes its test accuracy (a fraction) under this name; the script's own goal for a
# full run (GOALS in milestones/03_1986_mlp/02_rumelhart_mnist.py) is the bar the page must show.
MNIST_PAGE = "book/milestones/03_mlp"
MNIST_SCRIPT = "03_1986_mlp/02_rumelhart_mnist"
MNIST_ACCURACY = "mnist_test_accuracy"


@dataclass(frozen=True)
class Site:
    """A finished build, as it was when it finished (a later build into the same folder does not change it)."""

    root: Path  # where _build/ is
    log: str
    manifest: dict[str, Any]
    pages: dict[str, str]  # docname -> HTML
    published: dict[str, bytes]  # the files served under published/, by name

    @property
    def html(self) -> Path:
        return self.root / "_build" / "html"

    def page(self, docname: str) -> str:
        return self.pages[docname]


def build_env(overrides: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment with only ``overrides`` among the book's settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(OVERRIDE_PREFIX)}
    return clean | (overrides or {})


def build_args(output_root: Path, source: Path = ROOT) -> list[str]:
    """The command ``make site`` runs (``tito book build``), writing into ``output_root/_build``."""
    return build_command(output_root, source)


def run_build(
    output_root: Path, overrides: dict[str, str] | None = None, source: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    """Build and return the finished process, whatever its exit code."""
    return subprocess.run(
        build_args(output_root, source),
        cwd=source,
        env=build_env(overrides),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def build(output_root: Path, overrides: dict[str, str] | None = None) -> Site:
    """Build the book into ``output_root/_build`` the way ``make site`` does, with only ``overrides`` set."""
    done = run_build(output_root, overrides)
    log = done.stdout + done.stderr
    if done.returncode != 0:
        pytest.fail(
            f"the book did not build (exit {done.returncode}):\n{log[-6000:]}",
            pytrace=False,
        )
    return read_site(output_root, log)


def read_site(output_root: Path, log: str = "") -> Site:
    """What a finished build in ``output_root/_build`` shows."""
    html = output_root / "_build" / "html"
    return Site(
        root=output_root,
        log=log,
        manifest=json.loads((html / "manifest.json").read_text(encoding="utf-8")),
        pages={
            page: (html / f"{page}.html").read_text(encoding="utf-8")
            for page in PAGES
            if (html / f"{page}.html").is_file()
        },
        published={p.name: p.read_bytes() for p in sorted((html / "published").glob("*"))},
    )


STRAIGHT_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def pages_disagreeing_with_the_manifest(site: Site) -> list[str]:
    """Every ``{glue:text}`` a page shows that is not the manifest's value, formatted."""
    from myst_nb.core.variables import format_plain_text

    manifest = site.manifest["pages"]
    wrong = []
    for docname in PAGES:
        # Sphinx's smart quotes curl the apostrophes of glued phrases: straighten them back
        on_page = [text.translate(STRAIGHT_QUOTES) for text in pasted_text(site.page(docname))]
        for doc, key, spec in glue_text_references(docname):
            figures = manifest.get(doc, {}).get("figures", {})
            if key not in figures:
                wrong.append(f"{docname}: {key!r} is not in the manifest")
                continue
            expected = format_plain_text(repr(figures[key]), spec)
            if expected not in on_page:
                wrong.append(f"{docname} does not show {expected!r} for {key!r}")
    return wrong


RAN = re.compile(
    r"tinytorch_site: (?P<parallel>\S+) ran in|/(?P<serial>book/\S+)\.md: Executing notebook"
)


def pages_run(log: str) -> list[str]:
    """The pages a build executed (in the parallel pool or while reading), not served
    from the cache."""
    return sorted(m["parallel"] or m["serial"] for m in RAN.finditer(log))


def published_files_disagreeing_with_the_manifest(site: Site) -> list[str]:
    """What is wrong with the files the site serves under published/: each file a page published must be there,
    byte for byte the one its manifest record describes (size, SHA-256, this build's fingerprint), and nothing else."""
    records = {
        name: record for page in site.manifest["pages"].values() for name, record in page.get("files", {}).items()
    }
    wrong = [f"{name} is served but no page published it" for name in sorted(site.published.keys() - records.keys())]
    for name, record in sorted(records.items()):
        data = site.published.get(name)
        if data is None:
            wrong.append(f"{name} was published but is not served")
        elif len(data) != record["bytes"] or hashlib.sha256(data).hexdigest() != record["sha256"]:
            wrong.append(f"{name}: the served file's size or SHA-256 is not the manifest's")
        if record["fingerprint"] != site.manifest["fingerprint"]:
            wrong.append(f"{name} comes from other sources than this build's")
    return wrong


class _PastedText(HTMLParser):
    """Collects the text of every glued value (``<span class="pasted-text">``) on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._depth:
            self._depth += 1
        elif (
            tag == "span" and "pasted-text" in (dict(attrs).get("class") or "").split()
        ):
            self._depth = 1
            self.values.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.values[-1] += data


def pasted_text(html: str) -> list[str]:
    parser = _PastedText()
    parser.feed(html)
    return parser.values


GLUE_TEXT = re.compile(r"\{glue:text\}`(?P<content>[^`]+)`")


def glue_text_references(docname: str) -> list[tuple[str, str, str]]:
    """``(docname, key, format spec)`` of every ``{glue:text}`` reference in the page's source.

    The content is split as myst-nb splits it: ``[path::]key[:spec]``, the spec defaulting to ``s``.
    """
    source = (ROOT / f"{docname}.md").read_text(encoding="utf-8")
    references = []
    for match in GLUE_TEXT.finditer(source):
        key, _, spec = (
            match["content"].rpartition(":")
            if ":" in match["content"]
            else (match["content"], "", "s")
        )
        doc = docname
        if "::" in key:
            path, key = key.split("::", 1)
            doc = os.path.normpath(
                os.path.join(os.path.dirname(docname), os.path.splitext(path)[0])
            )
        references.append((doc, key, spec))
    return references
