"""Optimizers against hand-computed updates, the DataLoader's contract, saving and
loading, and the training helpers. (tests/compat checks the same names step by
step against PyTorch itself.)"""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import nn, optim
from tinytorch.utils.data import (
    DataLoader,
    Dataset,
    Subset,
    TensorDataset,
    default_collate,
    random_split,
)

GRADS = [
    np.array([0.5, -1.0]),
    np.array([0.25, 2.0]),
    np.array([-0.5, 0.0]),
]  # the gradient at steps 1, 2, 3


def _run(make_optimizer, start=(1.0, -2.0)) -> list[np.ndarray]:
    p = nn.Parameter(tt.tensor(start, dtype=tt.float64))
    opt = make_optimizer([p])
    seen = []
    for g in GRADS:
        opt.zero_grad()
        assert p.grad is None
        p.grad = tt.tensor(g)  # float64, as the parameter
        opt.step()
        seen.append(p.detach().numpy().copy())
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
    settings = dict(lr=0.01, betas=(0.8, 0.99), eps=1e-3, weight_decay=0.1)
    got = _run(lambda ps: optim.AdamW(ps, **settings))
    by_hand = _adam_by_hand(0.01, 0.8, 0.99, 1e-3, 0.1, decoupled=True)
    np.testing.assert_allclose(got, by_hand, rtol=1e-12)
    assert not np.allclose(got[-1], _run(lambda ps: optim.Adam(ps, **settings))[-1])
    assert optim.AdamW(nn.Linear(1, 1).parameters()).defaults["weight_decay"] == 0.01


def test_a_parameter_that_joins_late_takes_adams_first_step() -> None:
    """Adam's first step moves each weight by about lr whatever its gradient's size;
    a parameter first given a gradient at step 3 counts its own steps from 1."""
    early, late = nn.Parameter(tt.zeros(2)), nn.Parameter(tt.zeros(2))
    opt = optim.Adam([early, late], lr=0.01)
    for step in range(3):
        early.grad = tt.ones(2)
        late.grad = tt.tensor([1e-3, -50.0]) if step == 2 else None
        opt.step()
    np.testing.assert_allclose(late.detach().numpy(), [-0.01, 0.01], rtol=1e-4)
    assert [float(opt.state[p]["step"]) for p in (early, late)] == [3.0, 1.0]


def test_param_groups_keep_their_own_settings() -> None:
    a, b = nn.Parameter(tt.ones(1)), nn.Parameter(tt.ones(1))
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    a.grad, b.grad = tt.ones(1), tt.ones(1)
    opt.step()
    assert [a.item(), b.item()] == pytest.approx([0.9, 0.5])
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    c = nn.Parameter(tt.ones(1))
    opt.add_param_group({"params": c, "momentum": 0.9})
    assert opt.param_groups[2]["lr"] == 0.1 and opt.param_groups[2]["params"] == [c]


def test_optimizers_update_in_place_and_skip_params_without_grad() -> None:
    a, b = nn.Parameter(tt.tensor([1.0, 2.0])), nn.Parameter(tt.tensor([3.0]))
    buffer = a._data
    opt = optim.Adam([a, b], lr=0.1)
    a.grad = tt.ones(2)
    opt.step()
    assert a._data is buffer and a.dtype == tt.float32 and a._version[0] == 1
    assert b.tolist() == [3.0] and b not in opt.state


def test_zero_grad_sets_none_or_zeroes_in_place() -> None:
    p = nn.Parameter(tt.ones(3))
    opt = optim.SGD([p], lr=0.1)
    p.grad = tt.ones(3)
    grad = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is grad and grad.tolist() == [0.0, 0.0, 0.0]
    opt.zero_grad()
    assert p.grad is None


def test_optimizer_arguments_are_checked_as_pytorch_checks_them() -> None:
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        optim.SGD([nn.Parameter(tt.ones(1))], lr=-1)
    with pytest.raises(NotImplementedError, match="differentiable=True"):
        optim.Adam([nn.Parameter(tt.ones(1))], differentiable=True)


def test_state_dict_survives_a_file_and_training_goes_on_the_same(tmp_path) -> None:
    def make() -> tuple[list[nn.Parameter], optim.Optimizer]:
        params = [nn.Parameter(tt.tensor([1.0, -2.0])), nn.Parameter(tt.ones(2, 2))]
        return params, optim.AdamW(params, lr=0.05, amsgrad=True)

    def steps(params, opt, n: int) -> None:
        for i in range(n):
            for p in params:
                p.grad = tt.ones(p.shape) * (i - 1.5)
            opt.step()

    params, opt = make()
    steps(params, opt, 2)
    tt.save(opt.state_dict(), tmp_path / "opt.pt")
    again, resumed = make()
    with tt.no_grad():
        for p, q in zip(params, again, strict=True):
            q[...] = p
    resumed.load_state_dict(tt.load(tmp_path / "opt.pt"))
    steps(params, opt, 3)
    steps(again, resumed, 3)
    for p, q in zip(params, again, strict=True):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())


# -------------------------------------------------------------------------------------------------- data


def test_dataloader_yields_every_sample_once_per_epoch() -> None:
    x, y = np.arange(103, dtype=np.float32).reshape(-1, 1), np.arange(103)
    loader = DataLoader(TensorDataset(x, y), batch_size=10, shuffle=True, seed=3)
    assert len(loader) == 11
    orders = []
    for _ in range(2):
        batches = list(loader)
        assert [len(labels) for _, labels in batches] == [10] * 10 + [3]
        seen = np.concatenate([labels.numpy() for _, labels in batches])
        assert sorted(seen) == list(range(103))
        np.testing.assert_array_equal(
            np.concatenate([images.numpy()[:, 0] for images, _ in batches]), seen
        )
        orders.append(seen)
    assert not np.array_equal(orders[0], orders[1])  # a new order each epoch


def test_dataloader_same_seed_same_order_and_drop_last() -> None:
    data = TensorDataset(np.arange(50))

    def order(seed: int) -> list[int]:
        loader = DataLoader(data, batch_size=8, shuffle=True, seed=seed)
        return [v for (b,) in loader for v in b.tolist()]

    assert order(1) == order(1) and order(1) != order(2)
    dropped = DataLoader(data, batch_size=8, drop_last=True)
    assert len(dropped) == 6 and all(len(b) == 8 for (b,) in dropped)
    assert [v for (b,) in DataLoader(data, batch_size=8) for v in b.tolist()] == list(
        range(50)
    )


def test_dataloader_works_with_a_plain_dataset() -> None:
    class Squares(Dataset):
        def __len__(self) -> int:
            return 5

        def __getitem__(self, i: int) -> tuple[np.ndarray, int]:
            return np.full(2, i * i, dtype=np.float32), i

    batches = list(DataLoader(Squares(), batch_size=2))
    assert [b[1].tolist() for b in batches] == [[0, 1], [2, 3], [4]]
    assert batches[1][0].tolist() == [[4, 4], [9, 9]] and batches[1][1].dtype == tt.int64


def test_one_array_and_dict_samples_batch_whole() -> None:
    rows = [np.full(3, i, np.float64) for i in range(4)]
    (batch,) = DataLoader(rows, batch_size=4)
    assert batch.shape == (4, 3) and batch.dtype == tt.float64  # not split into fields
    samples = [{"x": np.ones(2, np.float32) * i, "y": i} for i in range(3)]
    (batch,) = DataLoader(samples, batch_size=3)
    assert set(batch) == {"x", "y"} and batch["x"].shape == (3, 2)
    assert batch["y"].tolist() == [0, 1, 2]


def test_a_tensor_dataset_is_gathered_not_fetched_sample_by_sample(monkeypatch) -> None:
    """The milestones' training speed rests on one gather per tensor for a batch;
    it gives what collating the samples one by one gives."""
    data = TensorDataset(np.arange(12.0).reshape(6, 2), np.arange(6) % 2)
    part = Subset(data, [5, 3, 1, 0])
    slow = [default_collate([part[i] for i in idx]) for idx in ([0, 1, 2], [3])]
    monkeypatch.setattr(TensorDataset, "__getitem__", lambda *_: 1 / 0)
    fast = list(DataLoader(part, batch_size=3))
    for got, want in zip(fast, slow, strict=True):
        for g, w in zip(got, want, strict=True):
            assert g.dtype == w.dtype and g.tolist() == w.tolist()


def test_workers_give_the_same_batches_without_processes() -> None:
    data = TensorDataset(np.arange(10.0))
    alone = [b.tolist() for (b,) in DataLoader(data, batch_size=3)]
    assert [b.tolist() for (b,) in DataLoader(data, batch_size=3, num_workers=4)] == alone


def test_random_split_takes_lengths_or_fractions() -> None:
    parts = random_split(range(10), [0.5, 0.3, 0.2])
    assert [len(p) for p in parts] == [5, 3, 2]
    assert sorted(i for p in parts for i in p) == list(range(10))
    with pytest.raises(ValueError, match="Sum of input lengths"):
        random_split(range(10), [3, 3])


def test_tensor_dataset_checks_lengths() -> None:
    with pytest.raises(ValueError, match=r"Size mismatch between tensors: different lengths \[3, 4\]"):
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
    assert tt.predict(model, _blobs().tensors[0][:7]).shape == (7, 3)


def test_divergence_stops_with_epoch_and_step() -> None:
    """A step far too large makes a linear regression overflow: the loop stops with
    TrainingDiverged, without a single numpy warning (warnings fail the tests)."""
    tt.manual_seed(0)
    x, labels = _blobs().tensors
    targets = labels.float().unsqueeze(1)
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
    tt.predict(model, _blobs().tensors[0])
    assert not model.training  # a model in evaluation mode stays there


def test_optimizers_show_every_groups_settings() -> None:
    text = repr(optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1, momentum=0.9))
    assert text.startswith("SGD (\nParameter Group 0\n") and text.endswith("\n)")
    assert "    lr: 0.1\n" in text and "    momentum: 0.9\n" in text
