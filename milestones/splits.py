"""The data each milestone trains and tests on, with a sentence saying what it is.

The toy sets draw their test points from the same distribution with another seed
(seed + HELD_OUT): fresh points that no training step has seen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

import tinytorch as tt
from tinytorch.datasets import (
    load_cifar10,
    load_fashion_mnist,
    load_journeytalks,
    load_mnist,
    load_tinydigits,
    make_blobs,
    make_xor,
)
from tinytorch.datasets.mnist import default_cache_dir
from tinytorch.utils.data import Dataset

from .language import TalkRows

HELD_OUT = 1000


class NoValidationSplit(ValueError):
    """--validation asked of data that has no validation split."""


class Splits(NamedTuple):
    """Training and test arrays, and what they are (the results table prints it)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    about: str
    test_about: str
    train_set: Dataset | None = None  # draws its own rows, instead of x/y_train

    def tensors(self) -> tuple[tt.Tensor, tt.Tensor, tt.Tensor, tt.Tensor]:
        """x_train, y_train, x_test and y_test as tensors (sharing the arrays'
        memory), the way a model and a TensorDataset take them."""
        return tuple(tt.from_numpy(a) for a in self[:4])


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
    data, one_hot = mnist(seed), np.eye(10, dtype=np.float32)
    return data._replace(y_train=one_hot[data.y_train], y_test=one_hot[data.y_test],
                         about=data.about + ", labels one-hot")  # fmt: skip


def tinydigits_images(seed: int = 0) -> Splits:
    """TinyDigits as images, (N, 1, 8, 8), for a convolution (a fixed split)."""
    data = tinydigits(seed)
    return data._replace(x_train=data.x_train.reshape(-1, 1, 8, 8),
                         x_test=data.x_test.reshape(-1, 1, 8, 8),
                         about=data.about + ", as 1x8x8 images")  # fmt: skip


def standardization(x_train: np.ndarray) -> tuple[float, float]:
    """The training set's mean and standard deviation, one number each over every
    pixel: what `standardized` shifts and scales by (a deployed model needs them)."""
    return float(x_train.mean()), float(x_train.std())


def standardized(x_train: np.ndarray, x_test: np.ndarray) -> tuple[np.ndarray, ...]:
    """Both sets shifted and scaled by the training set's mean and standard deviation
    (one number each, over every pixel), so the inputs start near mean 0, std 1."""
    mean, std = standardization(x_train)
    return tuple(np.divide(x - mean, std, dtype=np.float32) for x in (x_train, x_test))


def _standardized_images(
    load: Callable[..., tuple[np.ndarray, ...]], about: str, test_about: str
) -> Splits:
    x_train, y_train, x_test, y_test = load(flatten=False)
    x_train, x_test = standardized(x_train, x_test)
    return Splits(x_train, y_train, x_test, y_test, about, test_about)


def mnist_images(seed: int = 0) -> Splits:
    """MNIST as standardized images, (N, 1, 28, 28) (the published split)."""
    return _standardized_images(
        load_mnist,
        "MNIST: 60,000 training images, 1x28x28, standardized",
        "the MNIST test set (10,000 images)",
    )


def fashion_mnist_images(seed: int = 0) -> Splits:
    """Fashion-MNIST as standardized images, (N, 1, 28, 28) (the published split)."""
    return _standardized_images(
        load_fashion_mnist,
        "Fashion-MNIST: 60,000 training images, 1x28x28, standardized",
        "the Fashion-MNIST test set (10,000 images)",
    )


def fashion_mnist(seed: int = 0) -> Splits:
    """Fashion-MNIST flattened to 784 standardized values, for an MLP."""
    images = fashion_mnist_images(seed)
    return images._replace(
        x_train=images.x_train.reshape(-1, 784),
        x_test=images.x_test.reshape(-1, 784),
        about=images.about.replace("1x28x28", "784 values"),
    )


def cifar10(seed: int = 0, download: bool = False) -> Splits:
    """CIFAR-10, (N, 3, 32, 32), standardized per colour channel, from the cache
    folder (cifar-10 in $TINYTORCH_CACHE or ~/.cache/tinytorch); fetched only with
    download=True."""
    x_train, y_train, x_test, y_test = load_cifar10(
        default_cache_dir() / "cifar-10", download=download
    )
    mean = x_train.mean(axis=(0, 2, 3), keepdims=True)
    std = x_train.std(axis=(0, 2, 3), keepdims=True)
    x_train, x_test = (
        np.divide(x - mean, std, dtype=np.float32) for x in (x_train, x_test)
    )
    return Splits(
        x_train,
        y_train,
        x_test,
        y_test,
        f"CIFAR-10: {len(x_train):,} training images, 3x32x32, standardized",
        f"the CIFAR-10 test set ({len(x_test):,} images)",
    )


def held_out(splits: Splits, fraction: float = 1 / 6) -> Splits:
    """A validation split to choose settings on, never the test set: train on the
    first part of the training set, test on its last `fraction` (MNIST: 50,000 and
    10,000 images)."""
    if splits.train_set is not None:
        raise NoValidationSplit(
            f"--validation: this data ({splits.about}) is drawn afresh every epoch "
            f"and has no validation split; its test set is held out from training"
        )
    n = len(splits.x_train)
    cut = n - round(n * fraction)
    return Splits(
        splits.x_train[:cut],
        splits.y_train[:cut],
        splits.x_train[cut:],
        splits.y_train[cut:],
        f"{splits.about} (the first {cut:,} of them)",
        f"validation: the last {n - cut:,} training images",
    )


def journeytalks(seed: int = 0, block_size: int = 128) -> Splits:
    """JourneyTalks as rows of `block_size` characters, one starting at each talk,
    packed afresh every epoch for training (`language.TalkRows`); the held-out
    talks packed once, for testing. Targets are the answers' characters."""
    train, test = load_journeytalks()
    rows = TalkRows(train, block_size, seed)
    held_out = TalkRows(test, block_size, seed + HELD_OUT)
    return Splits(
        *rows.batch(slice(None)),
        *held_out.batch(slice(None)),
        f"JourneyTalks: {len(train)} training talks, rows of {block_size} characters",
        f"the {len(test)} held-out JourneyTalks (new wording-fact pairs)",
        train_set=rows,
    )
