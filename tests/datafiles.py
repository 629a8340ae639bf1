"""Small IDX files made by the tests, for the dataset and data-fault tests."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import numpy as np

from tinytorch.datasets import IdxFile


def idx_bytes(array: np.ndarray, magic: int | None = None) -> bytes:
    """An uncompressed IDX file holding a uint8 array."""
    magic = 0x800 + array.ndim if magic is None else magic
    dims = b"".join(d.to_bytes(4, "big") for d in array.shape)
    return magic.to_bytes(4, "big") + dims + array.astype(np.uint8).tobytes()


def write_idx(path: Path, raw: bytes) -> IdxFile:
    """Gzip raw IDX bytes to path; return the spec that calls this exact file good."""
    packed = gzip.compress(raw, mtime=0)
    path.write_bytes(packed)
    ndim = int.from_bytes(raw[:4], "big") - 0x800
    shape = tuple(
        int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)
    )
    return IdxFile(
        hashlib.sha256(packed).hexdigest(), hashlib.md5(raw).hexdigest(), shape
    )


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []
