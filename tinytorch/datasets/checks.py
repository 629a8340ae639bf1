"""DatasetError, and the checks every bundled data file passes before it is used.

Book: book/modules/08_data_loading.md
"""

from __future__ import annotations

import hashlib
from pathlib import Path


class DatasetError(RuntimeError):
    """A data file is missing or damaged: the message names it, its checksum, a fix."""


def damaged(
    path: Path, problem: str, checksums: dict[str, tuple[str, str]], repo_path: str
) -> DatasetError:
    """The error every bad data file gets: what is wrong, expected vs found, the fix."""
    lines = [f"Data file {path}: {problem}."]
    lines += [
        f"  {kind}: expected {expected}, found {found}"
        for kind, (expected, found) in checksums.items()
    ]
    lines.append(
        f"Restore it with `git checkout -- {repo_path}` in the TinyTorch "
        f"repository, or copy {repo_path} from a clean clone to {path}."
    )
    return DatasetError("\n".join(lines))


def read_checked(path: Path, sha256: str, repo_path: str) -> bytes:
    """The file's bytes, once their SHA-256 is the expected one (checked before any
    decompression, so a replaced file is never inflated)."""
    kind = "SHA-256 of the file"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise damaged(
            path, "file not found", {kind: (sha256, "no file")}, repo_path
        ) from None
    except IsADirectoryError:
        raise damaged(
            path, "it is a folder, not a file", {kind: (sha256, "a folder")}, repo_path
        ) from None
    except OSError as err:
        raise DatasetError(
            f"Data file {path}: cannot read it ({err.strerror or err}). Check that it "
            f"is readable (e.g. `chmod a+r {path}`); its SHA-256 must be {sha256}."
        ) from None
    found = hashlib.sha256(data).hexdigest()
    if found != sha256:
        problem = f"its content is not the bundled file ({len(data):,} bytes)"
        raise damaged(path, problem, {kind: (sha256, found)}, repo_path)
    return data
