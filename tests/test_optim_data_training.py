"""Optimizers against hand-computed updates, the DataLoader's contract, and the training helpers."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import nn, optim
from tinytorch.utils.data import DataLoader, Dataset, TensorDataset

GRADS = [
    np.array([0.5, -1.0]),
    np.array([0.25, 2.0]),
    np.array([-0.5, 0.0]),
]  # the gradient at steps 1, 2, 3


def _run(make_optimizer, start=(1.0, -2.0)) -> list[np.ndarray]:
    p = nn.Parameter(np.array(start), dtype=np.float64)
    opt = make_optimizer([p])
    seen = []
    for g in GRADS:
        opt.zero_grad()
        assert p.grad is None
        p.grad = g.copy()
        opt.step()
        seen.append(p.data.copy())
    return seen


def test_sgd_plain() -> None:
    got = _run(lambda ps: optim.SGD(ps, lr=0.1))
    p = np.array([1.0, -2.0])
    for g, after in zip(GRADS, got, strict=True):
        p = p - 0.1 * g
        np.testing.assert_allclose(after, p)


def test_sgd_momentum_and_weight_decay_by_hand() -> None:
    got = _run(lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01))
    # step 1: d = g + 0.01 p = [0.51, -1.02]; v = d; p = [1, -2] - 0.1 v
    step1 = np.array([1 - 0.051, -2 + 0.102])
    # step 2: d = [0.25, 2] + 0.01 * step1; v = 0.9 * [0.51, -1.02] + d
    v2 = 0.9 * np.array([0.51, -1.02]) + np.array([0.25, 2.0]) + 0.01 * step1
    step2 = step1 - 0.1 * v2
    v3 = 0.9 * v2 + np.array([-0.5, 0.0]) + 0.01 * step2
    step3 = step2 - 0.1 * v3
    np.testing.assert_allclose(got, [step1, step2, step3], rtol=1e-12)


def _adam_by_hand(lr, b1, b2, eps, wd, decoupled) -> list[np.ndarray]:
    p, m, v, out = np.array([1.0, -2.0]), np.zeros(2), np.zeros(2), []
    for t, g in enumerate(GRADS, start=1):
        if decoupled:
            p = p * (1 - lr * wd)
        else:
            g = g + wd * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
        out.append(p)
    return out


@pytest.mark.parametrize("wd", [0.0, 0.1])
def test_adam_by_hand(wd: float) -> None:
    got = _run(
        lambda ps: optim.Adam(ps, lr=0.01, betas=(0.8, 0.99), eps=1e-3, weight_decay=wd)
    )
    np.testing.assert_allclose(
        got, _adam_by_hand(0.01, 0.8, 0.99, 1e-3, wd, decoupled=False), rtol=1e-12
    )


def test_adamw_decouples_weight_decay() -> None:
    got = _run(
        lambda ps: optim.AdamW(
            ps, lr=0.01, betas=(0.8, 0.99), eps=1e-3, weight_decay=0.1
        )
    )
    np.testing.assert_allclose(
        got, _adam_by_hand(0.01, 0.8, 0.99, 1e-3, 0.1, decoupled=True), rtol=1e-12
    )
    adam = _run(
        lambda ps: optim.Adam(
            ps, lr=0.01, betas=(0.8, 0.99), eps=1e-3, weight_decay=0.1
        )
    )
    assert not np.allclose(got[-1], adam[-1])


def test_optimizers_update_in_place_and_skip_params_without_grad() -> None:
    a, b = nn.Parameter([1.0, 2.0]), nn.Parameter([3.0])
    buffer = a._data
    opt = optim.Adam([a, b], lr=0.1)
    a.grad = np.ones(2, dtype=np.float32)
    opt.step()
    assert a._data is buffer and a.dtype == np.float32 and a._version == 1
    np.testing.assert_array_equal(b.data, [3.0])


def test_optimizer_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(
        ValueError, match=r"SGD: lr must be a finite number in \(0, inf\), got 0"
    ):
        optim.SGD([nn.Parameter([1.0])], lr=0)


# -------------------------------------------------------------------------------------------------- data


def test_dataloader_yields_every_sample_once_per_epoch() -> None:
    x, y = np.arange(103, dtype=np.float32).reshape(-1, 1), np.arange(103)
    loader = DataLoader(TensorDataset(x, y), batch_size=10, shuffle=True, seed=3)
    assert len(loader) == 11
    orders = []
    for _ in range(2):
        batches = list(loader)
        assert [len(b[1]) for b in batches] == [10] * 10 + [3]
        seen = np.concatenate([b[1].data for b in batches])
        assert sorted(seen) == list(range(103))
        np.testing.assert_array_equal(
            np.concatenate([b[0].data[:, 0] for b in batches]), seen
        )
        orders.append(seen)
    assert not np.array_equal(orders[0], orders[1])  # a new order each epoch


def test_dataloader_same_seed_same_order_and_drop_last() -> None:
    data = TensorDataset(np.arange(50))

    def order(seed: int) -> list[int]:
        return [
            int(v)
            for (b,) in DataLoader(data, batch_size=8, shuffle=True, seed=seed)
            for v in b.data
        ]

    assert order(1) == order(1) and order(1) != order(2)
    dropped = DataLoader(data, batch_size=8, drop_last=True)
    assert len(dropped) == 6 and all(len(b) == 8 for (b,) in dropped)
    assert [int(v) for (b,) in DataLoader(data, batch_size=8) for v in b.data] == list(
        range(50)
    )


def test_dataloader_works_with_a_plain_dataset() -> None:
    class Squares(Dataset):
        def __len__(self) -> int:
            return 5

        def __getitem__(self, i: int) -> tuple[np.ndarray, int]:
            return np.full(2, i * i, dtype=np.float32), i

    batches = list(DataLoader(Squares(), batch_size=2))
    assert [b[1].data.tolist() for b in batches] == [[0, 1], [2, 3], [4]]
    assert batches[1][0].data.tolist() == [[4, 4], [9, 9]]


def test_tensor_dataset_checks_lengths() -> None:
    with pytest.raises(ValueError, match=r"different lengths \[3, 4\]"):
        TensorDataset(np.zeros(3), np.zeros(4))


# ----------------------------------------------------------------------------------------------- training


def _blobs(n: int = 200) -> TensorDataset:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, n)
    x = (
        rng.standard_normal((n, 2)) * 0.3 + np.array([[0, 2], [2, 0], [-2, -2]])[y]
    ).astype(np.float32)
    return TensorDataset(x, y)


def test_fit_learns_and_records_history() -> None:
    tt.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 3))
    loader = DataLoader(_blobs(), batch_size=20, shuffle=True, seed=0)
    events = []
    history = tt.fit(
        model,
        loader,
        nn.CrossEntropyLoss(),
        optim.SGD(model.parameters(), lr=0.1),
        epochs=5,
        test_loader=DataLoader(_blobs(), batch_size=50),
        callback=events.append,
    )
    assert (
        len(history.loss)
        == len(history.accuracy)
        == len(history.test_accuracy)
        == len(history.seconds)
        == 5
    )
    assert history.loss[-1] < 0.5 * history.loss[0]
    assert history.test_accuracy[-1] > 0.95
    assert history.updates == 5 * len(loader) == len(events)
    assert (events[-1].epoch, events[-1].step, events[-1].steps) == (5, 10, 10)
    assert all(s > 0 for s in history.seconds)
    assert tt.predict(model, _blobs().arrays[0][:7]).shape == (7, 3)


def test_divergence_stops_with_epoch_and_step() -> None:
    """A step far too large makes a linear regression overflow: the loop stops with
    TrainingDiverged, without a single numpy warning (warnings fail the tests)."""
    tt.manual_seed(0)
    x, labels = _blobs().arrays
    targets = labels.astype(np.float32)[:, None]
    model = nn.Linear(2, 1)
    with pytest.raises(
        tt.TrainingDiverged, match=r"loss became (nan|inf) at epoch \d+, step \d+"
    ):
        tt.fit(
            model,
            DataLoader(TensorDataset(x, targets), batch_size=20),
            nn.MSELoss(),
            optim.SGD(model.parameters(), lr=5.0),
            epochs=20,
        )


def test_evaluate_restores_the_mode_and_records_no_graph() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.5))
    accuracy = tt.evaluate(model, DataLoader(_blobs(), batch_size=64))
    assert (
        0 <= accuracy <= 1
        and model.training
        and all(p.grad is None for p in model.parameters())
    )
    assert math.isclose(
        tt.evaluate(model, DataLoader(_blobs(), batch_size=64)), accuracy
    )  # eval mode: no dropout
    model.eval()
    tt.evaluate(model, DataLoader(_blobs(), batch_size=64))
    tt.predict(model, _blobs().arrays[0])
    assert not model.training  # a model in evaluation mode stays there


def test_optimizers_show_how_they_were_built() -> None:
    params = nn.Linear(2, 1).parameters()
    assert repr(optim.Adam(params, lr=1e-3)) == "Adam(lr=0.001)"
    assert repr(optim.SGD(params, lr=0.1, momentum=0.9)) == "SGD(lr=0.1, momentum=0.9)"
    assert repr(optim.AdamW(params, betas=(0.8, 0.99))) == "AdamW(lr=0.001, betas=(0.8, 0.99))"
