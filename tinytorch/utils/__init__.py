"""Utilities, as PyTorch's ``torch.utils``: ``tinytorch.utils.data`` has the
datasets and the DataLoader.

Book: book/modules/08_data_loading.md
"""

from . import data

__all__ = ["data"]
