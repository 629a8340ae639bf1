"""The ``digit-reader`` directive: a pad on which the reader draws a digit for a
network trained in this build to read, in the browser::

    :::{digit-reader} mnist-mlp.safetensors
    What the network is, in MyST (glued figures welcome).
    :::

The argument is a file the site publishes (tinytorch_book.classifier); the content
says what the network is. Pages with a reader get the scripts of
book/_assets/digit-reader/ (reader.mjs draws the pad, network.mjs runs the forward
pass; both use book/_assets/common/published-file.mjs, which checks the file's bytes
against the SHA-256 ``manifest.json`` records before anything reads them), and every
other page nothing.
"""

from __future__ import annotations

from html import escape
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri
from tinytorch_book.files import NAME, SITE_FOLDER

from .published import published_files

logger = logging.getLogger(__name__)

SCRIPT, STYLE = "digit-reader/reader.mjs", "digit-reader/reader.css"


class digit_reader(nodes.General, nodes.Element):
    """Where the pad goes; ``node["file"]`` is the published file it reads."""


class DigitReader(SphinxDirective):
    """``{digit-reader} <published file>``, with what the network is as content."""

    required_arguments = 1
    has_content = True

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        if not NAME.fullmatch(name):
            raise self.error(f"digit-reader: {name!r} is not the name of a published "
                             f"file (e.g. mnist-mlp.safetensors)")
        node = digit_reader(file=name)
        self.set_source_info(node)
        about = nodes.container(classes=["tt-digit-reader-about"])
        self.state.nested_parse(self.content, self.content_offset, about)
        node += about
        return [node]


def visit_html(translator: Any, node: digit_reader) -> None:
    """Open the reader's element: its file and the manifest, relative to the page."""
    page = translator.builder.get_target_uri(translator.builder.current_docname)
    weights = relative_uri(page, f"{SITE_FOLDER}/{node['file']}")
    manifest = relative_uri(page, "manifest.json")
    translator.body.append(
        f'<div class="tt-digit-reader" role="region" aria-label="Draw a digit" '
        f'data-weights="{escape(weights)}" data-manifest="{escape(manifest)}">\n'
        f'<noscript><p>Drawing a digit for the network to read needs JavaScript.'
        f'</p></noscript>\n')


def depart_html(translator: Any, node: digit_reader) -> None:
    """Close the reader's element."""
    translator.body.append("</div>\n")


def add_scripts(app: Sphinx, pagename: str, templatename: str, context: dict,
                doctree: Any) -> None:
    """The reader's script and style, on the pages that have one; a reader of a file
    no page published is a warning (so ``-W`` fails the build)."""
    readers = list(doctree.findall(digit_reader)) if doctree is not None else []
    if not readers:
        return
    published = published_files(app.env)
    for node in readers:
        if node["file"] not in published:
            known = ", ".join(sorted(published)) or "none"
            logger.warning(f"digit-reader: no page publishes {node['file']} "
                           f"(published: {known})", location=node)
    app.add_js_file(SCRIPT, type="module")
    app.add_css_file(STYLE)


def setup(app: Sphinx) -> None:
    """Register the node, the directive and the per-page scripts."""
    app.add_node(digit_reader, html=(visit_html, depart_html))
    app.add_directive("digit-reader", DigitReader)
    app.connect("html-page-context", add_scripts)
