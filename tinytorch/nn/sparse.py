"""Embedding: a learned vector for each token id, as PyTorch's ``torch/nn/sparse.py``.

Book: book/modules/11_embeddings.md
"""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from ..autograd import no_grad
from ..checks import check_int
from . import functional as F
from . import init
from .module import Module
from .parameter import _fresh


class Embedding(Module):
    """A lookup table of `num_embeddings` vectors of size `embedding_dim`, drawn
    from N(0, 1) as in PyTorch: token ids in, their vectors out. The row
    `padding_idx` starts at zero and never learns."""

    def __init__(self, num_embeddings: int, embedding_dim: int,
                 padding_idx: int | None = None, max_norm: float | None = None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                 sparse: bool = False, _weight: Tensor | None = None,
                 _freeze: bool = False, device: Any = None, dtype: Any = None
                 ) -> None:  # fmt: skip
        super().__init__()
        check_int("Embedding", "num_embeddings", num_embeddings, low=0)
        check_int("Embedding", "embedding_dim", embedding_dim, low=0)
        if (
            padding_idx is not None
            and not -num_embeddings <= padding_idx < num_embeddings
        ):
            raise ValueError("Padding_idx must be within num_embeddings")
        if max_norm is not None or scale_grad_by_freq or sparse or _weight is not None:
            raise NotImplementedError(
                "Embedding's max_norm, scale_grad_by_freq, "
                "sparse and _weight are not part of tinytorch"
            )
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx = None if padding_idx is None else padding_idx % num_embeddings
        self.weight = _fresh((num_embeddings, embedding_dim), device, dtype)
        self.weight.requires_grad = not _freeze
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's initialisation: N(0, 1), the padding row zero."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx] = 0

    def forward(self, input: Tensor) -> Tensor:
        return F.embedding(input, self.weight, self.padding_idx)

    def extra_repr(self) -> str:
        padding = (
            "" if self.padding_idx is None else f", padding_idx={self.padding_idx}"
        )
        return f"{self.num_embeddings}, {self.embedding_dim}{padding}"
