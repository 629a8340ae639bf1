"""The IDX format of MNIST and Fashion-MNIST, read from gzipped files and checked.

Book: book/modules/08_data_loading.md
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..files import remove_stale_temp_files, write_atomically
from .checks import damaged, read_checked


class IdxFile(NamedTuple):
    """What one gzipped IDX file must hold."""

    sha256_gz: str  # of the bundled .gz: checked first, and it keys the cache
    md5: str  # of the decompressed file: the dataset's published checksum
    shape: tuple[int, ...]


def decode_idx(raw: bytes, expected: IdxFile) -> np.ndarray:
    """The IDX file's uint8 array; ValueError says what is wrong with its header,
    length or MD5."""
    ndim = len(expected.shape)
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"only {len(raw)} bytes, shorter than an IDX header")
    magic = int.from_bytes(raw[:4], "big")
    if magic != 0x800 + ndim:
        raise ValueError(f"IDX magic number is {magic}, expected {0x800 + ndim}")
    dims = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if dims != expected.shape:
        raise ValueError(f"IDX header says shape {dims}, expected {expected.shape}")
    size = header + int(np.prod(dims))
    if len(raw) != size:
        raise ValueError(
            f"{len(raw)} bytes after decompression, the header implies {size}"
        )
    if hashlib.md5(raw).hexdigest() != expected.md5:
        raise ValueError("its content does not match the published MD5")
    return np.frombuffer(raw, np.uint8, offset=header).reshape(dims)


def read_idx(
    path: str | Path,
    expected: IdxFile,
    repo_path: str,
    cache_dir: str | Path | None = None,
) -> np.ndarray:
    """Read a gzipped IDX file as a read-only uint8 array, checked against `expected`.

    The .gz must be the bundled file (its SHA-256) before it is decompressed. The
    decompressed file is cached in `cache_dir` under that checksum; a cached copy is
    checked against the MD5 again and rebuilt if damaged.
    """
    path = Path(path).absolute()
    cached = None
    if cache_dir is not None:
        name = f"{path.name.removesuffix('.gz')}.{expected.sha256_gz[:16]}"
        cached = Path(cache_dir) / name
        try:
            return decode_idx(cached.read_bytes(), expected)
        except (OSError, ValueError):
            pass  # not cached yet, or damaged: rebuild it from the bundled file
    packed = read_checked(path, expected.sha256_gz, repo_path)
    raw = b""
    try:
        raw = gzip.decompress(packed)
        array = decode_idx(raw, expected)
    except (EOFError, OSError, ValueError) as err:  # a bundled file that lies
        found = hashlib.md5(raw).hexdigest() if raw else "cannot decompress"
        checksums = {"MD5 of the content": (expected.md5, found)}
        raise damaged(path, str(err), checksums, repo_path) from None
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            remove_stale_temp_files(cached.parent)
            write_atomically(cached, raw)
        except OSError:
            pass  # a read-only or full cache folder: loading works, only slower
    return array
