"""Optimizers, as PyTorch's ``torch.optim``: SGD (with momentum), Adam, AdamW, and
learning-rate schedules in ``lr_scheduler``.

Book: book/modules/06_optimizers.md
"""

from typing import Any

from .. import compatibility
from . import lr_scheduler
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["SGD", "Adam", "AdamW", "Optimizer", "lr_scheduler"]


def __getattr__(name: str) -> Any:
    """A PyTorch name this module does not offer: an error that says so."""
    compatibility.missing(__name__, name)
