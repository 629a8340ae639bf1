"""Datasets, as PyTorch's ``torch.utils.data.dataset``: a `Dataset` is anything
with a length and samples; a `TensorDataset` holds equally long tensors whose rows
are the samples; a `Subset` is some of another dataset's samples, and
`random_split` cuts a dataset into random subsets.

Book: book/modules/08_data_loading.md
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from ... import random
from ..._tensor import Tensor
from ...creation import as_tensor
from ...random import Generator


class Dataset:
    """A collection of samples: subclasses define `__getitem__` (and `__len__`,
    which the DataLoader's samplers need)."""

    def __getitem__(self, index: Any) -> Any:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")


class TensorDataset(Dataset):
    """Sample i is (tensors[0][i], tensors[1][i], ...): the rows of equally long
    tensors, e.g. images and labels. A numpy array is taken as a tensor sharing its
    memory and dtype (PyTorch asks for tensors)."""

    def __init__(self, *tensors: Tensor | np.ndarray) -> None:
        self.tensors = tuple(
            t if isinstance(t, Tensor) else as_tensor(np.asarray(t)) for t in tensors
        )
        if not self.tensors or any(t.ndim == 0 for t in self.tensors):
            raise ValueError("TensorDataset: needs one or more tensors with a first "
                             "dimension (the samples)")  # fmt: skip
        lengths = [len(t) for t in self.tensors]
        if len(set(lengths)) != 1:
            raise ValueError(
                f"Size mismatch between tensors: different lengths {lengths}"
            )

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return len(self.tensors[0])


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order."""

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset, self.indices = dataset, indices

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __getitems__(self, indices: list[int]) -> list[Any]:
        """The samples at `indices`, fetched together if the dataset can."""
        inner = [self.indices[i] for i in indices]
        getitems = getattr(self.dataset, "__getitems__", None)
        if callable(getitems):
            return getitems(inner)
        return [self.dataset[i] for i in inner]

    def __len__(self) -> int:
        return len(self.indices)


def random_split(
    dataset: Any, lengths: Sequence[int | float], generator: Generator | None = None
) -> list[Subset]:
    """Random, non-overlapping Subsets of the given lengths, or fractions adding up
    to 1 (the remainder dealt out one by one from the first); drawn from
    tinytorch's generator unless `generator` is given."""
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        counts = []
        for i, fraction in enumerate(lengths):
            if fraction < 0 or fraction > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            counts.append(int(math.floor(len(dataset) * fraction)))
        for i in range(len(dataset) - sum(counts)):
            counts[i % len(counts)] += 1
        for i, count in enumerate(counts):
            if count == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might "
                              f"result in an empty dataset.", stacklevel=2)  # fmt: skip
        lengths = counts
    if sum(lengths) != len(dataset):
        raise ValueError(
            "Sum of input lengths does not equal the length of the input dataset!"
        )
    order = random.rng(generator).permutation(sum(lengths)).tolist()
    ends = itertools.accumulate(lengths)
    return [Subset(dataset, order[end - n : end])
            for end, n in zip(ends, lengths, strict=True)]  # fmt: skip


def gathered(dataset: Any, indices: Any) -> list[Tensor] | None:
    """What default_collate makes of the samples at `indices` of a TensorDataset (or
    a Subset of one): one gather per tensor instead of a stack of rows; None for
    any other dataset. The milestones' training speed depends on it."""
    while type(dataset) is Subset:
        indices = [dataset.indices[i] for i in indices]
        dataset = dataset.dataset
    if type(dataset) is not TensorDataset or any(
        t.requires_grad for t in dataset.tensors
    ):
        return None
    rows = np.asarray(indices)
    if rows.ndim != 1 or rows.dtype.kind not in "iu":  # let indexing say what is wrong
        return None
    return [Tensor._wrap(t._data[rows], None) for t in dataset.tensors]
