"""A curve fit with a learning-rate schedule: an nn.Sequential MLP learns
y = sin(x) + 0.1 cos(5x) on torch.linspace points, with MSELoss, Adam and a
scheduler stepped once per epoch over minibatches in an order drawn by numpy (StepLR, CosineAnnealingLR, MultiStepLR or
ExponentialLR), then is evaluated on points between the training ones.

`init`, when given, is a state_dict of numpy arrays loaded before training.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn
from torch.optim.lr_scheduler import CosineAnnealingLR, StepLR


def target(x):
    return torch.sin(x) + 0.1 * torch.cos(5 * x)


def make_scheduler(name, optimizer, epochs):
    if name == "step":
        return StepLR(optimizer, step_size=5, gamma=0.5)
    if name == "cosine":
        return CosineAnnealingLR(optimizer, T_max=epochs, eta_min=1e-4)
    if name == "multistep":
        return torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=[8, 14],
                                                    gamma=0.3)  # fmt: skip
    if name == "exponential":
        return torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.9)
    raise ValueError(name)


def main(epochs=20, batch_size=32, scheduler="step", lr=0.02, seed=0, init=None,
         log=False):  # fmt: skip
    torch.manual_seed(0)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    x = torch.linspace(-math.pi, math.pi, 128).unsqueeze(1)  # (128, 1)
    y = target(x)
    rng = np.random.default_rng(seed)  # the same shuffled batches on every run

    model = nn.Sequential(
        nn.Linear(1, 32),
        nn.Tanh(),
        nn.Linear(32, 32),
        nn.GELU(),
        nn.Linear(32, 1),
    ).to(device)
    if init is not None:
        model.load_state_dict({k: torch.tensor(v) for k, v in init.items()})
    initial = {
        k: v.detach().clone().cpu().numpy() for k, v in model.state_dict().items()
    }

    loss_fn = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    schedule = make_scheduler(scheduler, optimizer, epochs)

    losses, lrs = [], []
    for epoch in range(epochs):
        model.train()
        order = torch.from_numpy(rng.permutation(x.size(0)))
        for start in range(0, x.size(0), batch_size):
            batch = order[start : start + batch_size]
            xb, yb = x[batch].to(device), y[batch].to(device)
            pred = model(xb)
            loss = loss_fn(pred, yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        lrs.append(optimizer.param_groups[0]["lr"])
        schedule.step()
        if log:
            print(
                f"epoch {epoch}: loss {losses[-1]:.5f}, lr {schedule.get_last_lr()[0]:.5f}"
            )

    model.eval()
    with torch.no_grad():
        x_test = (x[:-1] + x[1:]) / 2  # the midpoints
        test_mse = loss_fn(model(x_test.to(device)), target(x_test)).item()
        worst = (model(x_test) - target(x_test)).abs().max().item()
    return {"init": initial, "losses": losses, "lrs": lrs,
            "last_lr": schedule.get_last_lr(), "test_mse": test_mse,
            "worst": worst, "first_layer": tuple(model[0].weight.shape)}  # fmt: skip


if __name__ == "__main__":  # python tests/compat/programs/regression.py
    main(epochs=30, log=True)
