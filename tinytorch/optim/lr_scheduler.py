"""Learning-rate schedules, as PyTorch's ``torch.optim.lr_scheduler``: the step size
changes as training goes, set on the optimizer by one `step()` after each of its own.

Book: book/modules/06_optimizers.md
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ..checks import check_int, check_number
from .adam import Adam
from .optimizer import Optimizer
from .sgd import SGD


class LRScheduler:
    """Sets the optimizer's learning rate (and momentum, if it schedules one) for the
    number of steps taken so far, `last_epoch` in PyTorch's words; it starts at step
    0, set when the scheduler is made."""

    def __init__(self, optimizer: Optimizer) -> None:
        _check_optimizer(type(self).__name__, optimizer)
        self.optimizer = optimizer
        self.last_epoch = 0
        self._apply()

    def get_lr(self) -> float:
        """The learning rate at step `last_epoch`."""
        raise NotImplementedError

    def get_momentum(self) -> float | None:
        """The momentum (Adam's beta1) at step `last_epoch`, or None to leave it."""
        return None

    def get_last_lr(self) -> list[float]:
        """The learning rate now in use, as a list (one per parameter group in
        PyTorch; tinytorch's optimizers have one)."""
        return [self.optimizer.lr]

    def step(self) -> None:
        """Move to the next step: call it after each `optimizer.step()`."""
        self.last_epoch += 1
        self._apply()

    def _apply(self) -> None:
        self.optimizer.lr = self.get_lr()
        momentum = self.get_momentum()
        if isinstance(self.optimizer, Adam) and momentum is not None:
            self.optimizer.beta1 = momentum
        elif momentum is not None:
            self.optimizer.momentum = momentum


def _check_optimizer(owner: str, optimizer: object) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"{owner}: expected an Optimizer, got {type(optimizer).__name__}"
        )


class OneCycleLR(LRScheduler):
    """The one-cycle policy (Smith and Topin, 2019): the rate climbs from
    max_lr / div_factor to max_lr over the first `pct_start` of the steps, then
    anneals to max_lr / div_factor / final_div_factor; the momentum moves the other
    way, between max_momentum and base_momentum. PyTorch's defaults.

    A high rate in the middle moves fast through the flat regions of the loss; the
    long descent at the end settles into a minimum, which a constant rate keeps
    jumping around.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float,
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum: float = 0.85,
        max_momentum: float = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
    ) -> None:
        _check_optimizer("OneCycleLR", optimizer)
        check_number("OneCycleLR", "max_lr", max_lr, low_inclusive=False)
        if total_steps is None:
            if epochs is None or steps_per_epoch is None:
                raise ValueError(
                    "OneCycleLR: give total_steps, or both epochs and steps_per_epoch"
                )
            check_int("OneCycleLR", "epochs", epochs)
            check_int("OneCycleLR", "steps_per_epoch", steps_per_epoch)
            total_steps = epochs * steps_per_epoch
        check_int("OneCycleLR", "total_steps", total_steps)
        check_number("OneCycleLR", "pct_start", pct_start, 0, 1, high_inclusive=True)
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"OneCycleLR: anneal_strategy must be 'cos' or 'linear', "
                f"got {anneal_strategy!r}"
            )
        if cycle_momentum and not isinstance(optimizer, Adam):
            if not isinstance(optimizer, SGD) or not optimizer.momentum:
                raise ValueError(
                    "OneCycleLR: cycle_momentum needs Adam or SGD with momentum; pass "
                    "cycle_momentum=False for this optimizer"
                )
        self.total_steps, self.anneal_strategy = total_steps, anneal_strategy
        self.cycle_momentum = cycle_momentum
        initial = max_lr / div_factor
        # each phase: (last step, (lr from, lr to), (momentum from, momentum to))
        self.phases = [
            (pct_start * total_steps - 1, (initial, max_lr),
             (max_momentum, base_momentum)),
            (total_steps - 1, (max_lr, initial / final_div_factor),
             (base_momentum, max_momentum)),
        ]  # fmt: skip
        super().__init__(optimizer)

    def _where(self) -> tuple[int, float]:
        """The phase of step `last_epoch`, and how far into it (0 to 1)."""
        if self.last_epoch > self.total_steps:
            raise ValueError(
                f"OneCycleLR: stepped {self.last_epoch} times, but total_steps is "
                f"{self.total_steps}; make the schedule as long as the training"
            )
        start = 0.0
        for i, (end, _, _) in enumerate(self.phases):
            if self.last_epoch <= end or i == len(self.phases) - 1:
                span = end - start  # 0 only if the first phase is a single step
                return i, (self.last_epoch - start) / span if span > 0 else 1.0
            start = end
        raise AssertionError("unreachable: the last phase takes every step")

    def _anneal(self, values: tuple[float, float], pct: float) -> float:
        start, end = values
        if self.anneal_strategy == "linear":
            return start + (end - start) * pct
        return end + (start - end) / 2 * (math.cos(math.pi * pct) + 1)

    def get_lr(self) -> float:
        """The rate at step `last_epoch`: up to max_lr, then down to the floor."""
        phase, pct = self._where()
        return self._anneal(self.phases[phase][1], pct)

    def get_momentum(self) -> float | None:
        """The momentum at step `last_epoch`, moving against the rate (or None)."""
        if not self.cycle_momentum:
            return None
        phase, pct = self._where()
        return self._anneal(self.phases[phase][2], pct)


class LambdaLR(LRScheduler):
    """lr = initial lr * lr_lambda(step): any schedule written as a function, e.g.
    a linear warm-up followed by a cosine decay (the GPT of milestone 05)."""

    def __init__(
        self, optimizer: Optimizer, lr_lambda: Callable[[int], float]
    ) -> None:
        _check_optimizer("LambdaLR", optimizer)
        self.base_lr, self.lr_lambda = optimizer.lr, lr_lambda
        super().__init__(optimizer)

    def get_lr(self) -> float:
        """The initial rate times the function's factor for this step."""
        lr = self.base_lr * float(self.lr_lambda(self.last_epoch))
        if not (math.isfinite(lr) and lr >= 0):
            raise ValueError(
                f"LambdaLR: the schedule gave lr {lr} at step {self.last_epoch}; it "
                f"must be a finite number >= 0"
            )
        return lr
