"""The site's Sphinx extension: honest caching, a manifest of every published figure,
and browser assets served by the build itself.

- results: the chapters' executed results are reused only while nothing they depend
  on changed (library, milestones, helpers, settings, package versions);
- execution: the pages that must run again run in parallel, one per core;
- manifest: every value a page glued is recorded in ``manifest.json``;
- assets: mermaid and MathJax come from ``node_modules/``, never from another host;
- published: the files the chapters published (trained weights) are served from
  ``published/``, checked against the manifest;
- digit_reader: the ``digit-reader`` directive, where the reader draws a digit for a
  network trained in this build to read;
- ask_gpt: the ``ask-gpt`` directive, where the reader asks the GPT trained in this
  build a question.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tinytorch_book, beside

from . import (  # noqa: E402
    ask_gpt,
    assets,
    digit_reader,
    execution,
    manifest,
    published,
    repository,
    results,
)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", results.start_build)
    app.connect("config-inited", repository.link_the_repository)
    digit_reader.setup(app)
    ask_gpt.setup(app)
    app.connect("builder-inited", assets.require_vendor_assets)
    app.connect("env-get-outdated", assets.rewrite_pages_when_assets_change)
    app.connect("env-before-read-docs", execution.execute_stale_pages)
    app.connect("env-purge-doc", manifest.forget_doc)
    app.connect("env-merge-info", manifest.merge_figures)
    app.connect("doctree-read", manifest.collect_figures)
    app.connect("doctree-read", results.report_stderr)
    app.connect("html-page-context", assets.drop_duplicate_scripts, priority=999)
    app.connect("build-finished", assets.copy_vendor_assets)
    app.connect("build-finished", published.copy_published_files)
    app.connect("build-finished", manifest.write_manifest)
    app.connect("build-finished", results.finish_build)
    return {"version": "1", "env_version": 1, "parallel_read_safe": True,
            "parallel_write_safe": True}
