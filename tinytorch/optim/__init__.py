"""Optimizers, as PyTorch's ``torch.optim``: SGD (with momentum), Adam, AdamW.

Book: book/modules/06_optimizers.md
"""

from .adam import Adam, AdamW
from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["SGD", "Adam", "AdamW", "Optimizer"]
