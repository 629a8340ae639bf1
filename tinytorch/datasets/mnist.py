"""MNIST and Fashion-MNIST: 70,000 28x28 images each, handwritten digits and
clothing, in the same IDX format, bundled and checked before use (torchvision keeps
both in its mnist.py too).

Book: book/modules/08_data_loading.md
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .idx import IdxFile, read_idx

DATA_DIR = Path(__file__).resolve().parent / "data"

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

FASHION_MNIST_FILES = {
    "train-images-idx3-ubyte.gz": IdxFile(
        "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
        "f4a8712d7a061bf5bd6d2ca38dc4d50a",
        (60000, 28, 28),
    ),
    "train-labels-idx1-ubyte.gz": IdxFile(
        "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
        "9018921c3c673c538a1fc5bad174d6f9",
        (60000,),
    ),
    "t10k-images-idx3-ubyte.gz": IdxFile(
        "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
        "8181f5470baa50b63fa0f6fddb340f0a",
        (10000, 28, 28),
    ),
    "t10k-labels-idx1-ubyte.gz": IdxFile(
        "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
        "15d484375f8d13e6eb1aabb0c3f46965",
        (10000,),
    ),
}
FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
    "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip


def default_cache_dir() -> Path:
    """$TINYTORCH_CACHE, else $XDG_CACHE_HOME/tinytorch, else ~/.cache/tinytorch."""
    if os.environ.get("TINYTORCH_CACHE"):
        return Path(os.environ["TINYTORCH_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "tinytorch"


def load_idx_set(
    folder: str,
    files: dict[str, IdxFile],
    flatten: bool,
    root: str | Path | None,
    cache_dir: str | Path | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x_train, y_train, x_test, y_test) of an MNIST-format set in data/`folder`."""
    root = DATA_DIR / folder if root is None else Path(root)
    cache = (default_cache_dir() if cache_dir is None else Path(cache_dir)) / folder
    arrays = []
    for split in ("train", "t10k"):
        images, labels = (
            read_idx(
                root / name,
                files[name],
                f"tinytorch/datasets/data/{folder}/{name}",
                cache,
            )
            for name in (
                f"{split}-images-idx3-ubyte.gz",
                f"{split}-labels-idx1-ubyte.gz",
            )
        )
        x = np.divide(images, np.float32(255), dtype=np.float32)  # no float64 detour
        arrays += [
            x.reshape(len(x), -1) if flatten else x[:, None],
            labels.astype(np.int64),
        ]
    x_train, y_train, x_test, y_test = arrays
    return x_train, y_train, x_test, y_test


def load_mnist(
    flatten: bool = True,
    root: str | Path | None = None,
    cache_dir: str | Path | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """MNIST (x_train, y_train, x_test, y_test): x float32 in [0, 1], (N, 784), or
    (N, 1, 28, 28) with flatten=False; y int64 digits."""
    return load_idx_set("mnist", MNIST_FILES, flatten, root, cache_dir)


def load_fashion_mnist(
    flatten: bool = True,
    root: str | Path | None = None,
    cache_dir: str | Path | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fashion-MNIST (x_train, y_train, x_test, y_test), shaped as `load_mnist`'s:
    ten kinds of clothing, named by `FASHION_MNIST_CLASSES[y]`."""
    return load_idx_set("fashion-mnist", FASHION_MNIST_FILES, flatten, root, cache_dir)
