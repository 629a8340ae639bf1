"""One house style for the diagrams: every highlighted box is drawn in the one
highlight colour, and every other box takes the theme's colours from _config.yml."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
HIGHLIGHT = "fill:#fff4e0,stroke:#c77c02,stroke-width:2px"  # the orange of the figures
BOX = {"primaryColor": "#dde6f3", "primaryBorderColor": "#4a6fa5"}  # the blue
DIAGRAMS = re.compile(r"```\{mermaid\}\n(.*?)```", re.S)


def diagrams() -> list[tuple[str, str]]:
    return [
        (page.relative_to(ROOT).as_posix(), body)
        for page in sorted((ROOT / "book").rglob("*.md"))
        for body in DIAGRAMS.findall(page.read_text(encoding="utf-8"))
    ]


def test_the_theme_draws_boxes_in_the_house_blue() -> None:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    theme = config["sphinx"]["config"]["mermaid_config"]["themeVariables"]
    assert {k: theme[k] for k in BOX} == BOX


def test_a_highlighted_box_is_drawn_in_the_house_orange() -> None:
    found = diagrams()
    assert len(found) >= 10
    styles = {
        (page, style)
        for page, body in found
        for style in re.findall(r"classDef \w+ (\S+)", body)
    }
    assert {style for _, style in styles} <= {HIGHLIGHT, ",".join(
        f"{k}:{v}" for k, v in (("fill", "#dde6f3"), ("stroke", "#4a6fa5"),
                                ("stroke-width", "2px")))}, styles  # fmt: skip
    assert not [page for page, body in found if "style " in body], "inline styles"
