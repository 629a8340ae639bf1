"""The transformer block: attention, then a feed-forward network, each added to its
input after a layer norm (pre-norm, as GPT-2 and nanoGPT).

PyTorch's nearest relative is ``nn.TransformerEncoderLayer(norm_first=True)`` with a
causal mask; this block is GPT's, decoder-only, with a KV cache for generation.

Book: book/modules/13_transformers.md
"""

from __future__ import annotations

from .._tensor import Tensor
from .activation import GELU
from .attention import CausalSelfAttention, KVCache
from .container import Sequential
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .normalization import LayerNorm


class TransformerBlock(Module):
    """x + attention(norm(x)), then + feed-forward(norm(x)): the residual stream
    carries each position's vector through, and every sub-layer adds to it. The
    feed-forward network's GELU is the tanh approximation, as GPT-2's."""

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int | None = None,
                 dropout: float = 0.0) -> None:  # fmt: skip
        super().__init__()
        hidden = dim_feedforward or 4 * d_model
        self.ln_1 = LayerNorm(d_model)
        self.attn = CausalSelfAttention(d_model, nhead, dropout)
        self.ln_2 = LayerNorm(d_model)
        self.mlp = Sequential(
            Linear(d_model, hidden),
            GELU(approximate="tanh"),  # GPT-2's GELU, which the milestone trains with
            Linear(hidden, d_model),
            Dropout(dropout),
        )

    def forward(self, x: Tensor, cache: KVCache | None = None) -> Tensor:
        x = x + self.attn(self.ln_1(x), cache)
        return x + self.mlp(self.ln_2(x))
