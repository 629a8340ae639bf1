"""Flatten: (N, ...) to (N, everything else), as 1x28x28 images to 784-vectors.

Book: book/modules/03_layers.md
"""

from __future__ import annotations

from .._tensor import Tensor
from .module import Module


class Flatten(Module):
    """Keep the batch axis, merge all the others into one."""

    def forward(self, x: Tensor) -> Tensor:
        return x.reshape(x.shape[0], -1)
