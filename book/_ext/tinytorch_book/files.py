"""Files a chapter publishes into the built site, such as the weights of a network it
trained, for the page's JavaScript to fetch.

The build tells the chapter's kernel where to write (beside the execution cache, so a
cached rebuild still serves the file, and wiped with the cached results when they go
stale) and the fingerprint of the sources it is building. The file's size, SHA-256
and fingerprint are glued, so ``manifest.json`` lists them and the build copies into
``_build/html/published/`` only a file that is exactly the one the page produced.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any

from tinytorch.files import write_atomically

from .publishing import publish

FOLDER_VARIABLE = "TINYTORCH_SITE_PUBLISHED"
FINGERPRINT_VARIABLE = "TINYTORCH_SITE_FINGERPRINT"
FILE_KEY_PREFIX = "tinytorch_book_file:"
SITE_FOLDER = "published"  # where the files are served, under the site's root
NAME = re.compile(r"[a-z0-9][a-z0-9_.-]*")


def build_fingerprint() -> str:
    """The fingerprint of the sources this build runs (``manifest.json`` records the
    same value), to stamp into a published file."""
    return _from_build(FINGERPRINT_VARIABLE, "build_fingerprint")


def publish_file(name: str, data: bytes) -> dict[str, Any]:
    """Write ``data`` as the site's ``published/<name>`` and record it in the manifest.

    Returns the record: ``{"bytes", "sha256", "fingerprint"}``.
    """
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ValueError(f"publish_file: name {name!r} must be a plain file name in "
                         f"lower case (letters, digits, '.', '_', '-'), such as "
                         f"'mnist-mlp.safetensors'")
    if not isinstance(data, bytes):
        raise TypeError(f"publish_file({name!r}): data is a {type(data).__name__}, "
                        f"not bytes")
    folder = Path(_from_build(FOLDER_VARIABLE, f"publish_file({name!r})"))
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(folder / name, data)
    record = {
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "fingerprint": build_fingerprint(),
    }
    publish(FILE_KEY_PREFIX + name, record)
    return record


def _from_build(variable: str, caller: str) -> str:
    value = os.environ.get(variable)
    if not value:
        raise RuntimeError(f"{caller}: {variable} is not set. Only the site's build "
                           f"(`make site`) sets it: published files belong to a "
                           f"build, and a chapter run outside one has none")
    return value
