"""A 1-D convolutional classifier of noisy waveforms (sine, square or sawtooth),
standardized with their mean and standard deviation: Conv1d with F.pad, leaky ReLU,
an average over time, log_softmax with nll_loss, Adam, a slice of the feature
Sequential, torch.where, and named_modules to count the layers.

The signals are drawn by a numpy generator seeded with `seed`, the batches taken in
order. `init`, when given, is a state_dict of numpy arrays loaded before training.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def make_signals(n, length, seed):
    rng = np.random.default_rng(seed)
    kind = rng.integers(0, 3, n)
    t = np.arange(length) / length
    phase = rng.random((n, 1))
    cycles = rng.uniform(2, 5, (n, 1)) * t + phase
    waves = np.stack([np.sin(2 * np.pi * cycles), np.sign(np.sin(2 * np.pi * cycles)),
                      2 * (cycles % 1) - 1])  # fmt: skip
    x = waves[kind, np.arange(n)] + 0.3 * rng.standard_normal((n, length))
    return x[:, None, :].astype(np.float32) * 3 + 1, kind  # (n, 1, length), off-centre


class CausalConv(nn.Module):
    """A convolution that sees only the past: pad on the left, then convolve."""

    def __init__(self, in_channels, out_channels, kernel_size):
        super().__init__()
        self.pad = kernel_size - 1
        self.conv = nn.Conv1d(in_channels, out_channels, kernel_size)

    def forward(self, x):
        return self.conv(F.pad(x, (self.pad, 0)))


class WaveNet(nn.Module):
    def __init__(self, channels=16, classes=3):
        super().__init__()
        self.features = nn.Sequential(
            CausalConv(1, channels // 2, 5),
            nn.LeakyReLU(0.1),
            CausalConv(channels // 2, channels, 5),
            nn.LeakyReLU(0.1),
        )
        self.classifier = nn.Linear(channels, classes)

    def forward(self, x):
        h = self.features(x)  # (batch, channels, time)
        return self.classifier(h.mean(dim=-1))  # average over time


def main(steps=30, batch_size=32, length=64, lr=1e-2, seed=0, init=None, log=False):
    torch.manual_seed(0)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    signals, kinds = make_signals(steps * batch_size + 256, length, seed)
    x = torch.from_numpy(signals)
    y = torch.from_numpy(kinds)
    mean, std = x[:-256].mean(), x[:-256].std()  # the training signals' statistics
    x = (x - mean) / std

    model = WaveNet().to(device)
    if init is not None:
        model.load_state_dict({k: torch.from_numpy(v) for k, v in init.items()})
    initial = {
        k: v.detach().cpu().numpy().copy() for k, v in model.state_dict().items()
    }
    n_conv = sum(isinstance(m, nn.Conv1d) for _, m in model.named_modules())
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)

    losses = []
    model.train()
    for step in range(steps):
        xb = x[step * batch_size : (step + 1) * batch_size].to(device)
        yb = y[step * batch_size : (step + 1) * batch_size].to(device)
        log_probs = F.log_softmax(model(xb), dim=1)
        loss = F.nll_loss(log_probs, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if log and step % 6 == 0:
            print(f"step {step}: loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        first = model.features[:2](x[-256:])  # the first convolution alone
        logits = model(x[-256:])
        sure = torch.where(logits.softmax(dim=1).max(dim=1).values > 0.9, 1, 0)
        accuracy = (logits.argmax(dim=1) == y[-256:]).float().mean().item()
    return {"init": initial, "losses": losses, "accuracy": accuracy,
            "sure": int(sure.sum()), "n_conv": n_conv,
            "first": tuple(first.shape), "std": std.item()}  # fmt: skip


if __name__ == "__main__":  # python tests/compat/programs/signal_cnn.py
    print(main(log=True)["accuracy"])
