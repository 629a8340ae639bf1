"""Data loading, as PyTorch's ``torch.utils.data``: datasets, samplers, and the
DataLoader that batches them with PyTorch's default collate.

Book: book/modules/08_data_loading.md
"""

from typing import Any

from ... import compatibility
from .collate import default_collate, default_convert
from .dataloader import DataLoader, get_worker_info
from .dataset import Dataset, Subset, TensorDataset, random_split
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
)

__all__ = [
    "BatchSampler", "DataLoader", "Dataset", "RandomSampler", "Sampler",
    "SequentialSampler", "Subset", "SubsetRandomSampler", "TensorDataset",
    "default_collate", "default_convert", "get_worker_info", "random_split",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    """A PyTorch name this module does not offer: an error that says so."""
    compatibility.missing(__name__, name)
