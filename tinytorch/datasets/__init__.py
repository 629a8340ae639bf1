"""Datasets for the milestones, bundled with the library and checked before use.

Nothing is downloaded unless asked (CIFAR-10, too big to bundle, with
``download=True``). A missing or damaged data file raises `DatasetError`, naming the
file, the expected and found checksums, and how to restore it.

Book: book/modules/08_data_loading.md
"""

from .checks import DatasetError
from .cifar import CIFAR10_CLASSES, load_cifar10
from .idx import IdxFile, read_idx
from .journeytalks import Talk, load_journeytalks
from .mnist import (
    FASHION_MNIST_CLASSES,
    FASHION_MNIST_FILES,
    MNIST_FILES,
    load_fashion_mnist,
    load_mnist,
)
from .tinydigits import load_tinydigits
from .toy import make_blobs, make_xor

__all__ = [
    "CIFAR10_CLASSES", "DatasetError", "FASHION_MNIST_CLASSES", "FASHION_MNIST_FILES",
    "IdxFile", "MNIST_FILES", "Talk", "load_cifar10", "load_fashion_mnist",
    "load_journeytalks", "load_mnist", "load_tinydigits", "make_blobs", "make_xor",
    "read_idx",
]  # fmt: skip
