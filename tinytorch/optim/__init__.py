"""Optimizers, as PyTorch's ``torch.optim``: SGD (with momentum), Adam, AdamW.

Book: book/under_the_hood.md
"""

from .adam import Adam, AdamW
from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["SGD", "Adam", "AdamW", "Optimizer"]
