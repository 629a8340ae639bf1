"""The DataLoader, as PyTorch's ``torch.utils.data.DataLoader``: it draws indices
from a sampler, fetches those samples from the dataset and collates them into
batches, with PyTorch's arguments and defaults.

Every batch is loaded in the calling process: ``num_workers > 0`` gives exactly
the batches ``num_workers=0`` gives (the samples of one sampler, in its order)
without starting workers, so `worker_init_fn` is never called and
`get_worker_info()` is always None. A TensorDataset's batch is one gather per
tensor, not a stack of single samples.

Book: book/modules/08_data_loading.md
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ...checks import check_int
from ...random import Generator
from .collate import default_collate, default_convert
from .dataset import gathered
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader", "default_collate", "default_convert", "get_worker_info"]


class DataLoader:
    """Batches of `batch_size` samples of `dataset`, in order or shuffled (a new
    order every pass), collated by `collate_fn`; `batch_size=None` gives single
    samples, converted to tensors. `seed=s` (tinytorch's own) is
    `generator=Generator().manual_seed(s)`: the same seed, the same batches."""

    def __init__(
        self, dataset: Any, batch_size: int | None = 1, shuffle: bool | None = None,
        sampler: Sampler | Iterable[Any] | None = None,
        batch_sampler: Sampler | Iterable[list[Any]] | None = None,
        num_workers: int = 0, collate_fn: Callable[[list[Any]], Any] | None = None,
        pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: Any = None, generator: Generator | None = None, *,
        prefetch_factor: int | None = None, persistent_workers: bool = False,
        pin_memory_device: str = "", in_order: bool = True, seed: int | None = None,
    ) -> None:  # fmt: skip
        _check_workers(num_workers, timeout, prefetch_factor, persistent_workers,
                       multiprocessing_context)  # fmt: skip
        if seed is not None:
            check_int("DataLoader", "seed", seed, low=None)
            if generator is not None:
                raise ValueError("DataLoader: give seed= or generator=, not both")
            generator = Generator().manual_seed(seed)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, "
                    "shuffle, sampler, and drop_last"
                )
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is "
                             "mutually exclusive with drop_last")  # fmt: skip
        if sampler is None:
            sampler = (RandomSampler(dataset, generator=generator) if shuffle
                       else SequentialSampler(dataset))  # fmt: skip
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.dataset, self.batch_size, self.drop_last = dataset, batch_size, drop_last
        self.sampler, self.batch_sampler = sampler, batch_sampler
        self.generator = generator
        self.collate_fn = collate_fn or (
            default_convert if batch_sampler is None else default_collate
        )
        self.num_workers, self.prefetch_factor = num_workers, prefetch_factor
        self.pin_memory, self.pin_memory_device = pin_memory, pin_memory_device
        self.timeout, self.worker_init_fn = timeout, worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.persistent_workers, self.in_order = persistent_workers, in_order

    def __len__(self) -> int:
        return len(self.batch_sampler if self.batch_sampler is not None
                   else self.sampler)  # type: ignore[arg-type]  # fmt: skip

    def __iter__(self) -> Iterator[Any]:
        if self.pin_memory:
            warnings.warn("'pin_memory' argument is set as true but no accelerator "
                          "is found, then device pinned memory won't be used.",
                          stacklevel=2)  # fmt: skip
        if self.batch_sampler is None:  # batch_size=None: one sample at a time
            for index in self.sampler:
                yield self.collate_fn(self.dataset[index])
            return
        for indices in self.batch_sampler:
            yield self._fetch(indices)

    def _fetch(self, indices: list[Any]) -> Any:
        """The batch of the samples at `indices`."""
        if self.collate_fn is default_collate:
            batch = gathered(self.dataset, indices)
            if batch is not None:
                return batch
        getitems = getattr(self.dataset, "__getitems__", None)
        if getitems:
            return self.collate_fn(getitems(indices))
        return self.collate_fn([self.dataset[i] for i in indices])


def _check_workers(num_workers: int, timeout: float, prefetch_factor: int | None,
                   persistent_workers: bool, context: Any) -> None:  # fmt: skip
    """PyTorch's checks of the worker options, which tinytorch accepts and does
    not need: it loads every batch in the calling process."""
    if num_workers < 0:
        raise ValueError("num_workers option should be non-negative; use "
                         "num_workers=0 to disable multiprocessing.")  # fmt: skip
    if timeout < 0:
        raise ValueError("timeout option should be non-negative")
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError(
            "prefetch_factor option could only be specified in multiprocessing.let "
            "num_workers > 0 to enable multiprocessing, otherwise set "
            "prefetch_factor to None."
        )
    if prefetch_factor is not None and prefetch_factor < 0:
        raise ValueError("prefetch_factor option should be non-negative")
    if persistent_workers and num_workers == 0:
        raise ValueError("persistent_workers option needs num_workers > 0")
    if context is not None and num_workers == 0:
        raise ValueError(f"multiprocessing_context can only be used with "
                         f"multi-process loading (num_workers > 0), but got "
                         f"num_workers={num_workers}")  # fmt: skip


def get_worker_info() -> None:
    """Information about the worker process running this code: None, since
    tinytorch loads every batch in the calling process (as PyTorch's is None
    there)."""
    return None
