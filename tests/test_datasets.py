"""tinytorch.datasets: shapes and contents, the decompressed cache, the toy sets.

Every way a data file can be bad is in test_data_faults.py.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from datafiles import files_in, idx_bytes, write_idx

from tinytorch.datasets import (
    FASHION_MNIST_CLASSES,
    FASHION_MNIST_FILES,
    MNIST_FILES,
    IdxFile,
    load_fashion_mnist,
    load_mnist,
    load_tinydigits,
    make_blobs,
    make_xor,
    read_idx,
)
from tinytorch.datasets import mnist as mnist_module

MNIST_DIR = mnist_module.DATA_DIR / "mnist"
REPO_PATH = "tinytorch/datasets/data/test/train-images-idx3-ubyte.gz"


@pytest.fixture
def images() -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, size=(5, 28, 28), dtype=np.uint8)


@pytest.fixture
def source(tmp_path: Path, images: np.ndarray) -> tuple[Path, IdxFile]:
    path = tmp_path / "src" / "train-images-idx3-ubyte.gz"
    path.parent.mkdir()
    return path, write_idx(path, idx_bytes(images))


def test_tinydigits_shapes_dtypes_ranges_and_balance() -> None:
    x_train, y_train, x_test, y_test = load_tinydigits()
    assert x_train.shape == (1000, 64) and x_test.shape == (200, 64)
    assert x_train.dtype == x_test.dtype == np.float32
    assert y_train.dtype == y_test.dtype == np.int64
    for x in (x_train, x_test):
        assert x.min() == 0.0 and x.max() == 1.0
    assert np.bincount(y_train).tolist() == [100] * 10
    assert np.bincount(y_test).tolist() == [20] * 10
    # pixels are counts 0..16 divided by 16: every value is a multiple of 1/16
    assert np.array_equal(x_train * 16, np.round(x_train * 16))
    # digits differ: the mean image of a 0 is not the mean image of a 1
    zeros, ones = x_train[y_train == 0].mean(0), x_train[y_train == 1].mean(0)
    assert np.abs(zeros - ones).max() > 0.3


def test_bundled_mnist_counts_shapes_and_labels(tmp_path: Path) -> None:
    before = files_in(MNIST_DIR)
    x_train, y_train, x_test, y_test = load_mnist(cache_dir=tmp_path)
    assert x_train.shape == (60000, 784) and x_test.shape == (10000, 784)
    assert x_train.dtype == x_test.dtype == np.float32
    assert y_train.dtype == y_test.dtype == np.int64
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    assert 0.12 < x_train.mean() < 0.14  # MNIST's well-known mean intensity, 0.1307
    for labels, n in ((y_train, 60000), (y_test, 10000)):
        counts = np.bincount(labels, minlength=10)
        assert counts.sum() == n and len(counts) == 10
        assert counts.min() > 0.08 * n and counts.max() < 0.12 * n  # each about a tenth
    assert np.bincount(y_train).tolist()[:2] == [5923, 6742]  # the official counts

    # the second load comes from the cache and gives the same arrays, shaped as images
    assert len(files_in(tmp_path / "mnist")) == 4
    images, labels, _, _ = load_mnist(flatten=False, cache_dir=tmp_path)
    assert images.shape == (60000, 1, 28, 28)
    assert np.array_equal(images.reshape(60000, 784), x_train)
    assert np.array_equal(labels, y_train)
    assert files_in(MNIST_DIR) == before == sorted(MNIST_FILES)  # nothing written there


def test_bundled_fashion_mnist_is_balanced_clothing_in_mnists_shapes(tmp_path: Path) -> None:
    folder = mnist_module.DATA_DIR / "fashion-mnist"
    x_train, y_train, x_test, y_test = load_fashion_mnist(flatten=False, cache_dir=tmp_path)
    assert x_train.shape == (60000, 1, 28, 28) and x_test.shape == (10000, 1, 28, 28)
    assert x_train.dtype == np.float32 and y_test.dtype == np.int64
    assert np.bincount(y_train).tolist() == [6000] * 10  # the official split
    assert np.bincount(y_test).tolist() == [1000] * 10
    assert y_train[:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]  # ankle boot, T-shirt, ...
    assert 0.28 < x_train.mean() < 0.29  # Fashion-MNIST's mean intensity, 0.2860
    assert len(FASHION_MNIST_CLASSES) == 10 and FASHION_MNIST_CLASSES[9] == "Ankle boot"
    assert files_in(tmp_path / "fashion-mnist") and files_in(folder) == sorted(FASHION_MNIST_FILES)
    assert not np.array_equal(load_mnist(flatten=False, cache_dir=tmp_path)[0][:100], x_train[:100])


def test_read_idx_returns_the_array(
    source: tuple[Path, IdxFile], images: np.ndarray
) -> None:
    path, spec = source
    array = read_idx(path, spec, REPO_PATH)
    assert array.dtype == np.uint8 and np.array_equal(array, images)


def test_second_read_comes_from_the_cache(
    source: tuple[Path, IdxFile],
    images: np.ndarray,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, spec = source
    cache = tmp_path / "cache"
    read_idx(path, spec, REPO_PATH, cache)
    assert files_in(cache) == [f"train-images-idx3-ubyte.{spec.sha256_gz[:16]}"]

    def no_decompress(data: bytes) -> bytes:
        raise AssertionError("the .gz was decompressed again")

    monkeypatch.setattr(gzip, "decompress", no_decompress)
    assert np.array_equal(read_idx(path, spec, REPO_PATH, cache), images)


def test_a_new_source_misses_the_old_cache_entry(
    source: tuple[Path, IdxFile], tmp_path: Path
) -> None:
    path, spec = source
    cache = tmp_path / "cache"
    read_idx(path, spec, REPO_PATH, cache)
    new_images = np.full((5, 28, 28), 7, dtype=np.uint8)
    new_spec = write_idx(path, idx_bytes(new_images))
    assert np.array_equal(read_idx(path, new_spec, REPO_PATH, cache), new_images)
    assert f"train-images-idx3-ubyte.{new_spec.sha256_gz[:16]}" in files_in(cache)


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage"])
def test_damaged_cache_is_rebuilt(
    source: tuple[Path, IdxFile], images: np.ndarray, tmp_path: Path, damage: str
) -> None:
    path, spec = source
    cache = tmp_path / "cache"
    read_idx(path, spec, REPO_PATH, cache)
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

    assert np.array_equal(read_idx(path, spec, REPO_PATH, cache), images)
    assert cached.read_bytes() == good


def test_unwritable_cache_folder_is_skipped(
    source: tuple[Path, IdxFile], images: np.ndarray, tmp_path: Path
) -> None:
    path, spec = source
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert np.array_equal(read_idx(path, spec, REPO_PATH, blocker / "cache"), images)


def test_default_cache_folder_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TINYTORCH_CACHE", str(tmp_path / "tt"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert mnist_module.default_cache_dir() == tmp_path / "tt"
    monkeypatch.delenv("TINYTORCH_CACHE")
    assert mnist_module.default_cache_dir() == tmp_path / "xdg" / "tinytorch"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert mnist_module.default_cache_dir() == tmp_path / ".cache" / "tinytorch"


# ---------------------------------------------------------------------- toy sets


def least_squares_accuracy(x: np.ndarray, y: np.ndarray) -> float:
    """Accuracy of the best least-squares linear classifier sign(w . [x, 1])."""
    features = np.hstack([x, np.ones((len(x), 1))]).astype(np.float64)
    w, *_ = np.linalg.lstsq(features, 2 * y - 1, rcond=None)
    return float(np.mean((features @ w > 0) == (y > 0.5)))


def test_make_blobs_shapes_balance_and_determinism() -> None:
    x, y = make_blobs(n=200, seed=3)
    assert x.shape == (200, 2) and y.shape == (200, 1)
    assert x.dtype == y.dtype == np.float32
    assert set(np.unique(y)) == {0.0, 1.0} and y.sum() == 100
    x2, y2 = make_blobs(n=200, seed=3)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)
    assert not np.array_equal(make_blobs(n=200, seed=4)[0], x)


@pytest.mark.parametrize("seed", range(10))
def test_make_blobs_is_linearly_separable(seed: int) -> None:
    x, y = make_blobs(n=500, seed=seed, std=1.0, margin=0.2)
    side = 2 * y[:, 0] - 1
    # outside the margin around x1 + x2 = 0
    assert np.all(side * x.sum(axis=1) / np.sqrt(2) >= 0.2 - 1e-6)
    assert least_squares_accuracy(*make_blobs(n=200, seed=seed)) == 1.0


def test_make_xor_labels_corners_noise_and_determinism() -> None:
    x, y = make_xor(n=400, noise=0.0, seed=1)
    assert x.shape == (400, 2) and y.shape == (400, 1)
    assert x.dtype == y.dtype == np.float32
    corners, counts = np.unique(x, axis=0, return_counts=True)
    assert corners.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert counts.tolist() == [100] * 4
    assert np.array_equal(y[:, 0], np.logical_xor(x[:, 0], x[:, 1]))

    noisy, noisy_y = make_xor(n=400, noise=0.1, seed=1)
    assert np.array_equal(noisy_y, y)
    assert 0.08 < np.std(noisy - x) < 0.12
    again = make_xor(n=400, noise=0.1, seed=1)
    assert np.array_equal(again[0], noisy) and np.array_equal(again[1], noisy_y)
    assert not np.array_equal(make_xor(n=400, noise=0.1, seed=2)[0], noisy)


def test_make_xor_is_not_linearly_separable() -> None:
    assert least_squares_accuracy(*make_xor(n=400, seed=0)) <= 0.8


def test_toy_sets_accept_any_integer_seed() -> None:
    assert make_blobs(n=10, seed=-1)[0].shape == (10, 2)
    assert make_xor(n=8, seed=-1)[0].shape == (8, 2)
