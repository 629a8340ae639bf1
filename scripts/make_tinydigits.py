"""Regenerate tinytorch/datasets/data/tinydigits.npz from scikit-learn's copy of the
UCI optical digits.

TinyDigits: 1000 train / 200 test 8x8 digits, 100 / 20 per class, pixel values 0-16
as uint8. The selection is seeded and the zip is written with fixed timestamps, so
rerunning this script reproduces the committed file byte for byte (its SHA-256 is
printed; `tinytorch.datasets` checks it).

    python -m venv /tmp/sk && /tmp/sk/bin/pip install scikit-learn numpy threadpoolctl
    /tmp/sk/bin/pip install --no-deps -e .
    /tmp/sk/bin/python scripts/make_tinydigits.py
"""

import hashlib
import io
import zipfile
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits

from tinytorch.files import write_atomically

SEED = 1957
TRAIN_PER_CLASS, TEST_PER_CLASS = 100, 20
OUT = Path(__file__).resolve().parents[1] / "tinytorch/datasets/data/tinydigits.npz"


def split(images: np.ndarray, labels: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """Pick a class-balanced train/test split, shuffled, with a seeded generator."""
    rng = np.random.default_rng(seed)
    train, test = [], []
    for digit in range(10):
        members = rng.permutation(np.flatnonzero(labels == digit))
        train.append(members[:TRAIN_PER_CLASS])
        test.append(members[TRAIN_PER_CLASS : TRAIN_PER_CLASS + TEST_PER_CLASS])
    train_idx = rng.permutation(np.concatenate(train))
    test_idx = rng.permutation(np.concatenate(test))
    return {
        "x_train": images[train_idx],
        "y_train": labels[train_idx],
        "x_test": images[test_idx],
        "y_test": labels[test_idx],
    }


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """An .npz like np.savez_compressed writes, but with fixed zip timestamps."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w") as member:
                np.lib.format.write_array(member, array, allow_pickle=False)
    return buffer.getvalue()


def main() -> None:
    digits = load_digits()
    images = digits.data.astype(np.uint8)  # integers 0..16, shape (1797, 64)
    labels = digits.target.astype(np.uint8)
    assert np.array_equal(images, digits.data) and images.max() == 16
    write_atomically(OUT, npz_bytes(split(images, labels, SEED)))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
    print(f"SHA-256 {hashlib.sha256(OUT.read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main()
