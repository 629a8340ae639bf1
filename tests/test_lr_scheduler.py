"""OneCycleLR: PyTorch's schedule, step by step, driving the optimizer that fit trains
with."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import nn, optim
from tinytorch.optim.lr_scheduler import OneCycleLR
from tinytorch.utils.data import DataLoader, TensorDataset


def adam(lr: float = 1.0) -> optim.Adam:
    return optim.Adam([nn.Parameter(np.zeros(2))], lr=lr)


def schedule(scheduler: OneCycleLR, steps: int) -> tuple[list[float], list[float]]:
    """The learning rate and Adam's beta1 in force at each of `steps` steps."""
    lrs, betas = [], []
    for _ in range(steps):
        lrs.append(scheduler.optimizer.lr)
        betas.append(scheduler.optimizer.beta1)
        scheduler.step()
    return lrs, betas


def test_one_cycle_rises_to_the_peak_then_anneals_far_below_the_start() -> None:
    opt = adam()
    lrs, betas = schedule(OneCycleLR(opt, max_lr=4e-3, epochs=5, steps_per_epoch=20), 100)
    peak = lrs.index(max(lrs))
    assert peak == 29  # the end of the first 30 % of 100 steps
    assert math.isclose(lrs[0], 4e-3 / 25) and math.isclose(lrs[peak], 4e-3)
    assert all(a < b for a, b in zip(lrs[:peak], lrs[1 : peak + 1], strict=True))
    assert all(a > b for a, b in zip(lrs[peak:], lrs[peak + 1 :], strict=False))
    assert math.isclose(lrs[-1], 4e-3 / 25 / 1e4)  # the last step's: the floor
    # the momentum moves the other way: 0.95 -> 0.85 at the peak -> back to 0.95
    assert betas[0] == 0.95 and math.isclose(betas[peak], 0.85)
    assert math.isclose(betas[-1], 0.95)
    assert math.isclose(lrs[peak + 35], (4e-3 + 4e-3 / 25 / 1e4) / 2, rel_tol=0.05)


def test_linear_annealing_and_a_fixed_momentum() -> None:
    opt = adam()
    scheduler = OneCycleLR(opt, max_lr=1.0, total_steps=11, pct_start=0.5,
                           anneal_strategy="linear", cycle_momentum=False, div_factor=2,
                           final_div_factor=1)  # fmt: skip
    lrs, betas = schedule(scheduler, 11)
    np.testing.assert_allclose(lrs[:5], 0.5 + 0.5 * np.arange(5) / 4.5)  # peak at 4.5
    assert math.isclose(lrs[-1], 0.5) and set(betas) == {0.9}
    assert scheduler.get_last_lr() == [opt.lr]


def test_stepping_past_the_schedule_is_an_error() -> None:
    scheduler = OneCycleLR(adam(), max_lr=0.1, total_steps=3)
    for _ in range(3):
        scheduler.step()
    with pytest.raises(ValueError, match=r"OneCycleLR: stepped 4 times, but total_steps is 3"):
        scheduler.step()


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: OneCycleLR(adam(), max_lr=0.1, epochs=3), r"give total_steps, or both epochs and steps_per_epoch"),
        (lambda: OneCycleLR(adam(), max_lr=0, total_steps=3), r"max_lr must be a finite number in \(0, inf\)"),
        (lambda: OneCycleLR(adam(), max_lr=0.1, total_steps=3, anneal_strategy="exp"), r"'cos' or 'linear', got 'exp'"),
        (lambda: OneCycleLR(optim.SGD([nn.Parameter(np.zeros(1))], lr=0.1), max_lr=0.1, total_steps=3),
         r"cycle_momentum needs Adam or SGD with momentum; pass cycle_momentum=False"),
        (lambda: OneCycleLR("adam", max_lr=0.1, total_steps=3), r"expected an Optimizer, got str"),
    ],
)  # fmt: skip
def test_bad_settings_are_refused(make, message) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        make()


def test_sgd_momentum_is_cycled_and_fit_steps_the_schedule_every_batch() -> None:
    tt.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 2))
    x = np.random.default_rng(0).standard_normal((10, 3)).astype(np.float32)
    loader = DataLoader(TensorDataset(x, np.arange(10) % 2), batch_size=4)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = OneCycleLR(opt, max_lr=0.1, epochs=2, steps_per_epoch=len(loader))
    seen = [(opt.lr, opt.momentum)]  # the callback sees them after each step
    history = tt.fit(model, loader, nn.CrossEntropyLoss(), opt, 2,
                     callback=lambda p: seen.append((opt.lr, opt.momentum)),
                     scheduler=scheduler)  # fmt: skip
    assert history.updates == scheduler.last_epoch == 6
    assert len(set(seen)) == 7  # a new rate and momentum after every step
    last_lr, last_momentum = seen[5]  # of step 6 of 6
    assert math.isclose(last_lr, 0.1 / 25 / 1e4) and math.isclose(last_momentum, 0.95)


def test_matches_pytorch_when_installed() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional extra")
    for settings in (dict(epochs=3, steps_per_epoch=7), dict(total_steps=10, anneal_strategy="linear")):
        parameter = torch.nn.Parameter(torch.zeros(2))
        reference = torch.optim.Adam([parameter], lr=1.0)
        theirs = torch.optim.lr_scheduler.OneCycleLR(reference, max_lr=4e-3, **settings)
        ours = OneCycleLR(opt := adam(), max_lr=4e-3, **settings)
        for _ in range(ours.total_steps):
            group = reference.param_groups[0]
            assert math.isclose(opt.lr, group["lr"], rel_tol=1e-12)
            assert math.isclose(opt.beta1, group["betas"][0], rel_tol=1e-12)
            reference.step()
            theirs.step()
            ours.step()
