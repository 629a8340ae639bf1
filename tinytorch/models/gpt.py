"""GPT: a decoder-only transformer that predicts the next token, in nanoGPT's shape
(a config, token and position embeddings, blocks, a final norm, a head) with a KV
cache for generation.

Book: book/modules/13_transformers.md
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import random
from .._tensor import Tensor
from ..autograd import no_grad
from ..checks import ShapeError, check_int, check_number
from ..creation import tensor
from ..nn import Dropout, Embedding, LayerNorm, Linear, Module, ModuleList
from ..nn.attention import KVCache
from ..nn.transformer import TransformerBlock


@dataclass(frozen=True)
class GPTConfig:
    """The model's sizes: nanoGPT's names."""

    block_size: int = 128  # the longest context, in tokens
    vocab_size: int = 64
    n_layer: int = 2
    n_head: int = 4
    n_embd: int = 128
    dropout: float = 0.0


class GPT(Module):
    """Tokens in, next-token scores out: embeddings, `n_layer` transformer blocks, a
    layer norm and a linear head over the vocabulary."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        for name in ("block_size", "vocab_size", "n_layer", "n_head", "n_embd"):
            check_int("GPTConfig", name, getattr(config, name))
        self.config = config
        self.wte = Embedding(config.vocab_size, config.n_embd)  # token embeddings
        self.wpe = Embedding(config.block_size, config.n_embd)  # position embeddings
        self.drop = Dropout(config.dropout)
        self.blocks = ModuleList(
            TransformerBlock(config.n_embd, config.n_head, dropout=config.dropout)
            for _ in range(config.n_layer)
        )
        self.ln_f = LayerNorm(config.n_embd)
        self.lm_head = Linear(config.n_embd, config.vocab_size, bias=False)
        self._init_weights()

    def _init_weights(self) -> None:
        """GPT-2's initialisation: N(0, 0.02) weights, zero biases, and the layers
        that add to the residual stream scaled down by sqrt(2 n_layer)."""
        draw = random.rng().standard_normal
        residual = 0.02 / math.sqrt(2 * self.config.n_layer)
        with no_grad():
            for name, p in self.named_parameters():
                if name.endswith("bias"):
                    p[...] = 0
                elif not name.startswith("ln") and ".ln_" not in name:
                    std = (
                        residual
                        if name.endswith(("out_proj.weight", "mlp.2.weight"))
                        else 0.02
                    )
                    p[...] = draw(p.shape, np.float32) * std  # in place: keeps layout

    def forward(
        self, idx: Tensor | np.ndarray, caches: list[KVCache] | None = None
    ) -> Tensor:
        """Scores (batch, time, vocab_size) for the token after each position of
        `idx` (batch, time); with `caches`, `idx` continues the cached positions."""
        idx = idx if isinstance(idx, Tensor) else tensor(np.asarray(idx))
        if idx.ndim != 2:
            raise ShapeError(
                f"GPT: idx must be (batch, time) token ids, got {idx.shape}"
            )
        b, t = idx.shape
        start = caches[0].length if caches else 0
        if start + t > self.config.block_size:
            raise ValueError(
                f"GPT: {start + t} positions exceed block_size "
                f"{self.config.block_size}; crop the context to the last "
                f"{self.config.block_size} tokens"
            )
        pos = tensor(np.arange(start, start + t))
        x = self.drop(self.wte(idx) + self.wpe(pos))  # (b, t, n_embd)
        for i, block in enumerate(self.blocks):
            x = block(x, caches[i] if caches else None)  # (b, t, n_embd)
        return self.lm_head(self.ln_f(x))  # (b, t, vocab_size)

    def attention_maps(self, idx: Tensor | np.ndarray) -> list[np.ndarray]:
        """Each block's attention weights (batch, heads, time, time) for `idx`."""
        maps = []
        with no_grad():
            idx = idx if isinstance(idx, Tensor) else tensor(np.asarray(idx))
            x = self.wte(idx) + self.wpe(tensor(np.arange(idx.shape[1])))
            for block in self.blocks:
                maps.append(block.attn.weights(block.ln_1(x)))
                x = block(x)
        return maps

    def generate(
        self,
        idx: Tensor | np.ndarray,
        max_new_tokens: int,
        temperature: float = 1.0,
        top_k: int | None = None,
        use_cache: bool = True,
    ) -> Tensor:
        """`idx` (batch, time) continued by `max_new_tokens` sampled tokens (top_k=1:
        the most likely each time). The cache gives the same tokens as recomputing,
        for O(T) instead of O(T^2) work per token while the context fits the block;
        beyond it the window slides and every step recomputes."""
        check_int("generate", "max_new_tokens", max_new_tokens, low=0)
        check_number("generate", "temperature", temperature, low_inclusive=False)
        if top_k is not None:
            check_int("generate", "top_k", top_k)
        tokens = np.asarray(idx._data if isinstance(idx, Tensor) else idx, np.int64)
        block, caches = self.config.block_size, None
        was_training = self.training
        self.eval()
        with no_grad():
            for _ in range(max_new_tokens):
                if use_cache and tokens.shape[1] <= block:
                    fresh = caches is None
                    caches = [KVCache(block) for _ in self.blocks] if fresh else caches
                    logits = self(tokens if fresh else tokens[:, -1:], caches)
                else:
                    logits = self(tokens[:, -block:])
                    caches = None  # the window slid: positions moved
                chosen = _sample(logits._data[:, -1, :], temperature, top_k)
                tokens = np.concatenate([tokens, chosen[:, None]], axis=1)
        self.train(was_training)
        return tensor(tokens)


def _sample(logits: np.ndarray, temperature: float, top_k: int | None) -> np.ndarray:
    """One token id per row, drawn from softmax(logits / temperature), restricted to
    the `top_k` most likely."""
    logits = logits.astype(np.float64) / temperature
    if top_k is not None and top_k < logits.shape[-1]:
        kth = np.sort(logits, axis=-1)[:, -top_k, None]
        logits = np.where(logits < kth, -np.inf, logits)
    p = np.exp(logits - logits.max(axis=-1, keepdims=True))
    cumulative = np.cumsum(p / p.sum(axis=-1, keepdims=True), axis=-1)
    u = random.rng().random((len(logits), 1))
    return np.minimum((cumulative < u).sum(axis=-1), logits.shape[-1] - 1)
