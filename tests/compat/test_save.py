"""tinytorch.save and tinytorch.load against PyTorch's: each library reads back
what it wrote (state dicts, checkpoints, an optimizer's and a scheduler's state),
with the same values, dtypes, types and sharing; a damaged file is an error in
both. (The formats differ on purpose: tinytorch's holds no pickle.)"""

from __future__ import annotations

import io
import os
import tempfile
from collections import Counter, OrderedDict

import numpy as np
import pytest

import tinytorch

from .harness import Case, case, check

CASES_HERE: list[Case] = []
W = np.arange(6, dtype=np.float32).reshape(3, 2) / 7


def here(id: str, *names: str, **options) -> object:
    def register(run):
        made = case(id, *names, **options)(run)
        CASES_HERE.append(made)
        return made

    return register


def kinds(value):
    """The types inside a loaded object, which the comparison of values does not see."""
    if isinstance(value, dict):
        return type(value).__name__, {k: kinds(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value).__name__, [kinds(v) for v in value]
    return type(value).__name__


def round_trip(m, obj):
    buffer = io.BytesIO()
    m.save(obj, buffer)
    buffer.seek(0)
    return m.load(buffer)


@here(
    "a checkpoint of tensors, numbers, strings and containers",
    "tinytorch.save",
    "tinytorch.load",
)
def _(m):
    w = m.tensor(W)
    checkpoint = {
        "model": OrderedDict(weight=w, bias=m.zeros(2, dtype=m.float64)),
        "steps": m.tensor([3, 4]), "mask": m.tensor([True, False]),
        "epoch": 7, "loss": 0.25, "best": float("inf"), "note": "ok", "none": None,
        "flags": [True, False], "betas": (0.9, 0.999), 3: {"nested": [(1, 2.5)]},
        "counts": Counter([2, 2, 5]), "dtype": m.int32, "empty": {},
    }  # fmt: skip
    back = round_trip(m, checkpoint)
    return back, kinds(back)


@here(
    "the same tensor twice loads as one; requires_grad and Parameter kept",
    "tinytorch.load",
)
def _(m):
    w = m.tensor(W, requires_grad=True)
    p = m.nn.Parameter(m.tensor(W))
    back = round_trip(
        m,
        {
            "a": w,
            "b": w,
            "p": p,
            "frozen": m.nn.Parameter(m.ones(1), requires_grad=False),
        },
    )
    return (back["a"] is back["b"], back["a"].requires_grad, type(back["p"]).__name__,
            back["p"].requires_grad, back["frozen"].requires_grad, back["p"])  # fmt: skip


@here(
    "save to a path, load with map_location and weights_only",
    "tinytorch.save",
    "tinytorch.load",
)
def _(m):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "checkpoint.pt")
        m.save({"w": m.tensor(W)}, path)
        return (m.load(path), m.load(path, map_location="cpu", weights_only=True),
                m.load(path, map_location=m.device("cpu")), m.load(path, map_location={"cpu": "cpu"}),
                sorted(os.listdir(folder)))  # fmt: skip


@here(
    "an optimizer saved mid-training goes on as before",
    "tinytorch.save",
    "tinytorch.load",
)
def _(m):
    params = [m.tensor(W, requires_grad=True), m.tensor(W[0], requires_grad=True)]
    optimizer = m.optim.Adam(params, lr=0.01, amsgrad=True)
    scheduler = m.optim.lr_scheduler.MultiStepLR(optimizer, milestones=[1, 3, 3])
    for step in range(2):
        for i, p in enumerate(params):
            p.grad = m.ones(p.shape) * (step + i + 1)
        optimizer.step()
        scheduler.step()
    saved = round_trip(
        m, {"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}
    )
    again = m.optim.Adam(params, lr=0.5, amsgrad=True)
    again.load_state_dict(saved["optimizer"])
    resumed = m.optim.lr_scheduler.MultiStepLR(again, milestones=[1])
    resumed.load_state_dict(saved["scheduler"])
    for _ in range(3):
        again.step()
        resumed.step()
    kept = kinds(saved["optimizer"]), kinds(saved["scheduler"]["milestones"])
    return again.state_dict(), resumed.get_last_lr(), params, kept


def _state_dict_is_tensors() -> bool:
    return all(
        isinstance(v, tinytorch.Tensor)
        for v in tinytorch.nn.Linear(1, 1).state_dict().values()
    )


@pytest.mark.xfail(
    not _state_dict_is_tensors(),
    reason="Module.state_dict returns numpy arrays until nn's migration",
    strict=True,
)
def test_a_modules_state_dict_round_trips() -> None:
    def run(m):
        model = m.nn.Sequential(m.nn.Linear(2, 3), m.nn.BatchNorm1d(3))
        with m.no_grad():
            model[0].weight.copy_(m.tensor(W.T.copy()))
        model(m.tensor(W))
        state = round_trip(m, model.state_dict())
        fresh = m.nn.Sequential(m.nn.Linear(2, 3), m.nn.BatchNorm1d(3))
        fresh.load_state_dict(state)
        return state, fresh.eval()(m.tensor(W))

    check(Case("a module's state_dict", ("tinytorch.save", "tinytorch.load"), run))


@here("a file cut short is an error", "tinytorch.load")
def _(m):
    buffer = io.BytesIO()
    m.save({"w": m.tensor(W)}, buffer)
    data = buffer.getvalue()
    m.load(io.BytesIO(data[: len(data) // 2]))


@here("a device tinytorch lacks", "tinytorch.load")
def _(m):
    buffer = io.BytesIO()
    m.save({"w": m.tensor(W)}, buffer)
    buffer.seek(0)
    m.load(buffer, map_location="cuda")


@pytest.mark.parametrize("c", CASES_HERE, ids=lambda c: c.id)
def test_against_pytorch(c: Case) -> None:
    check(c)
