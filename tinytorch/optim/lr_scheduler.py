"""Learning-rate schedules, as PyTorch's ``torch.optim.lr_scheduler``: the step size
changes as training goes, set in every parameter group of the optimizer by one
`step()` after each of the optimizer's own.

Book: book/modules/06_optimizers.md
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from typing import Any

from .. import compatibility
from .optimizer import Optimizer
from .scheduler import LambdaLR, LRScheduler

__all__ = ["ConstantLR", "CosineAnnealingLR", "ExponentialLR", "LRScheduler",
           "LambdaLR", "LinearLR", "MultiStepLR", "OneCycleLR", "SequentialLR",
           "StepLR"]  # fmt: skip


class StepLR(LRScheduler):
    """Multiply the rate by gamma every `step_size` steps."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:  # fmt: skip
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The rates now, times gamma at every multiple of step_size."""
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._lrs()
        return [lr * self.gamma for lr in self._lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma ** (self.last_epoch // self.step_size)
                for base in self.base_lrs]  # fmt: skip


class MultiStepLR(LRScheduler):
    """Multiply the rate by gamma at each milestone (a step number)."""

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int],
                 gamma: float = 0.1, last_epoch: int = -1) -> None:  # fmt: skip
        self.milestones, self.gamma = Counter(milestones), gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The rates now, times gamma (per time listed) at a milestone."""
        if self.last_epoch not in self.milestones:
            return self._lrs()
        factor = self.gamma ** self.milestones[self.last_epoch]
        return [lr * factor for lr in self._lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        passed = bisect_right(sorted(self.milestones.elements()), self.last_epoch)
        return [base * self.gamma**passed for base in self.base_lrs]


class ConstantLR(LRScheduler):
    """The rate times `factor` for the first `total_iters` steps, then the rate."""

    def __init__(self, optimizer: Optimizer, factor: float = 1.0 / 3,
                 total_iters: int = 5, last_epoch: int = -1) -> None:  # fmt: skip
        if factor > 1.0 or factor < 0:
            raise ValueError(
                "Constant multiplicative factor expected to be between 0 and 1."
            )
        self.factor, self.total_iters = factor, total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Scaled down at step 0, scaled back at step total_iters."""
        if self.last_epoch == 0:
            return [lr * self.factor for lr in self._lrs()]
        if self.last_epoch != self.total_iters:
            return self._lrs()
        return [lr * (1.0 / self.factor) for lr in self._lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        factor = 1.0 if self.last_epoch >= self.total_iters else self.factor
        return [base * factor for base in self.base_lrs]


class LinearLR(LRScheduler):
    """The rate times a factor going linearly from `start_factor` to `end_factor`
    over `total_iters` steps: a warm-up."""

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3,
                 end_factor: float = 1.0, total_iters: int = 5,
                 last_epoch: int = -1) -> None:  # fmt: skip
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError("Starting multiplicative factor expected to be greater "
                             "than 0 and less or equal to 1.")  # fmt: skip
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError(
                "Ending multiplicative factor expected to be between 0 and 1."
            )
        self.start_factor, self.end_factor = start_factor, end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The rates now, moved one step further along the line."""
        start, end = self.start_factor, self.end_factor
        if self.last_epoch == 0:
            return [lr * start for lr in self._lrs()]
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._lrs()
        done = self.total_iters * start + (self.last_epoch - 1) * (end - start)
        ratio = 1.0 + (end - start) / done
        return [lr * ratio for lr in self._lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        done = min(self.total_iters, self.last_epoch) / self.total_iters
        factor = self.start_factor + (self.end_factor - self.start_factor) * done
        return [base * factor for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the rate by gamma at every step."""

    def __init__(self, optimizer: Optimizer, gamma: float,
                 last_epoch: int = -1) -> None:  # fmt: skip
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The rates now, times gamma (unchanged at the start)."""
        if self._is_initial:
            return self._lrs()
        return [lr * self.gamma for lr in self._lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma**self.last_epoch for base in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """The rate along half a cosine, from the initial rate down to `eta_min` in
    `T_max` steps (and back up, if training goes on)."""

    def __init__(
        self,
        optimizer: Optimizer,
        T_max: int,  # noqa: N803 (PyTorch's name)
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The rates now, moved one step along the cosine."""
        t, low = self.last_epoch, self.eta_min
        if self._is_initial:
            return self._lrs()
        if self._step_count == 1 and t > 0:  # resumed at step t
            return self._get_closed_form_lr()
        if (t - 1 - self.T_max) % (2 * self.T_max) == 0:  # at the bottom
            rise = (1 - math.cos(math.pi / self.T_max)) / 2
            pairs = zip(self.base_lrs, self._lrs(), strict=True)
            return [lr + (base - low) * rise for base, lr in pairs]
        ratio = (1 + math.cos(math.pi * t / self.T_max)) / (
            1 + math.cos(math.pi * (t - 1) / self.T_max))  # fmt: skip
        return [ratio * (lr - low) + low for lr in self._lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        cosine = 1 + math.cos(math.pi * self.last_epoch / self.T_max)
        return [self.eta_min + (base - self.eta_min) * cosine / 2
                for base in self.base_lrs]  # fmt: skip


class SequentialLR(LRScheduler):
    """One scheduler after another: `schedulers[i]` runs from `milestones[i - 1]`
    (each starts again from its own step 0 there)."""

    def __init__(self, optimizer: Optimizer, schedulers: list[LRScheduler],
                 milestones: list[int], last_epoch: int = -1) -> None:  # fmt: skip
        if len(schedulers) < 1:
            raise ValueError("SequentialLR expects at least one scheduler, but got "
                             "no scheduler.")  # fmt: skip
        for i, scheduler in enumerate(schedulers):
            if not hasattr(scheduler, "optimizer"):
                raise TypeError(f"SequentialLR at index {i} should have `optimizer` "
                                f"as its attribute.")  # fmt: skip
            if scheduler.optimizer is not optimizer:
                raise ValueError(f"SequentialLR expects all schedulers to belong to "
                                 f"the same optimizer, but got scheduler "
                                 f"{type(scheduler).__name__} at index {i} with "
                                 f"another one")  # fmt: skip
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                f"Sequential Schedulers expects number of schedulers provided to be "
                f"one more than the number of milestone points, but got number of "
                f"schedulers {len(schedulers)} and the number of milestones to be "
                f"equal to {len(milestones)}"
            )
        self._schedulers, self._milestones = schedulers, milestones
        self.last_epoch, self.optimizer = last_epoch + 1, optimizer
        for group in optimizer.param_groups:  # undo the schedulers' first steps
            group["lr"] = group["initial_lr"]
        for scheduler in schedulers:
            scheduler.last_epoch -= 1
        first = schedulers[bisect_right(milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def step(self) -> None:  # type: ignore[override]
        """A step of the scheduler in charge now (the first of it at a milestone)."""
        self.last_epoch += 1
        i = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[i]
        if i > 0 and self._milestones[i - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        """Its own state and each scheduler's."""
        state = {k: v for k, v in self.__dict__.items()
                 if k not in ("optimizer", "_schedulers")}  # fmt: skip
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Take the state a `state_dict()` gave, each scheduler's too."""
        state = dict(state_dict)
        for scheduler, saved in zip(self._schedulers, state.pop("_schedulers"),
                                    strict=True):  # fmt: skip
            scheduler.load_state_dict(saved)
        self.__dict__.update(state)


class OneCycleLR(LRScheduler):
    """The one-cycle policy (Smith and Topin, 2019): the rate climbs from
    max_lr / div_factor to max_lr over the first `pct_start` of the steps, then
    anneals to max_lr / div_factor / final_div_factor (with `three_phase`, back to
    the start first); the momentum (SGD's, or Adam's beta1) moves the other way,
    between max_momentum and base_momentum. PyTorch's defaults.

    A high rate in the middle moves fast through the flat regions of the loss; the
    long descent at the end settles into a minimum, which a constant rate keeps
    jumping around.
    """

    def __init__(
        self, optimizer: Optimizer, max_lr: float | list[float],
        total_steps: int | None = None, epochs: int | None = None,
        steps_per_epoch: int | None = None, pct_start: float = 0.3,
        anneal_strategy: str = "cos", cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.85,
        max_momentum: float | list[float] = 0.95, div_factor: float = 25.0,
        final_div_factor: float = 1e4, three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:  # fmt: skip
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        if total_steps is None and (epochs is None or steps_per_epoch is None):
            raise ValueError(
                "You must define either total_steps OR (epochs AND steps_per_epoch)"
            )
        for name, value in (("total_steps", total_steps), ("epochs", epochs),
                            ("steps_per_epoch", steps_per_epoch)):  # fmt: skip
            if value is not None and (not isinstance(value, int) or value <= 0):
                raise ValueError(f"Expected positive integer {name}, but got {value}")
        if total_steps is None:
            total_steps = epochs * steps_per_epoch  # type: ignore[operator]
        self.total_steps = total_steps
        if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
            raise ValueError(
                f"Expected float between 0 and 1 pct_start, but got {pct_start}"
            )
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', "
                             f"instead got {anneal_strategy}")  # fmt: skip
        self.anneal_strategy = anneal_strategy
        rise = float(pct_start * self.total_steps) - 1
        # each phase: (its last step, lr from -> to, momentum from -> to)
        self.phases = [(rise, "initial_lr", "max_lr", "max_momentum", "base_momentum")]
        if three_phase:
            self.phases.append((2 * rise, "max_lr", "initial_lr", "base_momentum",
                                "max_momentum"))  # fmt: skip
        self.phases.append((self.total_steps - 1, self.phases[-1][2], "min_lr",
                            self.phases[-1][4], "max_momentum"))  # fmt: skip
        groups = optimizer.param_groups
        if last_epoch == -1:
            for group, peak in zip(groups, _each("max_lr", groups, max_lr),
                                   strict=True):  # fmt: skip
                group["initial_lr"] = start = peak / div_factor
                group["max_lr"], group["min_lr"] = peak, start / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            if not {"momentum", "betas"} & optimizer.defaults.keys():
                raise ValueError("optimizer must support momentum or beta1 with "
                                 "`cycle_momentum` option enabled")  # fmt: skip
            self.use_beta1 = "betas" in optimizer.defaults
            highs = _each("max_momentum", groups, max_momentum)
            lows = _each("base_momentum", groups, base_momentum)
            for group, high, low in zip(groups, highs, lows, strict=True):
                if last_epoch == -1:
                    self._set_momentum(group, high)
                    group["max_momentum"], group["base_momentum"] = high, low
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start: float, end: float, pct: float) -> float:
        """From `start` (pct 0) to `end` (pct 1), along a half cosine or a line."""
        if self.anneal_strategy == "linear":
            return (end - start) * pct + start
        return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)

    def _set_momentum(self, group: dict[str, Any], value: float) -> None:
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value

    def get_lr(self) -> list[float]:
        """The rate of every group at step `last_epoch`, in the phase it falls in;
        the momentum is set as it goes."""
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"Tried to step {step} times. The specified number of "
                             f"total steps is {self.total_steps}")  # fmt: skip
        start = 0.0
        for i, phase in enumerate(self.phases):
            if step <= phase[0] or i == len(self.phases) - 1:
                break
            start = phase[0]
        end, lr_from, lr_to, momentum_from, momentum_to = phase
        pct = (step - start) / (end - start)
        lrs = []
        for group in self.optimizer.param_groups:
            lrs.append(self._anneal(group[lr_from], group[lr_to], pct))
            if self.cycle_momentum:
                self._set_momentum(group, self._anneal(
                    group[momentum_from], group[momentum_to], pct))  # fmt: skip
        return lrs


def _each(name: str, groups: list[dict[str, Any]], value: Any) -> list[Any]:
    """One value per parameter group: a list of them, or one for every group."""
    if isinstance(value, list | tuple):
        if len(value) != len(groups):
            raise ValueError(f"expected {len(groups)} values for {name}, got "
                             f"{len(value)}")  # fmt: skip
        return list(value)
    return [value] * len(groups)


def __getattr__(name: str) -> Any:
    """A PyTorch name this module does not offer: an error that says so."""
    compatibility.missing(__name__, name)
