"""The GPT in everyday PyTorch, written as nanoGPT writes it: nn.Linear for q, k
and v, view, transpose(1, 2), F.scaled_dot_product_attention, GELU (tanh), nn.LayerNorm,
AdamW. The same source runs on PyTorch eager (optional: only when it is installed)
and, unchanged, on tinytorch (`import tinytorch as torch`): "the ordinary road"."""

from __future__ import annotations

from typing import Any

import numpy as np


def build(state: dict[str, np.ndarray], n_head: int, torch: Any) -> Any:
    """nanoGPT's model with `state`'s weights, made with `torch` (PyTorch, or
    tinytorch in its place)."""
    nn, F = torch.nn, torch.nn.functional

    class Attention(nn.Module):
        def __init__(self, d: int) -> None:
            super().__init__()
            self.q_proj, self.k_proj, self.v_proj, self.out_proj = (
                nn.Linear(d, d) for _ in range(4)
            )

        def forward(self, x):
            b, t, c = x.shape
            q, k, v = (
                p(x).view(b, t, n_head, c // n_head).transpose(1, 2)
                for p in (self.q_proj, self.k_proj, self.v_proj)
            )
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            return self.out_proj(y.transpose(1, 2).reshape(b, t, c))

    class Block(nn.Module):
        def __init__(self, d: int) -> None:
            super().__init__()
            self.ln_1, self.attn, self.ln_2 = (
                nn.LayerNorm(d),
                Attention(d),
                nn.LayerNorm(d),
            )
            self.mlp = nn.Sequential(
                nn.Linear(d, 4 * d), nn.GELU(approximate="tanh"), nn.Linear(4 * d, d)
            )

        def forward(self, x):
            x = x + self.attn(self.ln_1(x))
            return x + self.mlp(self.ln_2(x))

    class GPT(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            vocab, d = state["wte.weight"].shape
            layers = len({k.split(".")[1] for k in state if k.startswith("blocks.")})
            self.wte = nn.Embedding(vocab, d)
            self.wpe = nn.Embedding(len(state["wpe.weight"]), d)
            self.blocks = nn.ModuleList(Block(d) for _ in range(layers))
            self.ln_f = nn.LayerNorm(d)
            self.lm_head = nn.Linear(d, vocab, bias=False)

        def forward(self, idx):
            x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
            for block in self.blocks:
                x = block(x)
            return self.lm_head(self.ln_f(x))

    model = GPT()
    model.load_state_dict(
        {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()}
    )
    return model


class TorchRun:
    """Everyday training with `torch` (PyTorch eager, or tinytorch running the same
    code), batches gathered by indexing tensors made once."""

    def __init__(
        self,
        state: dict[str, np.ndarray],
        n_head: int,
        lr: float,
        x: np.ndarray,
        y: np.ndarray,
        batch_size: int,
        torch: Any,
    ) -> None:
        self.torch, self.batch_size = torch, batch_size
        self.model = build(state, n_head, torch)
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=lr)
        self.x, self.y = torch.from_numpy(x), torch.from_numpy(y)

    def epoch(self, order: np.ndarray) -> tuple[float, float]:
        torch, bs = self.torch, self.batch_size
        total, hits, seen = 0.0, 0, 0
        self.model.train()
        for start in range(0, len(order), bs):
            idx = torch.from_numpy(order[start : start + bs])
            xb, yb = self.x[idx], self.y[idx]
            logits = self.model(xb)
            loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), yb.flatten())
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            total += loss.item() * yb.numel()
            hits += int((logits.argmax(dim=-1) == yb).sum())
            seen += yb.numel()
        return total / seen, hits / seen

    def accuracy(self, x: np.ndarray, y: np.ndarray) -> float:
        self.model.eval()
        with self.torch.no_grad():
            logits = self.model(self.torch.from_numpy(x)).numpy()
        return float((logits.argmax(axis=-1) == y).mean())
