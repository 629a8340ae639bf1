"""Causal multi-head self-attention, and the KV cache that makes generation cheap.

PyTorch's general ``nn.MultiheadAttention`` takes separate queries, keys and values;
this module is the decoder-only case GPT uses (nanoGPT's ``CausalSelfAttention``):
one sequence attends to itself, each position to those before it.

Book: book/modules/12_attention.md
"""

from __future__ import annotations

import numpy as np

from .. import autograd
from .._tensor import Tensor
from ..checks import ShapeError, check_int
from . import functional as F
from .dropout import Dropout
from .linear import Linear
from .module import Module


class KVCache:
    """The keys and values one attention layer has computed so far: a generated
    token computes only its own, O(T) work instead of recomputing O(T^2).

    Inference only (under `no_grad()`): it stores arrays, not graph nodes.
    """

    def __init__(self, capacity: int) -> None:
        check_int("KVCache", "capacity", capacity)
        self.capacity, self.length = capacity, 0
        self.keys: np.ndarray | None = None
        self.values: np.ndarray | None = None

    def update(self, key: Tensor, value: Tensor) -> tuple[Tensor, Tensor]:
        """Append the new positions' keys and values (batch, heads, new, dim); return
        those of every position so far."""
        if autograd.is_grad_enabled():
            raise RuntimeError("KVCache: generation runs under tinytorch.no_grad()")
        new = key.shape[-2]
        if self.length + new > self.capacity:
            raise ValueError(
                f"KVCache: {self.length} positions cached, {new} more exceed the "
                f"capacity of {self.capacity}"
            )
        if self.keys is None:
            shape = (*key.shape[:-2], self.capacity, key.shape[-1])
            self.keys = np.empty(shape, key.dtype)
            self.values = np.empty((*shape[:-1], value.shape[-1]), value.dtype)
        window = slice(self.length, self.length + new)
        self.keys[..., window, :] = key._data
        self.values[..., window, :] = value._data
        self.length += new
        seen = slice(0, self.length)
        return (
            Tensor._wrap(self.keys[..., seen, :], None),
            Tensor._wrap(self.values[..., seen, :], None),
        )


class CausalSelfAttention(Module):
    """`num_heads` heads of scaled dot-product attention in which position t sees
    positions 0..t only; queries, keys and values are linear maps of the input
    (PyTorch's q_proj, k_proj, v_proj, out_proj)."""

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0,
                 bias: bool = True) -> None:  # fmt: skip
        super().__init__()
        check_int("CausalSelfAttention", "embed_dim", embed_dim)
        check_int("CausalSelfAttention", "num_heads", num_heads)
        if embed_dim % num_heads:
            raise ValueError(
                f"CausalSelfAttention: embed_dim {embed_dim} must be divisible by "
                f"num_heads {num_heads}"
            )
        self.embed_dim, self.num_heads = embed_dim, num_heads
        self.q_proj = Linear(embed_dim, embed_dim, bias)
        self.k_proj = Linear(embed_dim, embed_dim, bias)
        self.v_proj = Linear(embed_dim, embed_dim, bias)
        self.out_proj = Linear(embed_dim, embed_dim, bias)
        self.dropout = Dropout(dropout)

    def heads(self, x: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Queries, keys and values of `x` (batch, time, embed_dim), each split into
        (batch, heads, time, head_dim)."""
        if x.ndim != 3 or x.shape[-1] != self.embed_dim:
            raise ShapeError(
                f"CausalSelfAttention: input must be (batch, time, {self.embed_dim}), "
                f"got {tuple(x.shape)}"
            )
        b, t, _ = x.shape
        split = (b, t, self.num_heads, self.embed_dim // self.num_heads)
        return tuple(
            proj(x).view(split).transpose(1, 2)
            for proj in (self.q_proj, self.k_proj, self.v_proj)
        )

    def forward(self, x: Tensor, cache: KVCache | None = None) -> Tensor:
        q, k, v = self.heads(x)  # (b, heads, t, head_dim) each
        b, t, c = x.shape
        mask, causal = None, True
        if cache is not None:
            start = cache.length  # the new positions come after the cached ones
            k, v = cache.update(k, v)  # (b, heads, start + t, head_dim)
            causal = False
            if t > 1:  # a single new position sees them all: no mask to add
                mask = np.arange(start + t) <= np.arange(start, start + t)[:, None]
        y = F.scaled_dot_product_attention(q, k, v, mask, is_causal=causal)
        y = y.transpose(1, 2).reshape(b, t, c)  # heads side by side again
        return self.dropout(self.out_proj(y))

    def weights(self, x: Tensor) -> np.ndarray:
        """The attention weights (batch, heads, time, time) this layer gives `x`:
        row t says how much position t takes from each earlier position (for
        pictures; the forward pass computes them inside one fused op)."""
        with autograd.no_grad():
            q, k, _ = self.heads(x)
            scores = q @ k.transpose(-2, -1) * (1 / np.sqrt(q.shape[-1]))
            causal = np.where(np.tri(x.shape[1], dtype=bool), 0, -np.inf)
            return (scores + causal).softmax(-1).numpy()

    def extra_repr(self) -> str:
        return f"embed_dim={self.embed_dim}, num_heads={self.num_heads}"
