"""Datasets, and the DataLoader that cuts them into (shuffled) batches.

Book: book/modules/08_data_loading.md
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from .. import compatibility, random
from .._tensor import Tensor
from ..checks import check_int


class Dataset:
    """A sized collection of samples; subclasses define `__len__` and `__getitem__`."""

    def __len__(self) -> int:
        raise NotImplementedError

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError

    def batch(self, indices: np.ndarray | slice) -> tuple[np.ndarray, ...]:
        """The samples at `indices`, stacked field by field (override with array
        indexing when you can)."""
        positions = range(len(self))[indices] if isinstance(indices, slice) else indices
        samples = [self[int(i)] for i in positions]
        return tuple(np.stack(field) for field in zip(*samples, strict=True))


class TensorDataset(Dataset):
    """Samples are the rows of equally long arrays (e.g. images and labels)."""

    def __init__(self, *arrays: np.ndarray | Tensor) -> None:
        self.arrays = tuple(
            a._data if isinstance(a, Tensor) else np.asarray(a) for a in arrays
        )
        if not self.arrays or any(a.ndim == 0 for a in self.arrays):
            raise ValueError(
                "TensorDataset: needs one or more arrays with a first axis"
            )
        lengths = [len(a) for a in self.arrays]
        if len(set(lengths)) != 1:
            raise ValueError(f"TensorDataset: arrays have different lengths {lengths}")

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: int) -> tuple[np.ndarray, ...]:
        return tuple(a[index] for a in self.arrays)

    def batch(self, indices: np.ndarray | slice) -> tuple[np.ndarray, ...]:
        """The rows at `indices` of every array, copied: no batch aliases the data."""
        if isinstance(indices, slice):
            return tuple(a[indices].copy() for a in self.arrays)
        return tuple(a[indices] for a in self.arrays)  # one gather each, already a copy


class DataLoader:
    """Batches of tensors from a dataset. Shuffled, each epoch has a new order: the
    same sequence of orders for the same seed (or for tinytorch's seed, by default)."""

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        seed: int | None = None,
    ) -> None:
        if not isinstance(dataset, Dataset):
            raise TypeError(
                f"DataLoader: dataset must be a Dataset (e.g. "
                f"TensorDataset(x, y)), got {type(dataset).__name__}"
            )
        check_int("DataLoader", "batch_size", batch_size)
        for name, flag in (("shuffle", shuffle), ("drop_last", drop_last)):
            if not isinstance(flag, bool):
                raise TypeError(
                    f"DataLoader: {name} must be True or False, got {flag!r}"
                )
        if seed is not None:
            check_int("DataLoader", "seed", seed, low=None)
        self.dataset, self.batch_size = dataset, batch_size
        self.shuffle, self.drop_last = shuffle, drop_last
        self._rng = None if seed is None else np.random.default_rng(seed % 2**64)

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[tuple[Tensor, ...]]:
        n, size = len(self.dataset), self.batch_size
        order = (self._rng or random.rng()).permutation(n) if self.shuffle else None
        for start in range(0, len(self) * size, size):
            if order is None:
                indices: np.ndarray | slice = slice(start, start + size)
            else:
                indices = order[start : start + size]
            yield tuple(
                Tensor._wrap(field, None) for field in self.dataset.batch(indices)
            )


def __getattr__(name: str) -> Any:
    """A PyTorch name this module does not offer: an error that says so."""
    compatibility.missing(__name__, name)
