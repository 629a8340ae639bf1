"""The ``ask-gpt`` directive: a box in which the reader asks the GPT trained in this
build a question, and it answers in the browser::

    :::{ask-gpt} journeytalks-gpt.safetensors
    What the model is, in MyST (glued figures welcome).
    :::

The argument is a file the site publishes (tinytorch_book.gpt_file); the content
says what the model is. Pages with a box get the scripts of book/_assets/ask-gpt/
(ask.mjs builds the box, the other modules are the model, one per concept; the file
is checked against manifest.json by book/_assets/common/published-file.mjs before
a byte of it is used), and every other page nothing.
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

SCRIPT, STYLE = "ask-gpt/ask.mjs", "ask-gpt/ask.css"


class ask_gpt(nodes.General, nodes.Element):
    """Where the box goes; ``node["file"]`` is the published model it runs."""


class AskGPT(SphinxDirective):
    """``{ask-gpt} <published file>``, with what the model is as content."""

    required_arguments = 1
    has_content = True

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        if not NAME.fullmatch(name):
            raise self.error(f"ask-gpt: {name!r} is not the name of a published file "
                             f"(e.g. journeytalks-gpt.safetensors)")
        node = ask_gpt(file=name)
        self.set_source_info(node)
        about = nodes.container(classes=["tt-ask-gpt-about"])
        self.state.nested_parse(self.content, self.content_offset, about)
        node += about
        return [node]


def visit_html(translator: Any, node: ask_gpt) -> None:
    """Open the box's element: its model file and the manifest, relative to the
    page."""
    page = translator.builder.get_target_uri(translator.builder.current_docname)
    model = relative_uri(page, f"{SITE_FOLDER}/{node['file']}")
    manifest = relative_uri(page, "manifest.json")
    translator.body.append(
        f'<div class="tt-ask-gpt" role="region" aria-label="Ask this build\'s GPT" '
        f'data-model="{escape(model)}" data-manifest="{escape(manifest)}">\n'
        f'<noscript><p>Asking the model a question needs JavaScript.</p>'
        f'</noscript>\n')


def depart_html(translator: Any, node: ask_gpt) -> None:
    """Close the box's element."""
    translator.body.append("</div>\n")


def add_scripts(app: Sphinx, pagename: str, templatename: str, context: dict,
                doctree: Any) -> None:
    """The box's script and style, on the pages that have one; a box for a file no
    page published is a warning (so ``-W`` fails the build)."""
    boxes = list(doctree.findall(ask_gpt)) if doctree is not None else []
    if not boxes:
        return
    published = published_files(app.env)
    for node in boxes:
        if node["file"] not in published:
            known = ", ".join(sorted(published)) or "none"
            logger.warning(f"ask-gpt: no page publishes {node['file']} (published: "
                           f"{known})", location=node)
    app.add_js_file(SCRIPT, type="module")
    app.add_css_file(STYLE)


def setup(app: Sphinx) -> None:
    """Register the node, the directive and the per-page scripts."""
    app.add_node(ask_gpt, html=(visit_html, depart_html))
    app.add_directive("ask-gpt", AskGPT)
    app.connect("html-page-context", add_scripts)
