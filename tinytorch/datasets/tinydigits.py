"""TinyDigits: 1,200 handwritten 8x8 digits, small enough to train in a blink.

Book: book/modules/08_data_loading.md
"""

from __future__ import annotations

import io

import numpy as np

from .checks import read_checked
from .mnist import DATA_DIR

TINYDIGITS_SHA256 = "dc808c6d83825d061ab6b71fc1d087b6b3e198b9f6064d736b92431ecd738d21"


def load_tinydigits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """TinyDigits (x_train, y_train, x_test, y_test): x float32 (N, 64) in [0, 1],
    y int64."""
    packed = read_checked(
        DATA_DIR / "tinydigits.npz",
        TINYDIGITS_SHA256,
        "tinytorch/datasets/data/tinydigits.npz",
    )
    with np.load(io.BytesIO(packed), allow_pickle=False) as data:
        x_train, y_train, x_test, y_test = (
            data[k] for k in ("x_train", "y_train", "x_test", "y_test")
        )
    pixels = np.float32(16)  # the UCI digits count 0-16 pixels per 4x4 block
    return (
        np.divide(x_train, pixels, dtype=np.float32),
        y_train.astype(np.int64),
        np.divide(x_test, pixels, dtype=np.float32),
        y_test.astype(np.int64),
    )
