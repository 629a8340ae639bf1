"""The data each milestone trains and tests on, with a sentence saying what it is.

The toy sets draw their test points from the same distribution with another seed
(seed + HELD_OUT): fresh points that no training step has seen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from tinytorch.datasets import load_mnist, load_tinydigits, make_blobs, make_xor

HELD_OUT = 1000


class Splits(NamedTuple):
    """Training and test arrays, and what they are (the results table prints it)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    about: str
    test_about: str


def _toy(
    make: Callable[..., tuple[np.ndarray, np.ndarray]],
    seed: int,
    about: str,
    test_about: str,
) -> Splits:
    x_train, y_train = make(200, seed=seed)
    x_test, y_test = make(200, seed=seed + HELD_OUT)
    return Splits(x_train, y_train, x_test, y_test, about, test_about)


def blobs(seed: int) -> Splits:
    """Two linearly separable clusters of 200 points, and 200 fresh ones to test."""
    return _toy(
        make_blobs,
        seed,
        "make_blobs(n=200): two separable clusters",
        f"make_blobs(n=200, seed={seed + HELD_OUT}): fresh points, same clusters",
    )


def xor(seed: int) -> Splits:
    """The four noisy corners of XOR, 200 points, and 200 fresh ones to test."""
    return _toy(
        make_xor,
        seed,
        "make_xor(n=200, noise=0.1): the corners of the unit square, y = x1 XOR x2",
        f"make_xor(n=200, seed={seed + HELD_OUT}): fresh noisy corners",
    )


def tinydigits(seed: int = 0) -> Splits:
    """TinyDigits: 1,000 training and 200 test 8x8 digits (a fixed split: the seed
    changes nothing here)."""
    return Splits(
        *load_tinydigits(),
        "TinyDigits: 1,000 training images, 8x8 pixels",
        "the TinyDigits test set (200 images)",
    )


def mnist(seed: int = 0) -> Splits:
    """MNIST: 60,000 training and 10,000 test 28x28 digits, flattened to 784 values
    (the published split: the seed changes nothing here)."""
    return Splits(
        *load_mnist(),
        "MNIST: 60,000 training images, 28x28 pixels",
        "the MNIST test set (10,000 images)",
    )


def mnist_one_hot(seed: int = 0) -> Splits:
    """MNIST with each label as a one-hot row of ten floats: the targets a squared
    error needs (the 1986 recipe)."""
    x_train, y_train, x_test, y_test, about, test_about = mnist(seed)
    one_hot = np.eye(10, dtype=np.float32)
    return Splits(x_train, one_hot[y_train], x_test, one_hot[y_test],
                  about + ", labels one-hot", test_about)
