"""Datasets and the DataLoader that cuts them into (shuffled) batches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from . import tensor as _tensor
from .tensor import Tensor


class Dataset:
    """A sized collection of samples; subclasses define `__len__` and `__getitem__`."""

    def __len__(self) -> int:
        raise NotImplementedError

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError

    def batch(self, indices: np.ndarray | slice) -> tuple[np.ndarray, ...]:
        """The samples at `indices`, stacked field by field (override with array indexing when you can)."""
        positions = range(len(self))[indices] if isinstance(indices, slice) else indices
        samples = [self[int(i)] for i in positions]
        return tuple(np.stack(field) for field in zip(*samples, strict=True))


class TensorDataset(Dataset):
    """Samples are the rows of equally long arrays (e.g. images and labels)."""

    def __init__(self, *arrays: np.ndarray | Tensor) -> None:
        self.arrays = tuple(a.data if isinstance(a, Tensor) else np.asarray(a) for a in arrays)
        lengths = {len(a) for a in self.arrays}
        if len(lengths) != 1:
            raise ValueError(f"TensorDataset: arrays have different lengths {[len(a) for a in self.arrays]}")

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: int) -> tuple[np.ndarray, ...]:
        return tuple(a[index] for a in self.arrays)

    def batch(self, indices: np.ndarray | slice) -> tuple[np.ndarray, ...]:
        """The rows at `indices` of every array."""
        return tuple(a[indices] for a in self.arrays)  # one gather per array: no per-sample Python loop


class DataLoader:
    """Batches of tensors from a dataset; shuffled, each epoch has a new order, the same sequence for the same seed."""

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        seed: int | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be at least 1, got {batch_size}")
        self.dataset, self.batch_size, self.shuffle, self.drop_last = dataset, batch_size, shuffle, drop_last
        self._rng = np.random.default_rng(seed) if seed is not None else None

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[tuple[Tensor, ...]]:
        n, size = len(self.dataset), self.batch_size
        order = (self._rng or _tensor.rng()).permutation(n) if self.shuffle else None
        for start in range(0, len(self) * size, size):
            # without shuffling, a slice is a view: no copy at all
            indices = order[start : start + size] if order is not None else slice(start, start + size)
            yield tuple(Tensor._wrap(field, None) for field in self.dataset.batch(indices))
