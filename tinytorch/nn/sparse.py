"""Embedding: a learned vector for each token id, as PyTorch's ``torch/nn/sparse.py``.

Book: book/modules/11_embeddings.md
"""

from __future__ import annotations

import numpy as np

from .. import random
from .._tensor import Tensor
from ..checks import check_int
from . import functional as F
from .module import Module, Parameter


class Embedding(Module):
    """A lookup table of `num_embeddings` vectors of size `embedding_dim`, drawn
    from N(0, 1) as in PyTorch: token ids in, their vectors out."""

    def __init__(self, num_embeddings: int, embedding_dim: int) -> None:
        check_int("Embedding", "num_embeddings", num_embeddings)
        check_int("Embedding", "embedding_dim", embedding_dim)
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        draw = random.rng().standard_normal
        self.weight = Parameter(draw((num_embeddings, embedding_dim), np.float32))

    def forward(self, input: Tensor | np.ndarray) -> Tensor:
        return F.embedding(input, self.weight)

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}"
