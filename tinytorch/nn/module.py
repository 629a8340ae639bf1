"""Module and Parameter: objects that hold weights and compute a forward pass.

Book: book/modules/03_layers.md
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from .. import autograd
from .._tensor import Tensor
from ..autograd import no_grad
from ..creation import tensor


class Parameter(Tensor):
    """A learnable weight: modules find it among their attributes. Made from a
    tensor, it shares the tensor's memory, as in PyTorch; from other data (a numpy
    array, a list), it holds a copy in that data's dtype."""

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        _share(self, data)
        self.requires_grad = requires_grad

    def __repr__(self) -> str:
        return "Parameter containing:\n" + Tensor.__repr__(self.detach())


class Buffer(Tensor):
    """State a module keeps and saves but does not learn (BatchNorm's running
    statistics): found among its attributes like a Parameter, never optimized."""

    __slots__ = ()

    def __init__(self, data: Any = None, persistent: bool = True) -> None:
        _share(self, data)
        if not persistent:
            raise NotImplementedError(
                "Buffer(persistent=False) is not part of tinytorch: every buffer is "
                "saved by state_dict"
            )


def _share(t: Tensor, data: Any) -> None:
    """Fill a new Parameter or Buffer from `data`, sharing a tensor's memory."""
    source = data if isinstance(data, Tensor) else tensor([] if data is None else data)
    t._data, t._grad, t._ctx, t._base = source._data, None, None, None
    t._requires_grad, t._retains, t._version = False, False, source._version


class Module:
    """Base class: parameters and sub-modules assigned as attributes (or in lists of
    them) are found automatically."""

    training: bool = True

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation; every subclass defines it."""
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if autograd.hook is None:  # the engine's hook: a profiler, when one runs
            out = self.forward(*args, **kwargs)
        else:
            out = autograd.hook.module(self, args, kwargs)
        return out

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Direct sub-modules, from attributes and lists of modules."""
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, list | tuple):
                for i, item in enumerate(value):
                    if isinstance(item, Module):
                        yield f"{name}.{i}", item

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) of this module and every sub-module."""
        return self._named(Parameter, prefix)

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, Buffer]]:
        """(dotted name, buffer) of this module and every sub-module."""
        return self._named(Buffer, prefix)

    def _named(self, kind: type | tuple[type, ...], prefix: str) -> Iterator[Any]:
        for name, value in vars(self).items():
            if isinstance(value, kind):
                yield prefix + name, value
        for name, child in self.named_children():
            yield from child._named(kind, f"{prefix}{name}.")

    def parameters(self) -> list[Parameter]:
        """All learnable parameters, for an optimizer."""
        return [p for _, p in self.named_parameters()]

    def modules(self) -> Iterator[Module]:
        """This module and every module inside it."""
        yield self
        for _, child in self.named_children():
            yield from child.modules()

    def zero_grad(self) -> None:
        """Forget the gradients of the last backward pass."""
        for p in self.parameters():
            p.grad = None

    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout active) or, with mode=False, evaluation mode."""
        if not isinstance(mode, bool):
            raise TypeError(f"train(mode): mode must be True or False, got {mode!r}")
        for m in self.modules():
            m.training = mode
        return self

    def eval(self) -> Module:
        """Evaluation mode."""
        return self.train(False)

    def to(self, dtype: Any) -> Module:
        """Cast every parameter and float buffer to a floating-point `dtype` (float64
        for gradcheck)."""
        if np.dtype(dtype).kind != "f":
            raise TypeError(
                f"Module.to: parameters must stay floating-point, got "
                f"{np.dtype(dtype)}; convert the data to float instead"
            )
        for _, t in self._named((Parameter, Buffer), ""):
            if t._data.dtype.kind == "f":  # not a count, such as num_batches_tracked
                t._data, t.grad = t._data.astype(dtype), None
        return self

    def state_dict(self) -> dict[str, np.ndarray]:
        """A copy of every parameter's and buffer's values, by name."""
        return {
            name: t._data.copy() for name, t in self._named((Parameter, Buffer), "")
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Copy values into the parameters and buffers; names and shapes must match
        exactly."""
        params = dict(self._named((Parameter, Buffer), ""))
        missing = sorted(params.keys() - state.keys())
        unexpected = sorted(state.keys() - params.keys())
        if missing or unexpected:
            raise KeyError(
                f"load_state_dict: missing keys {missing}, unexpected keys {unexpected}"
            )
        for name, p in params.items():
            try:
                value = np.asarray(state[name], dtype=p.dtype)
            except (TypeError, ValueError) as err:
                problem = f"load_state_dict: {name} is not numeric ({err})"
                raise TypeError(problem) from None
            if value.shape != p.shape:
                raise ValueError(
                    f"load_state_dict: {name} has shape {p.shape} but the "
                    f"state has {value.shape}"
                )
            with no_grad():
                p[...] = value

    def __repr__(self) -> str:
        lines = [
            f"\n({name}): {child!r}".replace("\n", "\n  ")
            for name, child in self.named_children()
        ]
        body = "".join(lines) + ("\n" if lines else "")
        return f"{type(self).__name__}({self.extra_repr()}{body})"

    def extra_repr(self) -> str:
        """The settings shown between the parentheses of the module's repr."""
        return ""
