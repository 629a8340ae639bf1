"""Exercises of chapter 07 (Training), done the way a reader would do them."""

import pytest

import tinytorch as torch
from tinytorch import nn, optim
from tinytorch.datasets import load_tinydigits
from tinytorch.utils.data import DataLoader, TensorDataset


def _fit_slope(zero_grad: bool) -> float:
    """Fit y = 3x with one weight, with or without zeroing the gradients."""
    torch.manual_seed(0)
    x = torch.randn(32, 1)
    y = 3 * x
    model = nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        model.weight.zero_()
    optimizer = optim.SGD(model.parameters(), lr=0.05)
    for _ in range(100):
        loss = ((model(x) - y) ** 2).mean()
        if zero_grad:
            optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model.weight.item()


def test_forgetting_zero_grad() -> None:
    assert abs(_fit_slope(zero_grad=True) - 3) < 1e-3
    assert abs(_fit_slope(zero_grad=False) - 3) > 0.1  # old gradients still push


def _digit_values(lr: float) -> torch.History:
    x, y, _, _ = map(torch.from_numpy, load_tinydigits())
    torch.manual_seed(0)
    model = nn.Linear(64, 1)
    loader = DataLoader(TensorDataset(x, y.float().unsqueeze(1)), batch_size=32)
    return torch.fit(
        model, loader, nn.MSELoss(), optim.SGD(model.parameters(), lr=lr), epochs=5
    )


def test_a_learning_rate_that_diverges_without_overflowing() -> None:
    with pytest.raises(torch.TrainingDiverged):
        _digit_values(lr=1.0)
    rising = _digit_values(lr=0.1).loss  # finite, so the loop goes on
    assert all(b > 10 * a for a, b in zip(rising[:-1], rising[1:], strict=True))
    falling = _digit_values(lr=0.01).loss
    assert all(b < a for a, b in zip(falling[:-1], falling[1:], strict=True))


def test_evaluate_leaves_the_mode_as_it_found_it() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.Dropout(0.5), nn.Linear(16, 3))
    loader = DataLoader(
        TensorDataset(torch.randn(64, 4), torch.randint(0, 3, (64,))), batch_size=16
    )
    model.train()
    first = torch.evaluate(model, loader)
    assert model.training  # restored
    assert torch.evaluate(model, loader) == first  # dropout was off: no randomness


def test_clipping_keeps_the_direction() -> None:
    w = torch.zeros(2, requires_grad=True)
    (w * torch.tensor([3.0, 4.0])).sum().backward()
    total = nn.utils.clip_grad_norm_([w], max_norm=1.0)
    assert total.item() == pytest.approx(5.0)  # the length before clipping
    assert w.grad.tolist() == pytest.approx([0.6, 0.8], abs=1e-6)
    nn.utils.clip_grad_norm_([w], max_norm=10.0)
    assert w.grad.tolist() == pytest.approx([0.6, 0.8], abs=1e-6)  # short: unchanged


def test_resuming_needs_the_optimizers_state(tmp_path) -> None:
    torch.manual_seed(0)
    x, y = torch.randn(32, 4), torch.randint(0, 3, (32,))

    def step(model, optimizer):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()

    model = nn.Linear(4, 3)
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    for _ in range(5):
        step(model, optimizer)
    path = tmp_path / "checkpoint.pt"
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, path)
    checkpoint = torch.load(path)
    step(model, optimizer)  # the run that was never interrupted

    resumed, fresh = nn.Linear(4, 3), nn.Linear(4, 3)
    resumed.load_state_dict(checkpoint["model"])
    fresh.load_state_dict(checkpoint["model"])
    resumed_optimizer = optim.Adam(resumed.parameters(), lr=0.01)
    resumed_optimizer.load_state_dict(checkpoint["optimizer"])
    step(resumed, resumed_optimizer)
    step(fresh, optim.Adam(fresh.parameters(), lr=0.01))
    assert torch.equal(resumed.weight, model.weight)
    assert not torch.allclose(fresh.weight, model.weight, atol=1e-5)
