"""Building the site and reading what it shows, for the site and browser tests."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"
OVERRIDE_PREFIX = "TINYTORCH_BOOK_"

# Every page of the site, as a docname (path under the repo root, without suffix).
PAGES = [
    "book/intro",
    "book/journey",
    "book/milestones/01_perceptron",
    "book/milestones/02_xor",
    "book/milestones/03_mlp",
    "book/milestones/04_cnn",
    "book/under_the_hood",
    "book/progression",
]

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

    @property
    def html(self) -> Path:
        return self.root / "_build" / "html"

    def page(self, docname: str) -> str:
        return self.pages[docname]


def build(output_root: Path, overrides: dict[str, str] | None = None) -> Site:
    """Build the book into ``output_root/_build`` the way ``make site`` does, with only ``overrides`` set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OVERRIDE_PREFIX)} | (
        overrides or {}
    )
    args = [str(JUPYTER_BOOK), "build", str(ROOT), "-W", "-n", "--keep-going"]
    if output_root != ROOT:
        args += ["--path-output", str(output_root)]
    done = subprocess.run(
        args,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    log = done.stdout + done.stderr
    if done.returncode != 0:
        pytest.fail(
            f"the book did not build (exit {done.returncode}):\n{log[-6000:]}",
            pytrace=False,
        )
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
    )


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
