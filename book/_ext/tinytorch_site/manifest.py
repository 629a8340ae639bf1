"""The manifest: every value a page glued, and every file it published (size,
SHA-256, fingerprint), read back when the page is read and kept in Sphinx's
environment, so ``manifest.json`` is complete on a rebuild that reads nothing.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
from ast import literal_eval
from pathlib import Path
from typing import Any

import tinytorch_book
from sphinx.application import Sphinx
from tinytorch_book.files import FILE_KEY_PREFIX

from tinytorch.files import write_atomically

from .assets import VENDOR, npm_version
from .repository import commit, repository_url
from .results import fingerprint
from .versions import version

PACKAGES = ("tinytorch", "numpy", "jupyter-book", "sphinx", "myst-nb", "matplotlib")


def pages(env: Any) -> dict[str, dict[str, Any]]:
    """What each page glued and published, by docname, kept in the environment."""
    if not hasattr(env, "tinytorch_pages"):
        env.tinytorch_pages = {}
    return env.tinytorch_pages


def forget_doc(app: Sphinx, env: Any, docname: str) -> None:
    pages(env).pop(docname, None)


def merge_figures(app: Sphinx, env: Any, docnames: set[str], other: Any) -> None:
    for docname in docnames:
        if docname in pages(other):
            pages(env)[docname] = pages(other)[docname]


def collect_figures(app: Sphinx, doctree: Any) -> None:
    """Read back what the page just glued (myst-nb writes ``<docname>.glue.json``)."""
    from myst_nb.sphinx_ import NbMetadataCollector

    env = app.env
    keys = NbMetadataCollector.get_doc_data(env).get(env.docname, {}).get("glue", [])
    if not keys:
        return
    folder = Path(env.mystnb_config.output_folder)
    glued = json.loads(folder.joinpath(*env.docname.split("/"))
                       .with_suffix(".glue.json").read_text(encoding="utf-8"))
    figures: dict[str, Any] = {}
    files: dict[str, Any] = {}
    environment = None
    for key in keys:
        data = glued[key]["data"]
        try:
            value = literal_eval(data["text/plain"])
        except (KeyError, SyntaxError, ValueError):
            value = {"mime_types": sorted(data)}  # e.g. a glued matplotlib figure
        if key == tinytorch_book.ENVIRONMENT_KEY:
            environment = value
        elif key.startswith(FILE_KEY_PREFIX):
            files[key.removeprefix(FILE_KEY_PREFIX)] = value
        else:
            figures[key] = value
    execution = NbMetadataCollector.get_exec_data(env, env.docname) or {}
    pages(env)[env.docname] = {
        "figures": figures,
        "files": files,
        "computed_in": environment,
        "execution": {k: execution.get(k) for k in ("method", "runtime", "succeeded")},
    }


def write_manifest(app: Sphinx, exception: Exception | None) -> None:
    if app.builder.format != "html":
        return
    target = Path(app.outdir, "manifest.json")
    if exception is not None or getattr(app, "_warncount", 0):
        target.unlink(missing_ok=True)  # a failed build vouches for no result
        return
    now = datetime.datetime.now(datetime.timezone.utc)
    manifest = {
        "site": app.config.html_title,
        "built_at": now.isoformat(timespec="seconds"),
        "build": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpu": tinytorch_book.cpu_model(),
            "cpu_count": os.cpu_count(),
            "versions": {name: version(name) for name in PACKAGES}
            | {name: npm_version(app, name) for name in VENDOR},
        },
        "source": {"repository": repository_url(Path(app.confdir)),
                   "commit": commit(Path(app.confdir))},
        "overrides": tinytorch_book.overrides(),
        "fingerprint": fingerprint(Path(app.confdir))["sources"],
        "pages": {doc: pages(app.env)[doc] for doc in sorted(pages(app.env))},
    }
    write_atomically(target, json.dumps(manifest, indent=2) + "\n")
