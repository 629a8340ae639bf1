"""Dropout: zero random activations while training, so no unit can rely on another.

Book: book/modules/03_layers.md
"""

from __future__ import annotations

from .._tensor import Tensor
from . import functional as F
from .module import Module


class Dropout(Module):
    """Zero each value with probability p while training and scale the rest by
    1/(1-p); the identity in evaluation mode."""

    def __init__(self, p: float = 0.5) -> None:
        F.check_dropout_probability(p)
        self.p = p

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}"
