"""Datasets for the milestones: two toy 2-D sets, TinyDigits and MNIST, bundled and checked before use.

Only numpy and the standard library: this package never imports the rest of tinytorch and never downloads.
A missing or damaged data file raises `DatasetError`, naming the file, the checksums and how to restore it.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import zlib
from pathlib import Path
from typing import NamedTuple

import numpy as np

__all__ = [
    "DatasetError",
    "IdxFile",
    "MNIST_FILES",
    "load_mnist",
    "load_tinydigits",
    "make_blobs",
    "make_xor",
    "read_idx",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
TINYDIGITS_SHA256 = "dc808c6d83825d061ab6b71fc1d087b6b3e198b9f6064d736b92431ecd738d21"


class DatasetError(RuntimeError):
    """A data file is missing or damaged; the message names it, its checksums and how to restore it."""


class IdxFile(NamedTuple):
    """What one gzipped MNIST IDX file must hold."""

    sha256_gz: str  # of the bundled .gz; it keys the cache and tells which copy you have
    md5: str  # of the decompressed file: the official MNIST checksum, the one that decides
    shape: tuple[int, ...]


MNIST_FILES = {
    "train-images-idx3-ubyte.gz": IdxFile(
        "71524e2cd1ad2968737f7f2f2ff69cbfc32df8ccddff51593f7cb2d4e0eb5b64",
        "6bbc9ace898e44ae57da46a324031adb",
        (60000, 28, 28),
    ),
    "train-labels-idx1-ubyte.gz": IdxFile(
        "fe03b8bd7915f70bf5aa08be480aa413fbd85afcaa58b35d230d335f284fd88e",
        "a25bea736e30d166cdddb491f175f624",
        (60000,),
    ),
    "t10k-images-idx3-ubyte.gz": IdxFile(
        "5634745efa576a17e7d4cf5cd9d09123c75e6538e5114267c2d156edaf519341",
        "2646ac647ad5339dbf082846283269ea",
        (10000, 28, 28),
    ),
    "t10k-labels-idx1-ubyte.gz": IdxFile(
        "ae18e77e031ccde52407f794d123116439864147d33ac992975f85dd4dc42af6",
        "27ae3e4e09519cfbb04c329615203637",
        (10000,),
    ),
}


def _damaged(path: Path, problem: str, checksums: dict[str, tuple[str, str]], repo_path: str) -> DatasetError:
    """Build the error every bad data file gets: what is wrong, expected vs found checksums, the fix."""
    lines = [f"Data file {path}: {problem}."]
    lines += [f"  {kind}: expected {expected}, found {found}" for kind, (expected, found) in checksums.items()]
    lines.append(
        f"Restore it with `git checkout -- {repo_path}` in the TinyTorch repository, "
        f"or copy {repo_path} from a clean clone to {path}."
    )
    return DatasetError("\n".join(lines))


def _read(path: Path) -> bytes | None:
    """The file's bytes, or None if it is not there."""
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _write_atomically(target: Path, data: bytes) -> None:
    """Write data via a temp file in the same folder and os.replace; on any OSError, skip (it is a cache)."""
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    except OSError:
        pass  # read-only or full cache folder: loading still works, only slower next time
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)


def _decode_idx(raw: bytes, expected: IdxFile) -> np.ndarray:
    """The IDX file's uint8 array; ValueError says what is wrong with its header, length or MD5."""
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
    if len(raw) != header + int(np.prod(dims)):
        raise ValueError(f"{len(raw)} bytes after decompression, the header implies {header + int(np.prod(dims))}")
    if hashlib.md5(raw).hexdigest() != expected.md5:
        raise ValueError("its content does not match the official MD5")
    return np.frombuffer(raw, np.uint8, offset=header).reshape(dims)


def read_idx(path: str | Path, expected: IdxFile, cache_dir: str | Path | None = None) -> np.ndarray:
    """Read a gzipped IDX file as a read-only uint8 array, checked against `expected`.

    The verified, decompressed file is cached in `cache_dir` under the .gz's SHA-256, so a changed
    source misses the cache; a cache copy is checked with the same MD5 and rebuilt if damaged.
    """
    path = Path(path).absolute()
    repo_path = f"tinytorch/datasets/data/mnist/{path.name}"
    packed = _read(path)
    if packed is None:
        raise _damaged(path, "file not found", {"SHA-256 of the .gz": (expected.sha256_gz, "no file")}, repo_path)
    sha256 = hashlib.sha256(packed).hexdigest()
    cached = None if cache_dir is None else Path(cache_dir) / f"{path.name.removesuffix('.gz')}.{sha256[:16]}"
    if cached is not None:
        try:
            return _decode_idx(cached.read_bytes(), expected)
        except (OSError, ValueError):
            pass  # no cache entry yet, or a damaged one: rebuild it from the source
    try:
        raw = gzip.decompress(packed)
    except (EOFError, OSError, zlib.error) as err:
        checksums = {"SHA-256 of the .gz": (expected.sha256_gz, sha256)}
        raise _damaged(path, f"cannot decompress it ({err})", checksums, repo_path) from None
    try:
        array = _decode_idx(raw, expected)
    except ValueError as err:
        checksums = {
            "SHA-256 of the .gz": (expected.sha256_gz, sha256),
            "MD5 of the content": (expected.md5, hashlib.md5(raw).hexdigest()),
        }
        raise _damaged(path, str(err), checksums, repo_path) from None
    if cached is not None:
        _write_atomically(cached, raw)
    return array


def _default_cache_dir() -> Path:
    """$TINYTORCH_CACHE, else $XDG_CACHE_HOME/tinytorch, else ~/.cache/tinytorch."""
    if os.environ.get("TINYTORCH_CACHE"):
        return Path(os.environ["TINYTORCH_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tinytorch"


def load_mnist(
    flatten: bool = True, root: str | Path | None = None, cache_dir: str | Path | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """MNIST (x_train, y_train, x_test, y_test): x float32 in [0, 1], (N, 784) or (N, 1, 28, 28); y int64."""
    root = DATA_DIR / "mnist" if root is None else Path(root)
    cache = (_default_cache_dir() if cache_dir is None else Path(cache_dir)) / "mnist"
    arrays = []
    for split in ("train", "t10k"):
        images, labels = (
            read_idx(root / name, MNIST_FILES[name], cache)
            for name in (f"{split}-images-idx3-ubyte.gz", f"{split}-labels-idx1-ubyte.gz")
        )
        x = np.divide(images, np.float32(255), dtype=np.float32)  # one uint8 -> float32 pass, no float64
        arrays += [x.reshape(len(x), 784) if flatten else x[:, None], labels.astype(np.int64)]
    x_train, y_train, x_test, y_test = arrays
    return x_train, y_train, x_test, y_test


def load_tinydigits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """TinyDigits (x_train, y_train, x_test, y_test): 8x8 digits, x float32 (N, 64) in [0, 1], y int64."""
    path = DATA_DIR / "tinydigits.npz"
    repo_path = "tinytorch/datasets/data/tinydigits.npz"
    packed = _read(path)
    sha256 = "no file" if packed is None else hashlib.sha256(packed).hexdigest()
    if sha256 != TINYDIGITS_SHA256:
        problem = "file not found" if packed is None else "its SHA-256 does not match"
        raise _damaged(path, problem, {"SHA-256": (TINYDIGITS_SHA256, sha256)}, repo_path)
    with np.load(path, allow_pickle=False) as data:
        x_train, y_train, x_test, y_test = (data[k] for k in ("x_train", "y_train", "x_test", "y_test"))
    pixels = np.float32(16)  # the UCI digits count 0-16 pixels per 4x4 block
    return (
        np.divide(x_train, pixels, dtype=np.float32),
        y_train.astype(np.int64),
        np.divide(x_test, pixels, dtype=np.float32),
        y_test.astype(np.int64),
    )


def make_blobs(n: int = 200, seed: int = 0, std: float = 0.5, margin: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian clusters around (-1, -1) and (1, 1), kept `margin` clear of the line x1 + x2 = 0.

    Linearly separable by construction (points inside the margin are redrawn), so the perceptron
    convergence theorem applies. Returns x float32 (n, 2) and y float32 (n, 1) in {0, 1}, half each.
    """
    if not 0 <= margin < np.sqrt(2):
        raise ValueError(f"margin must be in [0, sqrt(2)), the centres' distance to the boundary; got {margin}")
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n) % 2).astype(np.float32)
    side = 2 * y - 1
    x = np.empty((n, 2))
    redraw = np.ones(n, dtype=bool)
    while redraw.any():
        x[redraw] = side[redraw, None] + std * rng.standard_normal((int(redraw.sum()), 2))
        redraw = side * x.sum(axis=1) / np.sqrt(2) < margin
    return x.astype(np.float32), y[:, None]


def make_xor(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """XOR: the corners (0,0), (0,1), (1,0), (1,1), a quarter each, plus Gaussian noise; y = x1 XOR x2.

    Returns x float32 (n, 2) and y float32 (n, 1): the 1969 problem no single-layer perceptron solves.
    """
    rng = np.random.default_rng(seed)
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])[rng.permutation(np.arange(n) % 4)]
    x = corners + noise * rng.standard_normal((n, 2))
    y = corners[:, 0] ^ corners[:, 1]
    return x.astype(np.float32), y[:, None].astype(np.float32)
