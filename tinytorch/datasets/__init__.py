"""Datasets for the milestones, bundled with the library and checked before use.

Nothing is ever downloaded. A missing or damaged data file raises `DatasetError`,
naming the file, the expected and found checksums, and how to restore it.

Book: book/modules/08_data_loading.md
"""

from .checks import DatasetError
from .idx import IdxFile, read_idx
from .mnist import MNIST_FILES, load_mnist
from .tinydigits import load_tinydigits
from .toy import make_blobs, make_xor

__all__ = [
    "DatasetError", "IdxFile", "MNIST_FILES", "load_mnist", "load_tinydigits",
    "make_blobs", "make_xor", "read_idx",
]  # fmt: skip
