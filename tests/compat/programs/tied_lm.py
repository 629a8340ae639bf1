"""A language model with tied weights: it reads the previous few characters through
an embedding, mixes them in an MLP, and scores the next character with an output
layer whose weight IS the embedding matrix (``head.weight = embed.weight``). The
shared matrix is one parameter: counted once, seen once by the optimizer, given the
gradient of both uses, and still shared after load_state_dict and training.

`main` takes the training text; the windows are visited in an order drawn by a
numpy generator seeded with `seed`. `init`, when given, is a state_dict of numpy
arrays loaded before training.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


class TiedLM(nn.Module):
    def __init__(self, vocab_size, context=4, dim=24, hidden=64):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim)
        self.mix = nn.Sequential(
            nn.Linear(context * dim, hidden),
            nn.Tanh(),
            nn.Linear(hidden, dim),
            nn.LayerNorm(dim),
        )
        self.head = nn.Linear(dim, vocab_size, bias=False)
        self.head.weight = self.embed.weight  # tie the output layer to the embedding
        nn.init.normal_(self.embed.weight, std=dim**-0.5)  # logits of unit scale

    def forward(self, idx):
        e = self.embed(idx)  # (B, context, dim)
        h = self.mix(e.view(e.size(0), -1))
        return self.head(h)


def main(text, steps=25, batch_size=64, context=4, lr=1e-2, seed=0, init=None,
         log=False):  # fmt: skip
    torch.manual_seed(0)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    vocab = sorted(set(text))
    stoi = {ch: i for i, ch in enumerate(vocab)}
    ids = torch.tensor([stoi[c] for c in text])
    # every window of `context` characters and the character that follows it
    windows = torch.stack(
        [ids[i : len(ids) - context + i] for i in range(context)], dim=1
    )
    following = ids[context:]
    order = torch.from_numpy(np.random.default_rng(seed).permutation(len(following)))
    dataset = TensorDataset(windows[order], following[order])
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=False, drop_last=True)

    model = TiedLM(len(vocab), context=context).to(device)
    if init is not None:
        model.load_state_dict({k: torch.from_numpy(v) for k, v in init.items()})
    initial = {
        k: v.detach().cpu().numpy().copy() for k, v in model.state_dict().items()
    }
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)

    facts = {
        "tied": model.head.weight is model.embed.weight,
        "n_tensors": len(list(model.parameters())),
        "n_params": sum(p.numel() for p in model.parameters()),
        "named": [name for name, _ in model.named_parameters()],
        "state_keys": sorted(model.state_dict()),
        "in_optimizer": sum(len(g["params"]) for g in optimizer.param_groups),
    }

    losses, grad_shares = [], None
    model.train()
    for step, (xb, yb) in enumerate(loader):
        if step == steps:
            break
        xb, yb = xb.to(device), yb.to(device)
        logits = model(xb)
        loss = F.cross_entropy(logits, yb)
        optimizer.zero_grad()
        loss.backward()
        if grad_shares is None:  # the shared matrix's gradient, from both its uses
            grad_shares = model.embed.weight.grad.detach().cpu().numpy().copy()
        optimizer.step()
        losses.append(loss.item())
        if log and step % 5 == 0:
            print(f"step {step}: loss {loss.item():.4f}")

    facts["still_tied"] = model.head.weight is model.embed.weight
    model.eval()
    with torch.no_grad():
        logits = model(windows[:512].to(device))
        accuracy = (logits.argmax(dim=1) == ids[context : context + 512]).float().mean()
    return {"init": initial, "losses": losses, "grad": grad_shares,
            "accuracy": accuracy.item(), **facts}  # fmt: skip


if __name__ == "__main__":  # python tests/compat/programs/tied_lm.py
    main("the quick brown fox jumps over the lazy dog. " * 60, log=True)
