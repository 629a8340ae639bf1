"""Samplers, as PyTorch's ``torch.utils.data.sampler``: the order in which a
DataLoader visits a dataset's samples, and how it groups them into batches.

Book: book/modules/08_data_loading.md
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence, Sized
from typing import Any

from ... import random
from ...random import Generator


class Sampler:
    """Yields the indices of samples, or lists of indices (a batch sampler)."""

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError


class SequentialSampler(Sampler):
    """0, 1, 2, ...: every sample in order."""

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A new random order of the samples at every pass (or `num_samples` draws
    with replacement)."""

    def __init__(self, data_source: Sized, replacement: bool = False,
                 num_samples: int | None = None,
                 generator: Generator | None = None) -> None:  # fmt: skip
        self.data_source, self.replacement = data_source, replacement
        self._num_samples, self.generator = num_samples, generator
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got "
                            f"replacement={replacement}")  # fmt: skip
        count = self.num_samples
        if isinstance(count, bool) or not isinstance(count, int) or count <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but "
                             f"got num_samples={count}")  # fmt: skip

    @property
    def num_samples(self) -> int:
        """How many indices a pass yields: the dataset's length by default."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n, draw = len(self.data_source), random.rng(self.generator)
        if self.replacement:
            yield from draw.integers(0, n, self.num_samples).tolist()
            return
        for _ in range(self.num_samples // n):
            yield from draw.permutation(n).tolist()
        if self.num_samples % n:
            yield from draw.permutation(n)[: self.num_samples % n].tolist()

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices, in a new random order at every pass."""

    def __init__(
        self, indices: Sequence[int], generator: Generator | None = None
    ) -> None:
        self.indices, self.generator = indices, generator

    def __iter__(self) -> Iterator[int]:
        for i in random.rng(self.generator).permutation(len(self.indices)):
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class BatchSampler(Sampler):
    """Lists of `batch_size` indices from `sampler`; the last list shorter, or
    dropped with `drop_last`."""

    def __init__(self, sampler: Sampler | Iterable[int], batch_size: int,
                 drop_last: bool) -> None:  # fmt: skip
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or (
                batch_size <= 0):  # fmt: skip
            raise ValueError(f"batch_size should be a positive integer value, but "
                             f"got batch_size={batch_size}")  # fmt: skip
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got "
                             f"drop_last={drop_last}")  # fmt: skip
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, drop_last

    def __iter__(self) -> Iterator[list[int]]:
        indices = iter(self.sampler)
        while batch := list(itertools.islice(indices, self.batch_size)):
            if len(batch) < self.batch_size and self.drop_last:
                return
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
