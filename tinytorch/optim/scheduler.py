"""The learning-rate scheduler's base class, as PyTorch's
``torch.optim.lr_scheduler.LRScheduler``, and LambdaLR, the schedule given as a
function; the other schedules are in ``lr_scheduler``.

Book: book/modules/06_optimizers.md
"""

from __future__ import annotations

import types
import warnings
from collections.abc import Callable
from typing import Any

from .optimizer import Optimizer


class LRScheduler:
    """Sets each parameter group's "lr" for the number of steps taken so far,
    `last_epoch` in PyTorch's words: made at step 0 (it sets the starting rates),
    and one `step()` after each of the optimizer's. Most schedules are chainable,
    as in PyTorch: each step changes the rate the group has now."""

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(f"param 'initial_lr' is not specified in "
                               f"param_groups[{i}] when resuming a scheduler with "
                               f"last_epoch >= 0")  # fmt: skip
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        """Step 0: the schedule's first rates."""
        self._step_count, self._is_initial = 0, True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        """The rate of every group at step `last_epoch` (called by `step`)."""
        raise NotImplementedError

    def get_last_lr(self) -> list[float]:
        """The rates the last step set, one per parameter group."""
        return self._last_lr

    def step(self, epoch: int | None = None) -> None:
        """Move to the next step: call it after each `optimizer.step()`. (An
        `epoch` jumps there, as PyTorch's deprecated form does.)"""
        self._step_count += 1
        if epoch is not None:
            warnings.warn("The epoch parameter in `scheduler.step()` is deprecated; "
                          "call `scheduler.step()` without it", UserWarning,
                          stacklevel=2)  # fmt: skip
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            values = getattr(self, "_get_closed_form_lr", self.get_lr)()
        for group, lr in zip(self.optimizer.param_groups, values, strict=True):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _lrs(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """Everything the scheduler holds but the optimizer (save the optimizer's
        state_dict beside it)."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Take the state a `state_dict()` gave."""
        self.__dict__.update(state_dict)


class LambdaLR(LRScheduler):
    """lr = initial lr * lr_lambda(step), one function for every group or one per
    group: any schedule, e.g. a linear warm-up and a cosine decay (the GPT of
    milestone 05)."""

    def __init__(self, optimizer: Optimizer,
                 lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
                 last_epoch: int = -1) -> None:  # fmt: skip
        groups = len(optimizer.param_groups)
        if isinstance(lr_lambda, list | tuple):
            if len(lr_lambda) != groups:
                raise ValueError(f"Expected {groups} lr_lambdas, but got "
                                 f"{len(lr_lambda)}")  # fmt: skip
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * groups
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Each group's initial rate times its function's factor for this step."""
        pairs = zip(self.lr_lambdas, self.base_lrs, strict=True)
        return [base * f(self.last_epoch) for f, base in pairs]

    def state_dict(self) -> dict[str, Any]:
        """As LRScheduler's; of the functions, only callable objects' attributes
        are kept (a function or lambda is None)."""
        state = {k: v for k, v in self.__dict__.items()
                 if k not in ("optimizer", "lr_lambdas")}  # fmt: skip
        state["lr_lambdas"] = [
            None if isinstance(f, types.FunctionType) else f.__dict__.copy()
            for f in self.lr_lambdas
        ]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Take the state a `state_dict()` gave; the functions stay this one's."""
        state = dict(state_dict)
        for f, attributes in zip(self.lr_lambdas, state.pop("lr_lambdas"),
                                 strict=True):  # fmt: skip
            if attributes is not None:
                f.__dict__.update(attributes)
        self.__dict__.update(state)
