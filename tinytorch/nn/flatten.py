"""Flatten and Unflatten: dimensions merged into one (1x28x28 images to
784-vectors), or one dimension split into several.

Book: book/modules/03_layers.md
"""

from __future__ import annotations

from collections.abc import Sequence

from .._tensor import Tensor
from ..checks import check_dim
from .module import Module


class Flatten(Module):
    """Dimensions start_dim..end_dim merged into one; by default every dimension
    but the batch's."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input: Tensor) -> Tensor:
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Dimension `dim` split into `unflattened_size` (one size may be -1)."""

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, input: Tensor) -> Tensor:
        d = check_dim(self.dim, input.ndim)
        shape = input.shape
        return input.reshape(*shape[:d], *self.unflattened_size, *shape[d + 1 :])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
