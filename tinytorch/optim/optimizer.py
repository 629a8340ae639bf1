"""Optimizer: the base class that updates parameters from their gradients.

Book: book/modules/06_optimizers.md
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from .._tensor import Tensor
from ..checks import check_number


class Optimizer:
    """Holds the parameters to update; `step()` applies one update from their `.grad`.

    Updates happen in place with `out=` and one scratch buffer per parameter, so a
    step allocates no new arrays.
    """

    def __init__(self, params: Iterable[Tensor], **defaults: Any) -> None:
        name = type(self).__name__
        if isinstance(params, Tensor) or not hasattr(params, "__iter__"):
            raise TypeError(
                f"{name}: params must be an iterable of tensors (e.g. "
                f"model.parameters()), got {type(params).__name__}"
            )
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{name} got an empty parameter list")
        for i, p in enumerate(self.params):
            if not isinstance(p, Tensor) or p._ctx is not None:
                what = (
                    type(p).__name__ if not isinstance(p, Tensor) else "computed tensor"
                )
                raise TypeError(
                    f"{name}: parameter {i} is a {what}, not a leaf tensor "
                    f"(pass model.parameters())"
                )
        if len({id(p) for p in self.params}) != len(self.params):
            raise ValueError(f"{name}: a parameter appears more than once in the list")
        self.defaults = defaults
        self.lr = defaults["lr"]
        check_number(name, "lr", self.lr, low=0, low_inclusive=False)
        self.steps = 0
        self._scratch = [np.empty_like(p._data) for p in self.params]
        self._post_hooks: list[Callable[[Optimizer], None]] = []

    def zero_grad(self) -> None:
        """Forget the gradients of the last backward pass (None, as PyTorch does)."""
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        """Update every parameter that has a gradient."""
        self.steps += 1
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            grad = p.grad._data
            if grad.shape != p._data.shape or grad.dtype != p._data.dtype:
                raise ValueError(
                    f"{type(self).__name__}.step: parameter {i} has shape "
                    f"{p._data.shape} ({p._data.dtype}) but its .grad is {grad.shape} "
                    f"({grad.dtype})"
                )
            self._update(i, p._data, grad, self._scratch[i])
            p._version[0] += 1  # changed in place: a graph that saved it is now stale
        for hook in self._post_hooks:
            hook(self)

    def register_step_post_hook(self, hook: Callable[[Optimizer], None]) -> None:
        """Call `hook(optimizer)` after every step, e.g. to keep pruned weights at
        zero while fine-tuning (PyTorch's hook also gets the step's arguments)."""
        if not callable(hook):
            raise TypeError(
                f"register_step_post_hook: hook must be callable, got "
                f"{type(hook).__name__}"
            )
        self._post_hooks.append(hook)

    def _update(
        self, i: int, param: np.ndarray, grad: np.ndarray, scratch: np.ndarray
    ) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        signature = inspect.signature(type(self).__init__).parameters
        shown = [
            f"{key}={_format(value)}"
            for key, value in self.defaults.items()
            if key == "lr" or value != signature[key].default
        ]
        return f"{type(self).__name__}({', '.join(shown)})"


def _format(value: Any) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(_format(v) for v in value) + ")"
    return f"{value:g}" if isinstance(value, float) else repr(value)
