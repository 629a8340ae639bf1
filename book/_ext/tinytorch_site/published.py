"""The files the chapters published (tinytorch_book.files) go into the built site,
``_build/html/published/``, once the build has succeeded; only a file that is exactly
the one its page recorded in the manifest, stamped with this build's fingerprint.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from tinytorch_book.files import SITE_FOLDER

from tinytorch.files import write_atomically

from .manifest import pages
from .results import fingerprint, published_dir


def published_files(env: Any) -> dict[str, tuple[str, dict[str, Any]]]:
    """Every published file's name: (the page that published it, its record)."""
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for docname, page in sorted(pages(env).items()):
        for name, record in page.get("files", {}).items():
            if name in found:
                raise ExtensionError(f"{docname} and {found[name][0]} both publish "
                                     f"{name}: give each file its own name")
            found[name] = (docname, record)
    return found


def copy_published_files(app: Sphinx, exception: Exception | None) -> None:
    """At the end of a clean HTML build: serve what the pages published."""
    if exception is not None or app.builder.format != "html":
        return
    if getattr(app, "_warncount", 0):
        return  # a failed build vouches for no result (the manifest goes too)
    sources = fingerprint(Path(app.confdir))["sources"]
    install(published_files(app.env), published_dir(app),
            Path(app.outdir, SITE_FOLDER), sources)


def install(files: dict[str, tuple[str, dict[str, Any]]], source: Path, target: Path,
            sources: str) -> None:
    """Copy each file from ``source`` to ``target`` after checking it against its
    record, and remove what ``target`` holds besides them."""
    for name, (docname, record) in sorted(files.items()):
        path = source / name
        if not path.is_file():
            raise ExtensionError(
                f"{docname} published {name}, but {path} is gone while the page's "
                f"executed result was kept: delete {source.parent} and build again")
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != record["sha256"]:
            raise ExtensionError(
                f"{path} is not the file {docname} published (its SHA-256 differs "
                f"from the manifest's): delete {source.parent} and build again")
        if record["fingerprint"] != sources:
            raise ExtensionError(
                f"{docname} published {name} from other sources than this build's "
                f"(fingerprint {record['fingerprint'][:12]}, not {sources[:12]}): "
                f"were files edited during the build? Build again")
        target.mkdir(parents=True, exist_ok=True)
        if not (target / name).is_file() or (target / name).read_bytes() != data:
            write_atomically(target / name, data)
    if target.is_dir():
        for stale in target.iterdir():
            if stale.name not in files:
                stale.unlink()
