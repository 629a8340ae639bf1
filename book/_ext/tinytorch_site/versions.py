"""Package versions, as the manifest and the results fingerprint record them."""

from __future__ import annotations

from importlib import metadata


def version(package: str) -> str | None:
    """The installed version of `package`, or None."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None
