"""Exercises of chapter 06 (Optimizers), done the way a reader would do them."""

import pytest

import tinytorch as torch
from tinytorch import optim


def _valley_sgd(lr: float, steps: int = 60) -> list[float]:
    """The page's valley, 100 times steeper across than along, and plain SGD."""
    w = torch.tensor([-4.5, 0.6], dtype=torch.float64, requires_grad=True)
    optimizer = optim.SGD([w], lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        (0.5 * (w[0] ** 2 + 100 * w[1] ** 2)).backward()
        optimizer.step()
    return w.tolist()


def test_the_steep_direction_sets_the_largest_step() -> None:
    _, across = _valley_sgd(lr=0.019)
    assert abs(across) < 0.6  # each step multiplies it by 1 - 100 lr, here -0.9
    _, across = _valley_sgd(lr=0.021)
    assert abs(across) > 0.6 * 10  # by -1.1: it grows, bouncing from wall to wall
    along, _ = _valley_sgd(lr=0.019)
    assert along == pytest.approx(-4.5 * (1 - 0.019) ** 60)  # the floor, crawled


def test_momentum_reaches_ten_times_the_step() -> None:
    w = torch.zeros(1, requires_grad=True)
    optimizer = optim.SGD([w], lr=0.1, momentum=0.9)
    moves = []
    for _ in range(100):
        before = w.item()
        optimizer.zero_grad()
        w.sum().backward()  # the gradient is always 1
        optimizer.step()
        moves.append(before - w.item())
    assert moves[0] == pytest.approx(0.1)
    assert moves[-1] == pytest.approx(1.0, rel=1e-3)  # lr / (1 - 0.9)


def test_adams_first_step_ignores_the_gradients_size() -> None:
    big = torch.zeros(1, requires_grad=True)
    small = torch.zeros(1, requires_grad=True)
    optimizer = optim.Adam([big, small], lr=0.1)
    (1000 * big + 0.001 * small).sum().backward()
    optimizer.step()
    assert big.item() == pytest.approx(-0.1, rel=1e-5)
    assert small.item() == pytest.approx(-0.1, rel=1e-4)


def test_predict_a_step_schedule() -> None:
    w = torch.zeros(3, requires_grad=True)
    optimizer = optim.SGD([w], lr=0.1)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.1)
    rates = []
    for _ in range(6):
        w.sum().backward()
        optimizer.step()
        optimizer.zero_grad()
        scheduler.step()
        rates.append(optimizer.param_groups[0]["lr"])
    assert rates == pytest.approx([0.1, 0.1, 0.01, 0.01, 0.01, 0.001])


def test_weight_decay_shrinks_weights_nobody_asks_for() -> None:
    w = torch.ones(3, requires_grad=True)
    optimizer = optim.SGD([w], lr=0.1, weight_decay=0.1)
    for _ in range(10):
        optimizer.zero_grad()
        (w * 0).sum().backward()  # the loss does not care about w
        optimizer.step()
    assert w.tolist() == pytest.approx([0.99**10] * 3)
