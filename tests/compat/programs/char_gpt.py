"""A character-level GPT, written the ordinary PyTorch way: token and position
embeddings, blocks of causal self-attention (nn.Linear for queries, keys and
values, view and transpose(1, 2), then either F.scaled_dot_product_attention or a
softmax over scores masked with torch.tril) and a GELU MLP, pre-LayerNorm residuals
in an nn.ModuleList, AdamW with weight decay on the matrices only, gradient
clipping, a validation estimate, and generation with torch.multinomial or argmax.

`main` takes the training text; the batch positions come from a numpy generator
seeded with `seed`, so every run sees the same batches. `init`, when given, is a
state_dict of numpy arrays loaded before training.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class SelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, block_size, attention="sdpa"):
        super().__init__()
        assert n_embd % n_head == 0
        self.n_head, self.attention = n_head, attention
        self.query = nn.Linear(n_embd, n_embd)
        self.key = nn.Linear(n_embd, n_embd)
        self.value = nn.Linear(n_embd, n_embd)
        self.proj = nn.Linear(n_embd, n_embd)
        causal = torch.tril(torch.ones(block_size, block_size))
        self.register_buffer("causal", causal.view(1, 1, block_size, block_size),
                             persistent=False)  # fmt: skip

    def forward(self, x):
        B, T, C = x.size()
        # (B, T, C) -> (B, n_head, T, head_size)
        q = self.query(x).view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        k = self.key(x).view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = self.value(x).view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        if self.attention == "sdpa":
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
            att = att.masked_fill(self.causal[:, :, :T, :T] == 0, float("-inf"))
            att = F.softmax(att, dim=-1)
            y = att @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.proj(y)


class MLP(nn.Module):
    def __init__(self, n_embd):
        super().__init__()
        self.fc = nn.Linear(n_embd, 4 * n_embd)
        self.proj = nn.Linear(4 * n_embd, n_embd)

    def forward(self, x):
        return self.proj(F.gelu(self.fc(x)))


class Block(nn.Module):
    def __init__(self, n_embd, n_head, block_size, attention):
        super().__init__()
        self.ln1 = nn.LayerNorm(n_embd)
        self.attn = SelfAttention(n_embd, n_head, block_size, attention)
        self.ln2 = nn.LayerNorm(n_embd)
        self.mlp = MLP(n_embd)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    def __init__(self, vocab_size, block_size=32, n_embd=32, n_head=4, n_layer=2,
                 attention="sdpa"):  # fmt: skip
        super().__init__()
        self.block_size = block_size
        self.tok_emb = nn.Embedding(vocab_size, n_embd)
        self.pos_emb = nn.Embedding(block_size, n_embd)
        self.blocks = nn.ModuleList(
            [Block(n_embd, n_head, block_size, attention) for _ in range(n_layer)]
        )
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        self.apply(self._init_weights)

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx, targets=None):
        B, T = idx.shape
        assert T <= self.block_size, f"sequence of {T} > block size {self.block_size}"
        pos = torch.arange(0, T, dtype=torch.long, device=idx.device)
        x = self.tok_emb(idx) + self.pos_emb(pos)
        for block in self.blocks:
            x = block(x)
        logits = self.lm_head(self.ln_f(x))
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))
        return logits, loss

    @torch.no_grad()
    def generate(self, idx, max_new_tokens, temperature=1.0, top_k=None,
                 greedy=False):  # fmt: skip
        for _ in range(max_new_tokens):
            idx_cond = (
                idx if idx.size(1) <= self.block_size else idx[:, -self.block_size :]
            )
            logits, _ = self(idx_cond)
            logits = logits[:, -1, :] / temperature
            if greedy:
                idx_next = torch.argmax(logits, dim=-1, keepdim=True)
            else:
                if top_k is not None:
                    v, _ = torch.topk(logits, min(top_k, logits.size(-1)))
                    logits[logits < v[:, [-1]]] = -float("Inf")
                probs = F.softmax(logits, dim=-1)
                idx_next = torch.multinomial(probs, num_samples=1)
            idx = torch.cat((idx, idx_next), dim=1)
        return idx


def main(text, steps=20, batch_size=16, block_size=32, attention="sdpa", lr=3e-3,
         seed=0, init=None, log=False):  # fmt: skip
    torch.manual_seed(1337)
    device = "cuda" if torch.cuda.is_available() else "cpu"

    chars = sorted(set(text))
    stoi = {ch: i for i, ch in enumerate(chars)}
    itos = {i: ch for i, ch in enumerate(chars)}

    def encode(s):
        return [stoi[c] for c in s]

    def decode(ids):
        return "".join(itos[i] for i in ids)

    data = torch.tensor(encode(text), dtype=torch.long)
    n = int(0.9 * len(data))
    train_data, val_data = data[:n], data[n:]
    rng = np.random.default_rng(seed)

    def get_batch(split):
        source = train_data if split == "train" else val_data
        ix = rng.integers(0, len(source) - block_size, size=batch_size).tolist()
        x = torch.stack([source[i : i + block_size] for i in ix])
        y = torch.stack([source[i + 1 : i + block_size + 1] for i in ix])
        return x.to(device), y.to(device)

    model = GPT(len(chars), block_size=block_size, attention=attention)
    model = model.to(device)
    if init is not None:
        model.load_state_dict({k: torch.from_numpy(v) for k, v in init.items()})
    initial = {
        k: v.detach().cpu().numpy().copy() for k, v in model.state_dict().items()
    }

    # weight decay on matrices (linear and embedding weights), none on biases and norms
    params = {name: p for name, p in model.named_parameters() if p.requires_grad}
    decay = [p for p in params.values() if p.dim() >= 2]
    no_decay = [p for p in params.values() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1},
         {"params": no_decay, "weight_decay": 0.0}],
        lr=lr, betas=(0.9, 0.99),
    )  # fmt: skip

    @torch.no_grad()
    def estimate_loss(eval_iters=4):
        model.eval()
        out = {}
        for split in ("train", "val"):
            losses = torch.zeros(eval_iters)
            for k in range(eval_iters):
                xb, yb = get_batch(split)
                _, loss = model(xb, yb)
                losses[k] = loss.item()
            out[split] = losses.mean().item()
        model.train()
        return out

    losses = []
    model.train()
    for step in range(steps):
        xb, yb = get_batch("train")
        logits, loss = model(xb, yb)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
        if log and step % 5 == 0:
            print(f"step {step}: loss {loss.item():.4f}")
    estimate = estimate_loss()

    context = torch.tensor([encode("Q: ")], dtype=torch.long, device=device)
    greedy = model.generate(context, 40, greedy=True)[0].tolist()
    sampled = model.generate(context, 40, temperature=0.8, top_k=10)[0].tolist()
    if log:
        print(decode(greedy), "|", decode(sampled), sep="\n")
    return {"init": initial, "losses": losses, "estimate": estimate,
            "greedy": decode(greedy), "sampled": decode(sampled),
            "vocab_size": len(chars)}  # fmt: skip


if __name__ == "__main__":  # python tests/compat/programs/char_gpt.py
    main("Q: What is a tensor?\nA: An array that remembers its history.\n" * 40,
         log=True)  # fmt: skip
