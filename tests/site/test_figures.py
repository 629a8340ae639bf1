"""Every figure of the book has a number, a caption and alt text that describes it.

A figure a cell merely shows (``plt.show()``) gets no number, no caption and, as alt
text, the path of its image file. So every code cell that draws a figure glues it
(``publish_figure(key, fig)``, or myst-nb's ``glue(key, fig, display=False)``), and
the page shows it with a ``{glue:figure} key`` directive that has a ``:name:`` (unique
in the book), an ``:alt:`` text that says what the picture shows, and a caption. The
caption is prose: it states no measured or configured number by hand (the rule of
test_prose_numbers.py). And no figure is drawn wider than the house width, at which
its tick labels still read on a phone.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from test_prose_numbers import FACTS, LITERATURE

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(
    [*ROOT.glob("book/*.md"), *ROOT.glob("book/modules/*.md"),
     *ROOT.glob("book/milestones/*.md")]
)
FIGURES_PY = ROOT / "book" / "_ext" / "tinytorch_book" / "figures.py"

DRAWS = re.compile(r"\bplt\.(?:subplots|figure|subplot_mosaic)\(")
GLUES = re.compile(r"\b(?:publish_figure|glue)\(\s*[\"']([\w-]+)[\"'],\s*fig\b")
FIGSIZE = re.compile(r"figsize=\(\s*([\d.]+)\s*,")
FENCE = re.compile(r"^(`{3,})\{([\w:-]+)\}\s*(.*)$")


@dataclass
class Block:
    """A fenced directive of a page: its kind, argument, options and body."""

    kind: str
    argument: str
    line: int
    options: dict[str, str] = field(default_factory=dict)
    body: list[str] = field(default_factory=list)


def blocks(text: str) -> list[Block]:
    """The page's backtick-fenced directives (code cells, glue figures, ...)."""
    found, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        opening = FENCE.match(lines[i].strip())
        if not opening:
            i += 1
            continue
        fence, block = opening.group(1), Block(opening.group(2), opening.group(3), i + 1)
        i += 1
        in_options = True
        while i < len(lines) and lines[i].strip() != fence:
            line = lines[i]
            option = re.match(r"^:([\w-]+):\s*(.*)$", line)
            if in_options and option:
                block.options[option.group(1)] = option.group(2).strip()
            else:
                in_options = False
                block.body.append(line)
            i += 1
        found.append(block)
        i += 1
    return found


def house_width() -> float:
    """figures.WIDTH, read without importing the plotting stack."""
    for node in ast.parse(FIGURES_PY.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "WIDTH" for t in node.targets
        ):
            return float(ast.literal_eval(node.value))
    raise AssertionError("figures.py defines no WIDTH")


def where(page: Path) -> str:
    return page.relative_to(ROOT).as_posix() if page.is_relative_to(ROOT) else str(page)


def figure_problems(page: Path) -> list[str]:
    """What keeps the page's figures from having a number, a caption and alt text."""
    text = page.read_text(encoding="utf-8")
    found = blocks(text)
    cells = [b for b in found if b.kind == "code-cell"]
    shown = {b.argument: b for b in found if b.kind == "glue:figure"}
    problems, glued = [], []
    for cell in cells:
        code = "\n".join(cell.body)
        drawn, keys = len(DRAWS.findall(code)), GLUES.findall(code)
        if "plt.show()" in code:
            problems.append(f"line {cell.line}: plt.show() shows a figure with no "
                            "number, caption or alt text; glue it (publish_figure)")
        if drawn and len(keys) < drawn:
            problems.append(f"line {cell.line}: the cell draws {drawn} figure(s) but "
                            f"glues {len(keys)}")
        glued += keys
        for width in FIGSIZE.findall(code):
            if float(width) > house_width():
                problems.append(f"line {cell.line}: figsize width {width} in is wider "
                                f"than figures.WIDTH ({house_width():g} in): its tick "
                                "labels would not read on a phone")
    for key in glued:
        if key not in shown:
            problems.append(f"figure {key!r} is glued but no {{glue:figure}} shows it")
    for figure in shown.values():
        problems += [f"line {figure.line}: {p}" for p in directive_problems(page, figure)]
    return problems


def directive_problems(page: Path, figure: Block) -> list[str]:
    problems = []
    name, alt = figure.options.get("name", ""), figure.options.get("alt", "")
    caption = " ".join(line.strip() for line in figure.body).strip()
    if not name.startswith("fig-"):
        problems.append(f"{{glue:figure}} {figure.argument}: a :name: fig-... numbers "
                        "the figure and lets prose refer to it")
    if len(alt.split()) < 6:
        problems.append(f"{figure.argument}: the :alt: text {alt!r} must say what the "
                        "picture shows (six words at least)")
    path = re.search(r"\.(?:png|svg|jpe?g|pdf)\b|_build/|jupyter_execute", alt)
    if path or alt.lower().startswith(("figure", "image", "plot of fig")):
        problems.append(f"{figure.argument}: the :alt: text {alt!r} names a file or "
                        "the word figure instead of describing the picture")
    if len(caption.split()) < 4:
        problems.append(f"{figure.argument}: a caption (the directive's body) says "
                        "what the figure shows")
    bare = re.sub(r"\{[\w:-]+\}`[^`]*`", "", caption)  # glue, doc and ref roles
    bare = re.sub(r"`[^`]*`|\$[^$]*\$", "", bare)
    for match in FACTS.finditer(bare):
        if (where(page), match.group(0).strip()) not in LITERATURE:
            problems.append(f"{figure.argument}: the caption types "
                            f"{match.group(0)!r}; glue it from the run")
    return problems


@pytest.mark.parametrize("page", PAGES, ids=where)
def test_every_figure_is_numbered_captioned_and_described(page: Path) -> None:
    assert figure_problems(page) == []


def test_figure_names_are_unique_in_the_book() -> None:
    names: dict[str, str] = {}
    clashes = []
    for page in PAGES:
        for block in blocks(page.read_text(encoding="utf-8")):
            name = block.options.get("name")
            if block.kind == "glue:figure" and name:
                if name in names:
                    clashes.append(f"{name}: {names[name]} and {where(page)}")
                names[name] = where(page)
    assert clashes == []
    assert len(names) >= 50  # the book's figures are all found (not a parse failure)


def test_the_check_finds_a_shown_figure_a_path_alt_text_and_a_typed_number(
    tmp_path: Path,
) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```{code-cell} ipython3\nfig, ax = plt.subplots(figsize=(9, 3))\n"
        "plt.show()\n```\n\n"
        "```{code-cell} ipython3\nfig, ax = plt.subplots()\n"
        "publish_figure(\"curve\", fig)\n```\n\n"
        "```{glue:figure} curve\n:alt: ../_build/jupyter_execute/curve.png\n\n"
        "Training for 12 epochs.\n```\n",
        encoding="utf-8",
    )
    problems = " | ".join(figure_problems(page))
    for expected in ("plt.show()", "draws 1 figure(s) but glues 0", "figsize width 9",
                     ":name: fig-", "names a file", "types '12 epochs'"):
        assert expected in problems


def test_numbers_on_cells_take_the_colour_that_reads_on_them() -> None:
    sys.path.insert(0, str(FIGURES_PY.parents[1]))
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from tinytorch_book.figures import text_colour

    fig, ax = plt.subplots()
    image = ax.imshow(np.array([[0.0, 1.0]]), cmap="Blues")
    assert (text_colour(image, 0.0), text_colour(image, 1.0)) == ("black", "white")
    plt.close(fig)
