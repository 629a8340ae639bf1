"""Training that stops and resumes from a checkpoint: an MLP with BatchNorm1d and
Dropout learns 8x8 digits with SGD (Nesterov momentum, weight decay), a OneCycleLR
schedule stepped every batch and label smoothing; halfway it saves the model's,
the optimizer's and the scheduler's state_dict with torch.save, builds everything
anew, loads them back with torch.load and carries on. The evaluation uses the
BatchNorm running statistics (model.eval()).

`main` takes the images as numpy arrays (N, 64) float32 and the labels int64; the
batches are the rows in an order drawn by a numpy generator seeded with `seed`.
`init`, when given, is a state_dict of numpy arrays loaded before training.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


def make_model(dropout):
    return nn.Sequential(
        nn.Linear(64, 96),
        nn.BatchNorm1d(96),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(96, 10),
    )


def make_training(model, lr, total_steps):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, nesterov=True,
                                weight_decay=5e-4)  # fmt: skip
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr,
                                                    total_steps=total_steps)  # fmt: skip
    return optimizer, scheduler


def main(images, labels, test_images, test_labels, steps=30, batch_size=50, lr=0.2,
         dropout=0.0, seed=0, init=None, log=False):  # fmt: skip
    torch.manual_seed(0)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    order = np.random.default_rng(seed).permutation(len(images))
    train_set = TensorDataset(
        torch.from_numpy(images[order]), torch.from_numpy(labels[order])
    )
    loader = DataLoader(train_set, batch_size=batch_size, shuffle=False, num_workers=0)

    model = make_model(dropout).to(device)
    if init is not None:
        model.load_state_dict({k: torch.from_numpy(v) for k, v in init.items()})
    initial = {
        k: v.detach().cpu().numpy().copy() for k, v in model.state_dict().items()
    }
    optimizer, scheduler = make_training(model, lr, steps)
    criterion = nn.CrossEntropyLoss(label_smoothing=0.1)

    losses, lrs, step = [], [], 0
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "checkpoint.pt")
        while step < steps:
            for xb, yb in loader:
                xb, yb = xb.to(device), yb.to(device)
                model.train()
                optimizer.zero_grad()
                loss = criterion(model(xb), yb)
                loss.backward()
                optimizer.step()
                lrs.append(scheduler.get_last_lr()[0])
                scheduler.step()
                losses.append(loss.item())
                step += 1
                if step == steps // 2:  # save, start again from nothing, load
                    torch.save({"model": model.state_dict(),
                                "optimizer": optimizer.state_dict(),
                                "scheduler": scheduler.state_dict(),
                                "step": step}, path)  # fmt: skip
                    model = make_model(dropout).to(device)
                    optimizer, scheduler = make_training(model, lr, steps)
                    checkpoint = torch.load(path)
                    model.load_state_dict(checkpoint["model"])
                    optimizer.load_state_dict(checkpoint["optimizer"])
                    scheduler.load_state_dict(checkpoint["scheduler"])
                    step = checkpoint["step"]
                    if log:
                        print(f"resumed at step {step}")
                if step == steps:
                    break

    model.eval()
    with torch.no_grad():
        x_test = torch.from_numpy(test_images).to(device)
        y_test = torch.from_numpy(test_labels).to(device)
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
    running = {
        k: v.cpu().numpy() for k, v in model.state_dict().items() if "running" in k
    }
    return {"init": initial, "losses": losses, "lrs": lrs, "accuracy": accuracy,
            "running": running, "batches_tracked": int(model[1].num_batches_tracked)}  # fmt: skip


if __name__ == "__main__":  # python tests/compat/programs/checkpoint.py
    rng = np.random.default_rng(0)  # stand-in digits when run on its own
    x, y = rng.random((1200, 64), dtype=np.float32), rng.integers(0, 10, 1200)
    print(main(x[:1000], y[:1000], x[1000:], y[1000:], log=True)["accuracy"])
