"""Learning-rate schedules: OneCycleLR's shape, the decays by hand, and fit stepping
a schedule every batch. (tests/compat/test_optim.py compares every schedule with
PyTorch's, step by step.)"""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import nn, optim
from tinytorch.optim import lr_scheduler
from tinytorch.optim.lr_scheduler import OneCycleLR
from tinytorch.utils.data import DataLoader, TensorDataset


def adam(lr: float = 1.0) -> optim.Adam:
    return optim.Adam([nn.Parameter(tt.zeros(2))], lr=lr)


def schedule(scheduler, steps: int) -> tuple[list[float], list[float]]:
    """The learning rate and Adam's beta1 in force at each of `steps` steps."""
    lrs, betas = [], []
    for _ in range(steps):
        group = scheduler.optimizer.param_groups[0]
        lrs.append(group["lr"])
        betas.append(group["betas"][0])
        scheduler.optimizer.step()
        scheduler.step()
    return lrs, betas


def test_one_cycle_rises_to_the_peak_then_anneals_far_below_the_start() -> None:
    lrs, betas = schedule(OneCycleLR(adam(), max_lr=4e-3, epochs=5, steps_per_epoch=20), 100)
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
    assert scheduler.get_last_lr() == [opt.param_groups[0]["lr"]]


def test_stepping_past_the_schedule_is_an_error() -> None:
    scheduler = OneCycleLR(adam(), max_lr=0.1, total_steps=3)
    for _ in range(3):  # steps 1, 2 and 3: the third sets the rate past the last
        scheduler.step()
    with pytest.raises(ValueError, match=r"Tried to step 4 times. The specified number of total steps is 3"):
        scheduler.step()


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: OneCycleLR(adam(), max_lr=0.1, epochs=3), r"either total_steps OR \(epochs AND steps_per_epoch\)"),
        (lambda: OneCycleLR(adam(), max_lr=0.1, total_steps=0), r"Expected positive integer total_steps, but got 0"),
        (lambda: OneCycleLR(adam(), max_lr=0.1, total_steps=3, pct_start=1), r"Expected float between 0 and 1 pct_start"),
        (lambda: OneCycleLR(adam(), max_lr=0.1, total_steps=3, anneal_strategy="exp"), r"'cos' or 'linear', instead got exp"),
        (lambda: OneCycleLR(optim.SGD([nn.Parameter(tt.zeros(1))], lr=0.1), max_lr=[0.1, 0.2], total_steps=3),
         r"expected 1 values for max_lr, got 2"),
        (lambda: OneCycleLR("adam", max_lr=0.1, total_steps=3), r"str is not an Optimizer"),
    ],
)  # fmt: skip
def test_bad_settings_are_refused(make, message) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        make()


def test_the_decays_by_hand() -> None:
    def lrs(make, steps: int = 7) -> list[float]:
        opt = optim.SGD([nn.Parameter(tt.zeros(1))], lr=0.8)
        scheduler, seen = make(opt), []
        for _ in range(steps):
            seen.append(scheduler.get_last_lr()[0])
            opt.step()
            scheduler.step()
        return seen

    np.testing.assert_allclose(lrs(lambda o: lr_scheduler.StepLR(o, 3, gamma=0.5)),
                               [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2])  # fmt: skip
    np.testing.assert_allclose(lrs(lambda o: lr_scheduler.MultiStepLR(o, [1, 4])),
                               [0.8, 0.08, 0.08, 0.08, 0.008, 0.008, 0.008])  # fmt: skip
    np.testing.assert_allclose(lrs(lambda o: lr_scheduler.ExponentialLR(o, 0.5)),
                               0.8 * 0.5 ** np.arange(7))  # fmt: skip
    cosine = lrs(lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=6, eta_min=0.2))
    np.testing.assert_allclose(cosine, 0.2 + 0.3 * (1 + np.cos(np.pi * np.arange(7) / 6)))
    warm = lrs(lambda o: lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=3))
    np.testing.assert_allclose(warm, [0.2, 0.4, 0.6, 0.8, 0.8, 0.8, 0.8])


def test_sgd_momentum_is_cycled_and_fit_steps_the_schedule_every_batch() -> None:
    tt.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 2))
    x = np.random.default_rng(0).standard_normal((10, 3)).astype(np.float32)
    loader = DataLoader(TensorDataset(x, np.arange(10) % 2), batch_size=4)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = OneCycleLR(opt, max_lr=0.1, epochs=2, steps_per_epoch=len(loader))
    group = opt.param_groups[0]
    seen = [(group["lr"], group["momentum"])]  # the callback sees them after each step
    history = tt.fit(model, loader, nn.CrossEntropyLoss(), opt, 2,
                     callback=lambda p: seen.append((group["lr"], group["momentum"])),
                     scheduler=scheduler)  # fmt: skip
    assert history.updates == scheduler.last_epoch == 6
    assert len(set(seen)) == 7  # a new rate and momentum after every step
    last_lr, last_momentum = seen[5]  # of step 6 of 6
    assert math.isclose(last_lr, 0.1 / 25 / 1e4) and math.isclose(last_momentum, 0.95)
