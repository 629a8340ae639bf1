"""Optimizers, as PyTorch's ``torch.optim``: SGD (with momentum), Adam, AdamW, and
learning-rate schedules in ``lr_scheduler``.

Book: book/modules/06_optimizers.md
"""

from . import lr_scheduler
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["SGD", "Adam", "AdamW", "Optimizer", "lr_scheduler"]
