"""The chapters show the library's real source: every listing resolves, through
Sphinx's own reader, to code that exists, fits the page and names its file, and every
public name of tinytorch is shown by some chapter. Fast: no build."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from myst_parser.parsers.options import options_to_items
from sphinx.directives.code import LiteralIncludeReader

import tinytorch

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "tinytorch"
PAGE_COLUMNS = 88  # what a code block shows without scrolling at 1280 px (site.css)
LITERALINCLUDE = re.compile(
    r"^```\{literalinclude\} (?P<path>\S+)\n(?P<options>(?::[^\n]*\n)*)```",
    re.MULTILINE,
)
READER_OPTIONS = {"pyobject", "start-at", "start-after", "end-at", "end-before",
                  "lines", "dedent"}  # fmt: skip


@dataclass
class Listing:
    chapter: Path
    path: Path  # the file shown
    options: dict[str, str]

    def where(self) -> str:
        shown = self.options.get("pyobject") or self.options.get("start-at") or "file"
        return f"{self.chapter.relative_to(ROOT)}: {self.path.name} ({shown})"

    def text(self) -> str:
        """What the page shows, as Sphinx computes it; ValueError if it cannot."""
        options = {k: v for k, v in self.options.items() if k in READER_OPTIONS}
        if "dedent" in options:
            options["dedent"] = int(options["dedent"]) if options["dedent"] else None
        reader = LiteralIncludeReader(
            str(self.path), options, SimpleNamespace(source_encoding="utf-8")
        )
        return reader.read()[0]


def listings() -> list[Listing]:
    found = []
    for chapter in sorted((ROOT / "book").rglob("*.md")):
        for match in LITERALINCLUDE.finditer(chapter.read_text(encoding="utf-8")):
            lines = [line[1:] for line in match["options"].splitlines()]
            items, _ = options_to_items("\n".join(lines))
            path = (chapter.parent / match["path"]).resolve()
            found.append(Listing(chapter, path, dict(items)))
    return found


def test_the_scan_finds_the_listings() -> None:
    assert len(listings()) > 50


def test_every_listing_names_its_file_and_is_dedented() -> None:
    problems = []
    for listing in listings():
        caption = listing.path.relative_to(ROOT).as_posix()
        shown = listing.options.get("caption", "").replace("\\_", "_")  # escaped for MyST
        if shown != caption or "dedent" not in listing.options:
            problems.append(f"{listing.where()}: needs ':caption: {caption}' and :dedent:")
    assert problems == []


def test_every_listing_points_at_code_that_exists() -> None:
    problems = []
    for listing in listings():
        try:
            if not listing.text().strip():
                problems.append(f"{listing.where()}: shows nothing")
        except (OSError, ValueError) as err:
            problems.append(f"{listing.where()}: {err}")
    assert problems == []


def test_every_listing_fits_the_page() -> None:
    long = [
        f"{listing.where()}: {line.strip()[:50]}... ({len(line)} columns)"
        for listing in listings()
        for line in listing.text().splitlines()
        if len(line) > PAGE_COLUMNS
    ]
    assert long == []


def public_names() -> dict[tuple[Path, str], str]:
    """(file, name) -> dotted name, for every public class and function the library
    defines."""
    names = {}
    for info in pkgutil.walk_packages(tinytorch.__path__, "tinytorch."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            defined_here = getattr(value, "__module__", None) == module.__name__
            if name.startswith("_") or not defined_here:
                continue
            if inspect.isclass(value) or inspect.isfunction(value):
                path = Path(inspect.getsourcefile(module)).resolve()
                names[path, name] = f"{module.__name__}.{name}"
    return names


def test_every_public_name_is_shown_by_a_chapter() -> None:
    shown = set()
    for listing in listings():
        pyobject = listing.options.get("pyobject", "")
        if pyobject:
            shown.add((listing.path, pyobject.split(".")[0]))
        text = listing.text()
        for match in re.finditer(r"^(?:class|def) (\w+)", text, re.MULTILINE):
            shown.add((listing.path, match[1]))
    missing = sorted(dotted for key, dotted in public_names().items() if key not in shown)
    assert missing == [], "show these in a chapter with a literalinclude"


def test_the_public_name_walk_finds_the_library() -> None:
    names = set(public_names().values())
    assert {"tinytorch._tensor.Tensor", "tinytorch.ops.products.MatMul",
            "tinytorch.nn.linear.Linear",
            "tinytorch.utils.data.dataloader.DataLoader"} <= names
    assert len(names) > 90


VISIBLE_CODE_CELL = re.compile(
    r"^```\{code-cell\}[^\n]*\n(?P<body>.*?)^```", re.DOTALL | re.MULTILINE
)


def test_visible_code_cells_fit_the_page() -> None:
    long = []
    for source in sorted((ROOT / "book").rglob("*.md")):
        for match in VISIBLE_CODE_CELL.finditer(source.read_text(encoding="utf-8")):
            body = match["body"]
            if "remove-cell" in body or "remove-input" in body:
                continue
            long += [f"{source.name}: {line}" for line in body.splitlines()
                     if len(line) > PAGE_COLUMNS]
    assert long == []
