"""Optimizers and learning-rate schedules against PyTorch: the same steps from the
same weights and gradients, parameter by parameter (one joining late, groups with
their own settings), state_dict layouts and round trips, and the schedules' rates
step by step."""

from __future__ import annotations

import numpy as np
import pytest

from .harness import Case, case, check

RNG = np.random.default_rng(22)
WEIGHTS = [RNG.standard_normal(s).astype(np.float32) for s in [(3, 2), (2,), (4,)]]
GRADS = [[RNG.standard_normal(w.shape).astype(np.float32) for w in WEIGHTS]
         for _ in range(5)]  # fmt: skip
CASES_HERE: list[Case] = []


def here(id: str, *names: str, **options) -> object:
    def register(run):
        made = case(id, *names, **options)(run)
        CASES_HERE.append(made)
        return made

    return register


def leaves(m, n: int = 3) -> list:
    return [m.tensor(w, requires_grad=True) for w in WEIGHTS[:n]]


def train(m, optimizer, params, steps: int = 5, late: int = 0) -> list:
    """Set the same gradients and step; the last parameter gets none for the first
    `late` steps. Returns every parameter after every step."""
    seen = []
    for step in range(steps):
        for i, p in enumerate(params):
            joined = i < len(params) - 1 or step >= late
            p.grad = m.tensor(GRADS[step][i]) if joined else None
        optimizer.step()
        seen.append([p.detach().clone() for p in params])
    return seen


SGD_SETTINGS = [
    dict(lr=0.1),
    dict(lr=0.1, momentum=0.9),
    dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01),
    dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1),
    dict(lr=0.1, momentum=0.5, maximize=True),
    dict(),  # PyTorch's default lr, 1e-3
]
ADAM_SETTINGS = [
    dict(),
    dict(lr=0.01, betas=(0.8, 0.99), eps=1e-3, weight_decay=0.1),
    dict(lr=0.01, amsgrad=True),
    dict(lr=0.01, maximize=True, weight_decay=0.05),
    dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True),
]


@pytest.mark.parametrize("settings", SGD_SETTINGS, ids=str)
def test_sgd_steps_as_pytorch(settings: dict) -> None:
    def run(m):
        params = leaves(m)
        optimizer = m.optim.SGD(params, **settings)
        return train(m, optimizer, params, late=2), optimizer.state_dict()

    check(Case(f"SGD {settings}", ("tinytorch.optim.SGD",), run))


@pytest.mark.parametrize("kind", ["Adam", "AdamW"])
@pytest.mark.parametrize("settings", ADAM_SETTINGS, ids=str)
def test_adam_steps_as_pytorch_with_a_parameter_joining_late(kind, settings) -> None:
    if kind == "AdamW" and "decoupled_weight_decay" in settings:
        pytest.skip("AdamW's decay is always decoupled")

    def run(m):
        params = leaves(m)
        optimizer = getattr(m.optim, kind)(params, **settings)
        return train(m, optimizer, params, late=3), optimizer.state_dict()

    check(Case(f"{kind} {settings}", (f"tinytorch.optim.{kind}",), run))


@here("param groups with their own settings, one added later", "tinytorch.optim.SGD",
      "tinytorch.optim.Adam", "tinytorch.optim.Optimizer")  # fmt: skip
def _(m):
    a, b, c = leaves(m)
    optimizer = m.optim.Adam([{"params": [a]}, {"params": b, "lr": 0.1, "betas": (0.5, 0.9)}],
                             lr=0.01)  # fmt: skip
    first = train(m, optimizer, [a, b], steps=2)
    optimizer.add_param_group({"params": [c], "weight_decay": 0.5})
    second = train(m, optimizer, [a, b, c], steps=3)
    sgd = m.optim.SGD([{"params": [a], "momentum": 0.9}, {"params": [b]}], lr=0.2)
    third = train(m, sgd, [a, b], steps=2)
    return (
        first,
        second,
        third,
        optimizer.defaults,
        sgd.defaults,
        optimizer.state_dict(),
    )


@here("state_dict round trip: a new optimizer goes on as the first would have",
      "tinytorch.optim.Adam", "tinytorch.optim.Optimizer")  # fmt: skip
def _(m):
    params = leaves(m)
    optimizer = m.optim.AdamW(params, lr=0.02, amsgrad=True)
    train(m, optimizer, params, steps=2, late=2)
    saved = optimizer.state_dict()
    fresh = m.optim.AdamW(params, lr=0.5)
    fresh.load_state_dict(saved)
    return (
        train(m, fresh, params, steps=3),
        fresh.state_dict(),
        fresh.param_groups[0]["lr"],
    )


@here(
    "load_state_dict checks the groups", "tinytorch.optim.Optimizer", "tinytorch.optim"
)
def _(m):
    optimizer = m.optim.SGD(leaves(m), lr=0.1)
    optimizer.load_state_dict(m.optim.SGD(leaves(m, 2), lr=0.1).state_dict())


@here(
    "zero_grad: None by default, zeros in place when asked", "tinytorch.optim.Optimizer"
)
def _(m):
    params = leaves(m, 2)
    optimizer = m.optim.SGD(params, lr=0.1)
    for p in params:
        p.grad = m.ones(p.shape)
    kept = params[0].grad
    optimizer.zero_grad(set_to_none=False)
    zeroed = [p.grad.clone() for p in params]
    same = kept is params[0].grad
    optimizer.zero_grad()
    return zeroed, same, [p.grad is None for p in params]


@here("step(closure) evaluates the loss and returns it", "tinytorch.optim.SGD")
def _(m):
    (w,) = leaves(m, 1)
    optimizer = m.optim.SGD([w], lr=0.1, momentum=0.9)

    def closure():
        optimizer.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    losses = [optimizer.step(closure) for _ in range(3)]
    return losses, w


@here(
    "a step post hook sees the optimizer; remove() stops it",
    "tinytorch.optim.Optimizer",
)
def _(m):
    params = leaves(m, 1)
    optimizer = m.optim.SGD(params, lr=0.1)
    calls = []
    handle = optimizer.register_step_post_hook(
        lambda opt, args, kwargs: calls.append(
            (opt is optimizer, len(args), args[0] is opt, kwargs)
        )
    )
    train(m, optimizer, params, steps=2)
    handle.remove()
    train(m, optimizer, params, steps=1)
    return calls


@here(
    "repr lists every group's settings", "tinytorch.optim.AdamW", "tinytorch.optim.SGD"
)
def _(m):
    a, b = leaves(m, 2)
    return (
        repr(m.optim.AdamW([{"params": [a]}, {"params": [b], "lr": 0.5}])),
        repr(m.optim.SGD([a], lr=0.1, momentum=0.9, nesterov=True)),
    )


BAD = {
    "negative lr": lambda m, ps: m.optim.SGD(ps, lr=-1),
    "negative momentum": lambda m, ps: m.optim.SGD(ps, momentum=-0.1),
    "nesterov without momentum": lambda m, ps: m.optim.SGD(ps, nesterov=True),
    "beta of 1": lambda m, ps: m.optim.Adam(ps, betas=(1.0, 0.999)),
    "negative eps": lambda m, ps: m.optim.AdamW(ps, eps=-1e-8),
    "negative weight decay": lambda m, ps: m.optim.Adam(ps, weight_decay=-1),
    "empty list": lambda m, ps: m.optim.SGD([], lr=0.1),
    "one tensor": lambda m, ps: m.optim.SGD(ps[0], lr=0.1),
    "a set in a group": lambda m, ps: m.optim.SGD([{"params": set(ps)}], lr=0.1),
    "not a tensor": lambda m, ps: m.optim.SGD([ps[0], 3.0], lr=0.1),
    "a computed tensor": lambda m, ps: m.optim.SGD([ps[0] * 2], lr=0.1),
    "one parameter in two groups": lambda m, ps: m.optim.SGD(
        [{"params": ps}, {"params": ps[:1]}], lr=0.1),
    "group not a dict": lambda m, ps: m.optim.SGD(ps[:1], lr=0.1).add_param_group(ps[1:]),
}  # fmt: skip


@pytest.mark.parametrize("what", BAD)
def test_bad_arguments_are_refused_as_pytorch_refuses_them(what: str) -> None:
    check(
        Case(
            what,
            ("tinytorch.optim.Optimizer",),
            lambda m: BAD[what](m, leaves(m)) and None,
        )
    )


# ------------------------------------------------------------------ schedules


def scheduled(m, make, steps: int = 12, optimizer: str = "SGD") -> list:
    """Every group's lr (and momentum) after each step, and get_last_lr()."""
    a, b = leaves(m, 2)
    groups = [{"params": [a]}, {"params": [b], "lr": 0.05}]
    opt = (m.optim.SGD(groups, lr=0.1, momentum=0.9) if optimizer == "SGD"
           else m.optim.Adam(groups, lr=0.1))  # fmt: skip
    scheduler = make(m.optim.lr_scheduler, opt)
    seen = [scheduler.get_last_lr()]
    for _ in range(steps):
        opt.step()
        scheduler.step()
        seen.append(
            (
                scheduler.get_last_lr(),
                [g["lr"] for g in opt.param_groups],
                [g.get("momentum", g.get("betas")) for g in opt.param_groups],
            )
        )
    kept = {
        k: v
        for k, v in scheduler.state_dict().items()
        if k in ("last_epoch", "base_lrs", "_last_lr", "_step_count")
    }
    return seen, kept


SCHEDULES = {
    "StepLR": lambda s, o: s.StepLR(o, step_size=3, gamma=0.5),
    "MultiStepLR": lambda s, o: s.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3),
    "ExponentialLR": lambda s, o: s.ExponentialLR(o, gamma=0.8),
    "CosineAnnealingLR": lambda s, o: s.CosineAnnealingLR(o, T_max=5, eta_min=0.001),
    "LambdaLR": lambda s, o: s.LambdaLR(o, lambda step: 1 / (step + 1)),
    "LambdaLR per group": lambda s, o: s.LambdaLR(o, [lambda e: 0.9**e, lambda e: e + 1]),
    "LinearLR": lambda s, o: s.LinearLR(o, start_factor=0.25, total_iters=4),
    "ConstantLR": lambda s, o: s.ConstantLR(o, factor=0.5, total_iters=3),
    "SequentialLR": lambda s, o: s.SequentialLR(
        o, [s.LinearLR(o, start_factor=0.1, total_iters=3), s.ExponentialLR(o, 0.9)],
        milestones=[3]),
    "OneCycleLR": lambda s, o: s.OneCycleLR(o, max_lr=[0.4, 0.2], total_steps=12),
    "OneCycleLR linear, three phases": lambda s, o: s.OneCycleLR(
        o, max_lr=0.3, epochs=3, steps_per_epoch=4, anneal_strategy="linear",
        three_phase=True, pct_start=0.25),
    "two schedulers chained": lambda s, o: (s.StepLR(o, 2), s.ExponentialLR(o, 0.9))[1],
}  # fmt: skip


@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
@pytest.mark.parametrize("name", SCHEDULES)
def test_schedules_set_pytorchs_rates_step_by_step(name: str, optimizer: str) -> None:
    run = lambda m: scheduled(m, SCHEDULES[name], optimizer=optimizer)  # noqa: E731
    check(Case(name, ("tinytorch.optim.lr_scheduler",), run, rtol=1e-12, atol=1e-15))


@here("a OneCycleLR stepped past its end", "tinytorch.optim.lr_scheduler")
def _(m):
    return scheduled(
        m, lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=3), steps=4
    )


@here("resuming a schedule from a state_dict", "tinytorch.optim.lr_scheduler")
def _(m):
    a, b = leaves(m, 2)
    opt = m.optim.SGD([a, b], lr=0.1)
    first = m.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=6)
    for _ in range(4):
        opt.step()
        first.step()
    again = m.optim.SGD([a, b], lr=0.1)
    again.load_state_dict(opt.state_dict())
    second = m.optim.lr_scheduler.CosineAnnealingLR(again, T_max=6, last_epoch=3)
    second.load_state_dict(first.state_dict())
    rates = []
    for _ in range(4):
        again.step()
        second.step()
        rates.append(second.get_last_lr())
    return rates


@here("resuming without initial_lr is an error", "tinytorch.optim.lr_scheduler")
def _(m):
    m.optim.lr_scheduler.StepLR(m.optim.SGD(leaves(m), lr=0.1), 2, last_epoch=4)


@here("a scheduler needs an optimizer", "tinytorch.optim.lr_scheduler")
def _(m):
    m.optim.lr_scheduler.ExponentialLR("sgd", gamma=0.9)


@here("OneCycleLR refuses a schedule it cannot run", "tinytorch.optim.lr_scheduler")
def _(m):
    m.optim.lr_scheduler.OneCycleLR(
        m.optim.SGD(leaves(m), lr=0.1), max_lr=0.1, total_steps=5
    )


@pytest.mark.parametrize("c", CASES_HERE, ids=lambda c: c.id)
def test_against_pytorch(c: Case) -> None:
    check(c)
