"""Optimizer: the base class that updates parameters from their gradients, as
PyTorch's ``torch.optim.Optimizer``: parameter groups, each with its own settings
(lr, momentum, ...), state kept per parameter, and `state_dict` in PyTorch's layout.

Book: book/modules/06_optimizers.md
"""

from __future__ import annotations

import copy
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd import enable_grad

Scratch = tuple[np.ndarray, np.ndarray]  # two buffers of a parameter's shape
Group = dict[str, Any]  # a parameter group: "params" and their settings


class _Required:
    """The default of a setting every parameter group must give itself."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _Required()


class Optimizer:
    """Holds parameter groups (`param_groups`: dicts of "params" and the settings
    for them) and per-parameter state (`state[param]`); `step()` updates every
    parameter that has a gradient, in place.

    A parameter's state starts at its first gradient, so one that joins training
    late takes a first step, as in PyTorch. Updates write into two scratch buffers
    per parameter, allocated once: a step allocates no new arrays. Buffers and
    state take the gradient's memory layout (a Linear's weight is stored
    transposed, its gradient is not), so only the last update mixes layouts.
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        if isinstance(params, Tensor) or not hasattr(params, "__iter__"):
            raise TypeError(
                f"params argument given to the optimizer should be an iterable of "
                f"Tensors or dicts, but got {type(params).__name__}"
            )
        self.defaults = defaults
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        self._scratch: dict[Tensor, tuple[np.ndarray, np.ndarray]] = {}
        self._step_post_hooks: dict[int, Callable[..., None]] = {}
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        for group in groups if isinstance(groups[0], dict) else [{"params": groups}]:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict[str, Any]) -> None:  # fmt: skip
        """Add a group of parameters with settings of its own; settings it leaves
        out take the optimizer's defaults."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got "
                            f"{type(param_group).__name__}")  # fmt: skip
        params = param_group["params"]
        if isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, "
                "but the ordering of tensors in sets will change between runs. "
                "Please use a list instead."
            )
        params = [params] if isinstance(params, Tensor) else list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of "
                                f"the params is {type(p).__name__}")  # fmt: skip
            if not (p.is_leaf or p._retains):
                raise ValueError("can't optimize a non-leaf Tensor")
        param_group["params"] = params
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of "
                                 f"required optimization parameter {name}")  # fmt: skip
            param_group.setdefault(name, default)
        if len({id(p) for p in params}) != len(params):
            warnings.warn("optimizer contains a parameter group with duplicate "
                          "parameters", UserWarning, stacklevel=3)  # fmt: skip
        taken = {id(p) for group in self.param_groups for p in group["params"]}
        if any(id(p) in taken for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the last gradients: None (the default), or zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p._grad.detach_()
                    p._grad._data.fill(0)
                    p._grad._version[0] += 1

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient, group by group with each
        group's settings; `closure` (re-evaluating the loss) runs first, and its
        loss is returned."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is None:
                    continue
                grad = p._grad._data
                scratch = self._scratch.get(p)
                if scratch is None or scratch[0].shape != grad.shape:
                    scratch = self._scratch[p] = (np.empty_like(grad),
                                                  np.empty_like(grad))  # fmt: skip
                self._update(p, p._data, grad, scratch, group)
                p._version[0] += 1  # changed in place: a graph that saved it is stale
        for hook in list(self._step_post_hooks.values()):
            hook(self, (self,) if closure is None else (self, closure), {})
        return loss

    def _update(self, p: Tensor, param: np.ndarray, grad: np.ndarray,
                scratch: Scratch, group: Group) -> None:  # fmt: skip
        raise NotImplementedError

    def register_step_post_hook(self, hook: Callable[..., None]) -> _Handle:
        """Call `hook(optimizer, args, kwargs)` after every step (`args` are the
        step's own, the optimizer first, as PyTorch passes them), e.g. to keep
        pruned weights at zero while fine-tuning; the handle's `remove()` stops it."""
        if not callable(hook):
            raise TypeError(f"register_step_post_hook: hook must be callable, got "
                            f"{type(hook).__name__}")  # fmt: skip
        return _Handle(self._step_post_hooks, hook)

    def state_dict(self) -> dict[str, Any]:
        """{"state": {index: state}, "param_groups": [settings and "params" as
        indices]}: parameters numbered in group order, as PyTorch numbers them; the
        state's tensors are the optimizer's own (save() copies them)."""
        index: dict[int, int] = {}
        groups, start = [], 0
        for group in self.param_groups:
            for i, p in enumerate(group["params"], start):
                index.setdefault(id(p), i)
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
            start += len(group["params"])
        state = {index[id(p)]: s for p, s in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Take the state and settings of `state_dict` (from an optimizer over
        parameters of the same shapes, grouped the same way)."""
        saved = copy.deepcopy(state_dict["param_groups"])
        if len(saved) != len(self.param_groups):
            raise ValueError(
                "loaded state dict has a different number of parameter groups"
            )
        if any(len(s["params"]) != len(g["params"])
               for s, g in zip(saved, self.param_groups, strict=True)):  # fmt: skip
            raise ValueError("loaded state dict contains a parameter group that "
                             "doesn't match the size of optimizer's group")  # fmt: skip
        params = {i: p for s, g in zip(saved, self.param_groups, strict=True)
                  for i, p in zip(s["params"], g["params"], strict=True)}  # fmt: skip
        state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        for key, values in state_dict["state"].items():
            p = params.get(key)
            state[key if p is None else p] = (
                values if p is None else {k: _cast(p, k, v) for k, v in values.items()}
            )
        for s, g in zip(saved, self.param_groups, strict=True):
            s["params"] = g["params"]
        self.state, self.param_groups = state, saved

    def __repr__(self) -> str:
        text = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"


def _cast(p: Tensor, key: str, value: Any) -> Any:
    """A loaded state value for parameter `p`: tensors in p's float dtype (the step
    count as it was), the same shape as p."""
    if not isinstance(value, Tensor) or key == "step":
        return value
    if value.shape != p.shape:
        raise ValueError(f"loaded state dict has {key} of shape {tuple(value.shape)} "
                         f"for a parameter of shape {tuple(p.shape)}")  # fmt: skip
    if p._data.dtype.kind == "f" and value._data.dtype != p._data.dtype:
        return Tensor._wrap(value._data.astype(p._data.dtype), None)
    return value


def _grad(param: np.ndarray, grad: np.ndarray, weight_decay: float, maximize: bool,
          out: np.ndarray, temp: np.ndarray) -> np.ndarray:  # fmt: skip
    """The gradient a step follows: negated to maximize, plus weight_decay * param
    (the L2 penalty's gradient), in `out`; `grad` itself when neither applies."""
    if maximize:
        grad = np.negative(grad, out=out)
    if weight_decay:
        np.multiply(param, weight_decay, out=temp)
        grad = np.add(grad, temp, out=out)
    return grad


def _check(name: str, value: Any, low: float = 0.0, below: float | None = None) -> None:
    """PyTorch's argument check: `value` in [low, below) (or >= low)."""
    if not low <= value or (below is not None and not value < below):
        raise ValueError(f"Invalid {name}: {value}")


class _Handle:
    """What register_step_post_hook returns: `remove()` unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks: dict[int, Callable[..., None]], hook: Callable) -> None:
        self.hooks, self.id = hooks, _Handle._next_id
        _Handle._next_id += 1
        hooks[self.id] = hook

    def remove(self) -> None:
        """Stop calling the hook."""
        self.hooks.pop(self.id, None)


def _implementation(foreach: bool | None, fused: bool | None, *,
                    differentiable: bool = False,
                    capturable: bool = False) -> None:  # fmt: skip
    """PyTorch's choices of implementation: tinytorch has one, with the same
    results, so foreach= and fused= change nothing; the two that change what a
    step is are not offered."""
    if fused and foreach:
        raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
    if differentiable:
        raise NotImplementedError("differentiable=True (a step recorded by autograd) "
                                  "is not part of tinytorch")  # fmt: skip
    if capturable:
        raise NotImplementedError("capturable=True (CUDA graph capture) is not part "
                                  "of tinytorch, which runs on the CPU")  # fmt: skip
