"""Small data files made by the tests: IDX files for the dataset and data-fault tests,
CIFAR-10 archives in the official format for the download tests."""

from __future__ import annotations

import gzip
import hashlib
import io
import pickle
import tarfile
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


PER_BATCH = 4  # the official CIFAR-10 batches hold 10,000 images; these hold 4


def batch_pickle(images: np.ndarray, labels: list[int], numpy1_names: bool) -> bytes:
    """A batch as the official archive pickles it: a dict with the images as uint8
    rows of 3072 values (red, green, blue planes of 32x32) and the labels as a list."""
    batch = {"batch_label": "a test batch", "labels": labels,
             "data": images.reshape(len(images), 3072), "filenames": ["x.png"] * len(images)}  # fmt: skip
    raw = pickle.dumps(batch, protocol=2)
    if numpy1_names:  # as numpy 1 (which made the official files) names _reconstruct
        raw = raw.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")
    return raw


def make_archive(seed: int = 0, numpy1_names: bool = True, extra: bytes | None = None) -> tuple[bytes, np.ndarray]:
    """A small cifar-10-python.tar.gz: data_batch_1..5 and test_batch; returns it and
    the uint8 images of every batch, in order."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (6, PER_BATCH, 3, 32, 32), dtype=np.uint8)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
        for i, name in enumerate(names):
            labels = [(i + j) % 10 for j in range(PER_BATCH)]
            payload = extra if extra is not None and name == "test_batch" else batch_pickle(images[i], labels, numpy1_names)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    return buffer.getvalue(), images
