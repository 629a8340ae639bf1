"""Tests for tinytorch.datasets: shapes and contents, checksums and clear errors, the MNIST cache, toy sets."""

import gzip
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tinytorch import datasets
from tinytorch.datasets import (
    MNIST_FILES,
    DatasetError,
    IdxFile,
    load_mnist,
    load_tinydigits,
    make_blobs,
    make_xor,
    read_idx,
)

MNIST_DIR = datasets.DATA_DIR / "mnist"


def idx_bytes(array: np.ndarray, magic: int | None = None) -> bytes:
    """An uncompressed IDX file holding a uint8 array."""
    magic = 0x800 + array.ndim if magic is None else magic
    dims = b"".join(d.to_bytes(4, "big") for d in array.shape)
    return magic.to_bytes(4, "big") + dims + array.astype(np.uint8).tobytes()


def write_idx(path: Path, raw: bytes) -> IdxFile:
    """Gzip raw IDX bytes to path; return the spec that describes this exact file as the good one."""
    packed = gzip.compress(raw, mtime=0)
    path.write_bytes(packed)
    ndim = int.from_bytes(raw[:4], "big") - 0x800
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    return IdxFile(hashlib.sha256(packed).hexdigest(), hashlib.md5(raw).hexdigest(), shape)


@pytest.fixture
def images() -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, size=(5, 28, 28), dtype=np.uint8)


@pytest.fixture
def source(tmp_path: Path, images: np.ndarray) -> tuple[Path, IdxFile]:
    path = tmp_path / "src" / "train-images-idx3-ubyte.gz"
    path.parent.mkdir()
    return path, write_idx(path, idx_bytes(images))


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# TinyDigits ---------------------------------------------------------------------------------------------------


def test_tinydigits_shapes_dtypes_ranges_and_balance() -> None:
    x_train, y_train, x_test, y_test = load_tinydigits()
    assert x_train.shape == (1000, 64) and x_test.shape == (200, 64)
    assert x_train.dtype == x_test.dtype == np.float32
    assert y_train.dtype == y_test.dtype == np.int64
    for x in (x_train, x_test):
        assert x.min() == 0.0 and x.max() == 1.0
    assert np.bincount(y_train).tolist() == [100] * 10
    assert np.bincount(y_test).tolist() == [20] * 10
    # Pixels are counts 0..16 divided by 16: every value is a multiple of 1/16.
    assert np.array_equal(x_train * 16, np.round(x_train * 16))
    # Digits differ: the mean image of a 0 is not the mean image of a 1.
    assert np.abs(x_train[y_train == 0].mean(0) - x_train[y_train == 1].mean(0)).max() > 0.3


def test_tinydigits_damaged_or_missing_file_is_named_with_checksums(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = (datasets.DATA_DIR / "tinydigits.npz").read_bytes()
    monkeypatch.setattr(datasets, "DATA_DIR", tmp_path)
    path = tmp_path / "tinydigits.npz"

    with pytest.raises(DatasetError) as missing:
        load_tinydigits()
    assert str(path) in str(missing.value) and "file not found" in str(missing.value)
    assert datasets.TINYDIGITS_SHA256 in str(missing.value)

    damaged = bytearray(good)
    damaged[len(damaged) // 2] ^= 0xFF
    path.write_bytes(damaged)
    with pytest.raises(DatasetError) as err:
        load_tinydigits()
    message = str(err.value)
    assert str(path) in message
    assert datasets.TINYDIGITS_SHA256 in message and hashlib.sha256(damaged).hexdigest() in message
    assert "git checkout -- tinytorch/datasets/data/tinydigits.npz" in message

    path.write_bytes(good)
    assert load_tinydigits()[0].shape == (1000, 64)


# MNIST, the real bundled files ---------------------------------------------------------------------------------


def test_bundled_mnist_counts_shapes_and_labels(tmp_path: Path) -> None:
    before = files_in(MNIST_DIR)
    x_train, y_train, x_test, y_test = load_mnist(cache_dir=tmp_path)
    assert x_train.shape == (60000, 784) and x_test.shape == (10000, 784)
    assert x_train.dtype == x_test.dtype == np.float32 and y_train.dtype == y_test.dtype == np.int64
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    assert 0.12 < x_train.mean() < 0.14  # MNIST's well-known mean intensity, 0.1307
    for labels, n in ((y_train, 60000), (y_test, 10000)):
        counts = np.bincount(labels, minlength=10)
        assert counts.sum() == n and len(counts) == 10
        assert counts.min() > 0.08 * n and counts.max() < 0.12 * n  # every digit, roughly a tenth
    assert np.bincount(y_train).tolist()[:2] == [5923, 6742]  # the official training counts of 0 and 1

    # The second load comes from the cache and gives the same arrays, shaped as images.
    assert len(files_in(tmp_path / "mnist")) == 4
    images, labels, _, _ = load_mnist(flatten=False, cache_dir=tmp_path)
    assert images.shape == (60000, 1, 28, 28)
    assert np.array_equal(images.reshape(60000, 784), x_train) and np.array_equal(labels, y_train)
    assert files_in(MNIST_DIR) == before == sorted(MNIST_FILES)  # nothing written into the data folder


def test_bundled_mnist_file_with_a_flipped_byte_is_rejected(tmp_path: Path) -> None:
    name = "t10k-labels-idx1-ubyte.gz"
    packed = bytearray((MNIST_DIR / name).read_bytes())
    packed[len(packed) // 2] ^= 0x01
    (tmp_path / name).write_bytes(packed)
    with pytest.raises(DatasetError) as err:
        read_idx(tmp_path / name, MNIST_FILES[name])
    message = str(err.value)
    assert str(tmp_path / name) in message
    assert MNIST_FILES[name].sha256_gz in message and hashlib.sha256(packed).hexdigest() in message
    assert f"git checkout -- tinytorch/datasets/data/mnist/{name}" in message


def test_load_mnist_names_the_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DatasetError) as err:
        load_mnist(root=tmp_path, cache_dir=tmp_path / "cache")
    path = tmp_path / "train-images-idx3-ubyte.gz"
    assert f"Data file {path}: file not found" in str(err.value)
    assert MNIST_FILES[path.name].sha256_gz in str(err.value)


# MNIST checks on small synthetic IDX files ---------------------------------------------------------------------


def test_read_idx_returns_the_array(source: tuple[Path, IdxFile], images: np.ndarray) -> None:
    path, spec = source
    array = read_idx(path, spec)
    assert array.dtype == np.uint8 and np.array_equal(array, images)


def test_truncated_gz_names_file_and_both_checksums(source: tuple[Path, IdxFile]) -> None:
    path, spec = source
    truncated = path.read_bytes()[:-100]
    path.write_bytes(truncated)
    with pytest.raises(DatasetError) as err:
        read_idx(path, spec)
    message = str(err.value)
    assert str(path) in message and "cannot decompress" in message
    assert spec.sha256_gz in message and hashlib.sha256(truncated).hexdigest() in message


def test_flipped_content_byte_names_file_and_both_checksums(source: tuple[Path, IdxFile], images: np.ndarray) -> None:
    path, spec = source
    raw = bytearray(idx_bytes(images))
    raw[-1] ^= 0x01
    damaged = write_idx(path, bytes(raw))  # a valid gzip, wrong content
    with pytest.raises(DatasetError) as err:
        read_idx(path, spec)
    message = str(err.value)
    assert str(path) in message and "MD5" in message
    assert spec.md5 in message and damaged.md5 in message
    assert spec.sha256_gz in message and damaged.sha256_gz in message


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (idx_bytes(np.zeros((5, 28, 28)), magic=2049), "IDX magic number is 2049, expected 2051"),
        (idx_bytes(np.zeros((4, 28, 28))), "IDX header says shape (4, 28, 28), expected (5, 28, 28)"),
        (idx_bytes(np.zeros((5, 28, 28))) + b"\0", "3937 bytes after decompression, the header implies 3936"),
        (b"\0\0\x08", "only 3 bytes, shorter than an IDX header"),
    ],
)
def test_bad_header_or_length_is_explained(source: tuple[Path, IdxFile], raw: bytes, problem: str) -> None:
    path, spec = source
    path.write_bytes(gzip.compress(raw, mtime=0))
    with pytest.raises(DatasetError) as err:
        read_idx(path, spec)
    message = str(err.value)
    assert f"Data file {path}: {problem}." in message
    assert spec.sha256_gz in message and hashlib.sha256(path.read_bytes()).hexdigest() in message
    assert spec.md5 in message and hashlib.md5(raw).hexdigest() in message


# The decoded cache ---------------------------------------------------------------------------------------------


def test_second_read_comes_from_the_cache(
    source: tuple[Path, IdxFile], images: np.ndarray, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, spec = source
    cache = tmp_path / "cache"
    read_idx(path, spec, cache)
    assert files_in(cache) == [f"train-images-idx3-ubyte.{spec.sha256_gz[:16]}"]

    def no_decompress(data: bytes) -> bytes:
        raise AssertionError("the .gz was decompressed again")

    monkeypatch.setattr(gzip, "decompress", no_decompress)
    assert np.array_equal(read_idx(path, spec, cache), images)


def test_changed_source_misses_the_cache(source: tuple[Path, IdxFile], tmp_path: Path) -> None:
    path, spec = source
    cache = tmp_path / "cache"
    read_idx(path, spec, cache)

    # A damaged source is reported even though a good decoded copy of the old one is cached.
    raw = bytearray(gzip.decompress(path.read_bytes()))
    raw[-1] ^= 0x01
    write_idx(path, bytes(raw))
    with pytest.raises(DatasetError):
        read_idx(path, spec, cache)

    # A new, valid source is decoded afresh, not served from the old cache entry.
    new_images = np.full((5, 28, 28), 7, dtype=np.uint8)
    new_spec = write_idx(path, idx_bytes(new_images))
    assert np.array_equal(read_idx(path, new_spec, cache), new_images)
    assert f"train-images-idx3-ubyte.{new_spec.sha256_gz[:16]}" in files_in(cache)


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage"])
def test_damaged_cache_is_rebuilt(
    source: tuple[Path, IdxFile], images: np.ndarray, tmp_path: Path, damage: str
) -> None:
    path, spec = source
    cache = tmp_path / "cache"
    read_idx(path, spec, cache)
    (cached,) = cache.iterdir()
    good = cached.read_bytes()
    bad = bytearray(good)
    if damage == "truncate":
        bad = bad[: len(bad) // 2]
    elif damage == "flip":
        bad[-1] ^= 0x01  # same length and header: only the MD5 can tell
    else:
        bad = bytearray(b"not an IDX file")
    cached.write_bytes(bad)

    assert np.array_equal(read_idx(path, spec, cache), images)
    assert cached.read_bytes() == good


class Crash(Exception):
    pass


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), Crash("killed mid-write")])
def test_failed_cache_write_leaves_nothing_behind(
    source: tuple[Path, IdxFile],
    images: np.ndarray,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
) -> None:
    path, spec = source
    cache = tmp_path / "cache"
    real_fdopen = os.fdopen

    class HalfWriter:
        """A file that writes half of the data, then fails."""

        def __init__(self, fd: int, mode: str) -> None:
            self.file = real_fdopen(fd, mode)

        def __enter__(self) -> "HalfWriter":
            return self

        def __exit__(self, *exc: object) -> None:
            self.file.close()

        def write(self, data: bytes) -> None:
            self.file.write(data[: len(data) // 2])
            self.file.flush()
            raise error

    monkeypatch.setattr(os, "fdopen", HalfWriter)
    if isinstance(error, OSError):  # a full disk only costs the cache
        assert np.array_equal(read_idx(path, spec, cache), images)
    else:
        with pytest.raises(Crash):
            read_idx(path, spec, cache)
    assert files_in(cache) == []
    assert files_in(path.parent) == [path.name]


def test_unwritable_cache_folder_is_skipped(source: tuple[Path, IdxFile], images: np.ndarray, tmp_path: Path) -> None:
    path, spec = source
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert np.array_equal(read_idx(path, spec, blocker / "cache"), images)


def test_default_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TINYTORCH_CACHE", str(tmp_path / "tt"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert datasets._default_cache_dir() == tmp_path / "tt"
    monkeypatch.delenv("TINYTORCH_CACHE")
    assert datasets._default_cache_dir() == tmp_path / "xdg" / "tinytorch"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert datasets._default_cache_dir() == tmp_path / ".cache" / "tinytorch"


# Toy sets ------------------------------------------------------------------------------------------------------


def least_squares_accuracy(x: np.ndarray, y: np.ndarray) -> float:
    """Accuracy of the best least-squares linear classifier sign(w . [x, 1])."""
    features = np.hstack([x, np.ones((len(x), 1))]).astype(np.float64)
    w, *_ = np.linalg.lstsq(features, 2 * y - 1, rcond=None)
    return float(np.mean((features @ w > 0) == (y > 0.5)))


def test_make_blobs_shapes_balance_and_determinism() -> None:
    x, y = make_blobs(n=200, seed=3)
    assert x.shape == (200, 2) and y.shape == (200, 1) and x.dtype == y.dtype == np.float32
    assert set(np.unique(y)) == {0.0, 1.0} and y.sum() == 100
    x2, y2 = make_blobs(n=200, seed=3)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)
    assert not np.array_equal(make_blobs(n=200, seed=4)[0], x)


@pytest.mark.parametrize("seed", range(10))
def test_make_blobs_is_linearly_separable(seed: int) -> None:
    x, y = make_blobs(n=500, seed=seed, std=1.0, margin=0.2)
    side = 2 * y[:, 0] - 1
    assert np.all(side * x.sum(axis=1) / np.sqrt(2) >= 0.2 - 1e-6)  # outside the margin around x1 + x2 = 0
    assert least_squares_accuracy(*make_blobs(n=200, seed=seed)) == 1.0


def test_make_blobs_rejects_an_impossible_margin() -> None:
    with pytest.raises(ValueError, match="margin"):
        make_blobs(margin=2.0)


def test_make_xor_labels_corners_noise_and_determinism() -> None:
    x, y = make_xor(n=400, noise=0.0, seed=1)
    assert x.shape == (400, 2) and y.shape == (400, 1) and x.dtype == y.dtype == np.float32
    corners, counts = np.unique(x, axis=0, return_counts=True)
    assert corners.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and counts.tolist() == [100] * 4
    assert np.array_equal(y[:, 0], np.logical_xor(x[:, 0], x[:, 1]))

    noisy, noisy_y = make_xor(n=400, noise=0.1, seed=1)
    assert np.array_equal(noisy_y, y)
    assert 0.08 < np.std(noisy - x) < 0.12
    again = make_xor(n=400, noise=0.1, seed=1)
    assert np.array_equal(again[0], noisy) and np.array_equal(again[1], noisy_y)
    assert not np.array_equal(make_xor(n=400, noise=0.1, seed=2)[0], noisy)


def test_make_xor_is_not_linearly_separable() -> None:
    assert least_squares_accuracy(*make_xor(n=400, seed=0)) <= 0.8


# Independence --------------------------------------------------------------------------------------------------


def test_datasets_module_imports_alone_with_numpy() -> None:
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('isolated', {str(Path(datasets.__file__))!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
        "assert module.load_tinydigits()[0].shape == (1000, 64)\n"
        "print(sorted(m for m in sys.modules if m.startswith('tinytorch')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
