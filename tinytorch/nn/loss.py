"""Losses as modules: how wrong a prediction is, as one number to minimise.

Book: book/modules/04_losses.md
"""

from __future__ import annotations

from .._tensor import Tensor
from . import functional as F
from .module import Module


class MSELoss(Module):
    """Mean squared error."""

    def forward(self, prediction: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(prediction, target)


class BCELoss(Module):
    """Binary cross-entropy on probabilities (after a Sigmoid)."""

    def forward(self, probability: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(probability, target)


class BCEWithLogitsLoss(Module):
    """Binary cross-entropy on logits: Sigmoid and BCELoss in one, stable for any z."""

    def forward(self, logits: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(logits, target)


class CrossEntropyLoss(Module):
    """Cross-entropy from logits (N, C) and class indices (N,): log-softmax and
    negative log-likelihood in one."""

    def forward(self, logits: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(logits, target)
