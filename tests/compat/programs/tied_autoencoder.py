"""An autoencoder with tied weights: the decoder is the encoder's weight matrix
transposed (F.linear with ``encoder.weight.t()``) plus a bias of its own, so the
matrix is learned once from both uses. It compresses MNIST digits to 32 numbers
with a sigmoid output, binary cross-entropy and Adam.

`main` takes the images as numpy arrays (N, 784) float32 in [0, 1]; the batches are
taken in order. `init`, when given, is a state_dict of numpy arrays loaded before
training.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


class TiedAutoencoder(nn.Module):
    def __init__(self, n_in=784, n_code=32):
        super().__init__()
        self.encoder = nn.Linear(n_in, n_code)
        self.decoder_bias = nn.Parameter(torch.zeros(n_in))

    def encode(self, x):
        return torch.relu(self.encoder(x))

    def forward(self, x):
        code = self.encode(x)
        return torch.sigmoid(F.linear(code, self.encoder.weight.t(), self.decoder_bias))


def main(images, test_images, steps=20, batch_size=64, lr=1e-2, init=None, log=False):
    torch.manual_seed(0)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    loader = DataLoader(TensorDataset(torch.from_numpy(images)), batch_size=batch_size)

    model = TiedAutoencoder().to(device)
    if init is not None:
        model.load_state_dict({k: torch.from_numpy(v) for k, v in init.items()})
    initial = {
        k: v.detach().cpu().numpy().copy() for k, v in model.state_dict().items()
    }
    n_params = sum(p.numel() for p in model.parameters())
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)

    losses = []
    while len(losses) < steps:
        for (xb,) in loader:
            xb = xb.to(device)
            loss = F.binary_cross_entropy(model(xb), xb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            if log and len(losses) % 5 == 0:
                print(f"step {len(losses)}: loss {loss.item():.4f}")
            if len(losses) == steps:
                break

    with torch.no_grad():
        x_test = torch.from_numpy(test_images).to(device)
        error = F.mse_loss(model(x_test), x_test).item()
        codes = model.encode(x_test)
        active = (codes > 0).float().mean().item()
    return {"init": initial, "losses": losses, "test_mse": error,
            "active": active, "n_params": n_params}  # fmt: skip


if __name__ == "__main__":  # python tests/compat/programs/tied_autoencoder.py
    rng = np.random.default_rng(0)  # stand-in images when run on its own
    x = (rng.random((1536, 784)) < 0.2).astype(np.float32)
    print(main(x[:1280], x[1280:], log=True)["test_mse"])
