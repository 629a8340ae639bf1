"""Module: an object that holds weights and computes a forward pass, as PyTorch's.

A Parameter, Buffer or Module assigned as an attribute is registered, in order, in
`_parameters`, `_buffers` or `_modules`: that is how `parameters()`, `state_dict()`,
`to()` and `train()` find everything in a model (the value stays an attribute too,
so reading `self.weight` costs nothing). A plain list of layers is not registered,
as in PyTorch: use ModuleList.

Book: book/modules/03_layers.md
"""

from __future__ import annotations

from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from .. import autograd, compatibility, dtypes
from .._tensor import Tensor
from ..devices import as_device, device
from .parameter import Buffer, Parameter


class _IncompatibleKeys(namedtuple("IncompatibleKeys", "missing_keys unexpected_keys")):
    """What `load_state_dict` returns: the keys it missed and those it did not use."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()


def _kind(value: Any) -> str:
    return value.type() if isinstance(value, Tensor) else type(value).__name__


def _check_kind(value: Any, kind: Any, as_what: str, name: str, expected: str,
                verb: str = "expected") -> None:  # fmt: skip
    """PyTorch's TypeError for a value that cannot be registered under `name`."""
    if value is not None and not isinstance(value, kind):
        raise TypeError(f"cannot assign '{_kind(value)}' {as_what} '{name}' "
                        f"({expected} or None {verb})")  # fmt: skip


class Module:
    """Base class of every layer and model: subclasses define `forward` and assign
    their parameters and sub-modules as attributes."""

    training: bool

    def __new__(cls, *args: Any, **kwargs: Any) -> Module:
        # the registries exist before __init__: a subclass may skip super().__init__()
        self = super().__new__(cls)
        self.__dict__.update(training=True, _parameters={}, _buffers={}, _modules={},
                             _non_persistent_buffers_set=set())  # fmt: skip
        return self

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            raise TypeError(f"Module.__init__() takes no arguments, got {args}")

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation; every subclass defines it."""
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if autograd.hook is None:  # the engine's hook: a profiler, when one runs
            out = self.forward(*args, **kwargs)
        else:
            out = autograd.hook.module(self, args, kwargs)
        return out

    # ------------------------------------------------------------- registration
    def __setattr__(self, name: str, value: Any) -> None:
        params, buffers, modules = self._parameters, self._buffers, self._modules
        if isinstance(value, Parameter):
            self._forget(name, keep=params)
            params[name] = value
        elif name in params:
            _check_kind(value, (), "as parameter", name, "torch.nn.Parameter")
            params[name] = None
        elif isinstance(value, Module):
            self._forget(name, keep=modules)
            modules[name] = value
        elif name in modules:
            _check_kind(value, (), "as child module", name, "torch.nn.Module")
            modules[name] = None
        elif isinstance(value, Buffer):
            self.register_buffer(name, value, value.persistent)
        elif name in buffers:
            expected = "torch.nn.Buffer, torch.Tensor"
            _check_kind(value, Tensor, "as buffer", name, expected)
            buffers[name] = value
        object.__setattr__(self, name, value)  # also an attribute: read at no cost

    def _forget(self, name: str, keep: dict | None = None) -> None:
        """Unregister `name` from every registry but `keep` (its place kept there)."""
        for registry in (self._parameters, self._buffers, self._modules):
            if registry is not keep:
                registry.pop(name, None)
        if keep is not self._buffers:
            self._non_persistent_buffers_set.discard(name)

    def __getattr__(self, name: str) -> Any:  # only for names not found otherwise
        for registry in ("_parameters", "_buffers", "_modules"):
            found = self.__dict__.get(registry, {})
            if name in found:
                return found[name]
        compatibility.missing("Module", name)

    def __delattr__(self, name: str) -> None:
        if any(name in r for r in (self._parameters, self._buffers, self._modules)):
            self._forget(name)
            self.__dict__.pop(name, None)
        else:
            object.__delattr__(self, name)

    def _register(self, kind: str, registry: dict, name: Any, value: Any) -> None:
        """Register `value` under `name`, a new attribute name."""
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {_kind(name)}")
        if "." in name or not name:
            raise KeyError(f"{kind} name can't contain \".\"" if name else
                           f"{kind} name can't be empty string \"\"")  # fmt: skip
        if name not in registry and hasattr(self, name):
            raise KeyError(f"attribute '{name}' already exists")
        self._forget(name, keep=registry)
        registry[name] = value
        object.__setattr__(self, name, value)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register `param` (a Parameter, or None) under `name`."""
        _check_kind(param, Parameter, "object to parameter", name,
                    "torch.nn.Parameter", "required")  # fmt: skip
        self._register("parameter", self._parameters, name, param)

    def register_buffer(self, name: str, tensor: Tensor | None,
                        persistent: bool = True) -> None:  # fmt: skip
        """Register `tensor` as state under `name`: saved by state_dict unless not
        `persistent`, cast by `to()`, never learned."""
        _check_kind(tensor, Tensor, "object to buffer", name, "torch Tensor",
                    "required")  # fmt: skip
        self._register("buffer", self._buffers, name, tensor)
        if not persistent:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register `module` (or None) as the child `name`."""
        if module is not None and not isinstance(module, Module):
            hint = (f" (the class {module.__name__} itself: did you forget the "
                    f"parentheses, {module.__name__}(...)?)"
                    if isinstance(module, type) else "")  # fmt: skip
            raise TypeError(f"{name}: {_kind(module)} is not a Module subclass{hint}")
        self._register("module", self._modules, name, module)

    register_module = add_module

    # -------------------------------------------------------------- traversal
    def named_modules(
        self, memo: set | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """(dotted name, module) for this module ("") and every module inside, each
        once even if it is used twice."""
        memo = set() if memo is None else memo
        if id(self) in memo:
            return
        if remove_duplicate:
            memo.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                where = f"{prefix}.{name}" if prefix else name
                yield from child.named_modules(memo, where, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        """This module and every module inside it."""
        return (module for _, module in self.named_modules())

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, module) of the direct children."""
        seen = set()
        for name, child in self._modules.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self) -> Iterator[Module]:
        """The direct children."""
        return (child for _, child in self.named_children())

    def _named_members(
        self, registry: str, prefix: str, recurse: bool, remove_duplicate: bool
    ) -> Iterator[tuple[str, Any]]:
        seen = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
        for module_prefix, module in modules if recurse else [(prefix, self)]:
            for name, value in getattr(module, registry).items():
                if value is None or id(value) in seen:
                    continue
                if remove_duplicate:
                    seen.add(id(value))
                yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) of this module and every sub-module; a parameter
        shared by two layers comes once, under its first name."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every learnable parameter, each once: what an optimizer is given."""
        return (p for _, p in self.named_parameters(recurse=recurse))

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        """(dotted name, buffer) of this module and every sub-module."""
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer, each once."""
        return (b for _, b in self.named_buffers(recurse=recurse))

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call `fn` on every sub-module, then on this module (to initialise
        weights, say); returns this module."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ----------------------------------------------------------------- modes
    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout active, batch statistics) or evaluation mode."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for child in self.children():
            child.train(mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode: `train(False)`."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Set requires_grad on every parameter (False freezes the module)."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of the last backward pass (None, or zeros)."""
        for p in self.parameters():
            if p.grad is not None and set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad._data[...] = 0
                p.grad._version[0] += 1

    # ------------------------------------------------------- dtypes, devices
    def _cast(self, dt: np.dtype) -> Module:
        """Cast every floating-point parameter, gradient and buffer to `dt`, keeping
        the tensors themselves (an optimizer holds them)."""
        for module in self.modules():
            for t in [*module._parameters.values(), *module._buffers.values()]:
                for target in (t, None if t is None else t.grad):
                    if target is not None and target._data.dtype.kind == "f":
                        target._data = target._data.astype(dt, copy=False)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Cast floating-point parameters and buffers: to(dtype), to(device),
        to(device, dtype), to(tensor); the device must be the CPU."""
        dtype = kwargs.pop("dtype", None)
        as_device(kwargs.pop("device", None))
        kwargs.pop("non_blocking", None)
        if kwargs:
            raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg.dtype
            elif isinstance(arg, str | device):
                as_device(arg)
            else:
                dtype = arg
        if dtype is None:
            return self
        dtype = dtypes.as_dtype(dtype)
        if not dtype.is_floating_point:
            raise TypeError(f"nn.Module.to only accepts floating point or complex "
                            f"dtypes, but got desired dtype={dtype}")  # fmt: skip
        return self._cast(dtype.dtype)

    def float(self) -> Module:
        """Floating-point parameters and buffers as float32."""
        return self.to(dtypes.float32)

    def double(self) -> Module:
        """Floating-point parameters and buffers as float64 (for gradcheck)."""
        return self.to(dtypes.float64)

    def half(self) -> Module:
        """Floating-point parameters and buffers as float16."""
        return self.to(dtypes.float16)

    def cpu(self) -> Module:
        """Itself: tinytorch runs on the CPU."""
        return self

    def cuda(self, device: Any = None) -> Module:
        """An error: tinytorch runs on the CPU only."""
        as_device("cuda" if device is None else device)
        return self

    # ------------------------------------------------------------- state
    def state_dict(self, *, destination: Any = None, prefix: str = "",
                   keep_vars: bool = False) -> OrderedDict[str, Tensor]:  # fmt: skip
        """Every parameter and persistent buffer by dotted name, as tensors that
        share the module's memory (clone them to keep a snapshot)."""
        out = OrderedDict() if destination is None else destination
        for registry in (self._parameters, self._buffers):
            for name, t in registry.items():
                if t is not None and name not in self._non_persistent_buffers_set:
                    out[prefix + name] = t if keep_vars else t.detach()
        for name, child in self._modules.items():
            if child is not None:
                child.state_dict(destination=out, prefix=f"{prefix}{name}.",
                                 keep_vars=keep_vars)  # fmt: skip
        return out

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True,
                        assign: bool = False) -> _IncompatibleKeys:  # fmt: skip
        """Copy tensors into the parameters and buffers of the same names. Returns
        (missing_keys, unexpected_keys); with `strict`, any of them is an error,
        as is always a shape that differs."""
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got "
                            f"{type(state_dict)}.")  # fmt: skip
        if assign:
            raise NotImplementedError("load_state_dict(assign=True) is not part of "
                                      "tinytorch: it copies values in")  # fmt: skip
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = [
            f"{what} key(s) in state_dict: " + ", ".join(f'"{k}"' for k in keys) + ". "
            for what, keys in (("Missing", missing), ("Unexpected", unexpected))
            if strict and keys
        ]
        for key, target in own.items():
            problem = (
                _load_one(key, target, state_dict[key]) if key in state_dict else None
            )
            errors += [problem] if problem else []
        if errors:
            where = f"Error(s) in loading state_dict for {type(self).__name__}"
            raise RuntimeError(where + ":\n\t" + "\n\t".join(errors))
        return _IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------ printing
    def extra_repr(self) -> str:
        """The settings shown between the parentheses of the module's repr."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra = extra.split("\n") if extra else []
        children = [f"({k}): " + repr(m).replace("\n", "\n  ")  # a child, indented
                    for k, m in self._modules.items()]  # fmt: skip
        if len(extra) == 1 and not children:
            return f"{type(self).__name__}({extra[0]})"
        lines = extra + children
        body = "\n  " + "\n  ".join(lines) + "\n" if lines else ""
        return f"{type(self).__name__}({body})"


def _load_one(key: str, target: Tensor, value: Any) -> str | None:
    """Copy `value` into `target` (the tensor named `key`), or say why not."""
    if not isinstance(value, Tensor):
        return (
            f'While copying the parameter named "{key}", expected torch.Tensor '
            f"or Tensor-like object from checkpoint but received {type(value)}"
        )
    if value.shape != target.shape:
        return (
            f"size mismatch for {key}: copying a param with shape {value.shape} "
            f"from checkpoint, the shape in current model is {target.shape}."
        )
    np.copyto(target._data, value._data, casting="unsafe")
    target._version[0] += 1
    return None
