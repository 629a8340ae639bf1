"""Containers, as PyTorch's: Sequential (modules applied one after another),
ModuleList and ModuleDict (modules held in a list or a dict, and registered, which
a plain list is not), ParameterList and ParameterDict (the same for parameters).

Book: book/modules/03_layers.md
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .._tensor import Tensor
from .module import Module
from .parameter import Parameter


def _index(op: str, i: Any, n: int) -> int:
    """`i` as a position in 0..n-1 (negative counts from the end), or an error."""
    if not isinstance(i, int) or isinstance(i, bool):
        raise TypeError(
            f"{op} indices must be integers or slices, not {type(i).__name__}"
        )
    if not -n <= i < n:
        raise IndexError(f"index {i} is out of range")
    return i % n


def _renumber(container: Module, modules: list[Module]) -> None:
    """Hold `modules`, named "0", "1", ... again."""
    for key in list(container._modules):
        delattr(container, key)
    for i, module in enumerate(modules):
        container.add_module(str(i), module)


def _delete(container: Module, idx: int | slice) -> None:
    """Remove the module(s) at `idx` and number the rest again, as PyTorch does."""
    modules = list(container._modules.values())
    kind = type(container).__name__
    del modules[idx if isinstance(idx, slice) else _index(kind, idx, len(modules))]
    _renumber(container, modules)


class Sequential(Module):
    """Modules applied one after another, named "0", "1", ... (or by the keys of an
    OrderedDict); a slice is a Sequential of those modules, under their names."""

    def __init__(self, *args: Any) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for i, module in enumerate(args):
                self.add_module(str(i), module)

    def forward(self, input: Any) -> Any:
        for module in self:
            input = module(input)
        return input

    def __getitem__(self, idx: int | slice) -> Any:
        if isinstance(idx, slice):
            return Sequential(OrderedDict(list(self._modules.items())[idx]))
        return list(self._modules.values())[_index("Sequential", idx, len(self))]

    def __setitem__(self, idx: int, module: Module) -> None:
        key = list(self._modules)[_index("Sequential", idx, len(self))]
        setattr(self, key, module)

    def __delitem__(self, idx: int | slice) -> None:
        _delete(self, idx)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self, module: Module) -> Sequential:
        """Add `module` at the end."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> Sequential:
        """Add each of `modules` at the end."""
        for module in modules:
            self.append(module)
        return self


class ModuleList(Module):
    """A list of modules, registered: their parameters are the model's. Named "0",
    "1", ... as their positions."""

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        self.extend(modules or [])

    def __getitem__(self, idx: int | slice) -> Any:
        modules = list(self._modules.values())
        if isinstance(idx, slice):
            return ModuleList(modules[idx])
        return modules[_index("ModuleList", idx, len(modules))]

    def __setitem__(self, idx: int, module: Module) -> None:
        setattr(self, str(_index("ModuleList", idx, len(self))), module)

    def __delitem__(self, idx: int | slice) -> None:
        _delete(self, idx)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        return ModuleList([*self, *other])

    def append(self, module: Module) -> ModuleList:
        """Add `module` at the end."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Add each of `modules` at the end."""
        if not isinstance(modules, Iterable):
            raise TypeError(f"ModuleList.extend should be called with an iterable, "
                            f"but got {type(modules).__name__}")  # fmt: skip
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Put `module` before position `index`."""
        modules = list(self._modules.values())
        modules.insert(index, module)
        _renumber(self, modules)

    def pop(self, index: int = -1) -> Module:
        """Remove the module at `index` and return it."""
        module = self[index]
        del self[index]
        return module

    def __repr__(self) -> str:
        """As PyTorch prints it: equal neighbours as one line, "(0-2): 3 x ..."."""
        lines: list[list[Any]] = []  # [first index, last index, repr]
        for i, module in enumerate(self):
            text = repr(module)
            if lines and lines[-1][2] == text:
                lines[-1][1] = i
            else:
                lines.append([i, i, text])
        if not lines:
            return "ModuleList()"
        shown = [f"({a}): {t}" if a == b else f"({a}-{b}): {b - a + 1} x {t}"
                 for a, b, t in lines]  # fmt: skip
        body = "\n  ".join(s.replace("\n", "\n  ") for s in shown)  # children indented
        return "ModuleList(\n  " + body + "\n)"


class ModuleDict(Module):
    """A dict of modules, registered under their keys, in insertion order."""

    def __init__(self, modules: Mapping[str, Module] | None = None) -> None:
        super().__init__()
        self.update(modules or {})

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self) -> Iterable[str]:
        """The keys, in order."""
        return self._modules.keys()

    def values(self) -> Iterable[Module]:
        """The modules, in order."""
        return self._modules.values()

    def items(self) -> Iterable[tuple[str, Module]]:
        """(key, module) pairs, in order."""
        return self._modules.items()

    def update(self, modules: Mapping[str, Module] | Iterable[Any]) -> None:
        """Add (or replace) modules from a mapping or from (key, module) pairs."""
        pairs = modules.items() if isinstance(modules, Mapping) else modules
        for key, module in pairs:
            self[key] = module

    def pop(self, key: str) -> Module:
        """Remove the module under `key` and return it."""
        module = self[key]
        del self[key]
        return module

    def clear(self) -> None:
        """Remove every module."""
        for key in list(self._modules):
            del self[key]


class ParameterList(Module):
    """A list of parameters, registered as "0", "1", ...; a tensor put in becomes
    a Parameter."""

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        for value in values or []:
            self.append(value)

    def __getitem__(self, idx: int) -> Any:
        return getattr(self, str(_index("ParameterList", idx, len(self))))

    def __setitem__(self, idx: int, value: Any) -> None:
        setattr(
            self, str(_index("ParameterList", idx, len(self))), _as_parameter(value)
        )

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._parameters.values())

    def append(self, value: Any) -> ParameterList:
        """Add `value` at the end."""
        setattr(self, str(len(self)), _as_parameter(value))
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        """Add each of `values` at the end."""
        for value in values:
            self.append(value)
        return self


class ParameterDict(Module):
    """A dict of parameters, registered under their keys; a tensor put in becomes a
    Parameter."""

    def __init__(self, parameters: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        for key, value in (parameters or {}).items():
            self[key] = value

    def __getitem__(self, key: str) -> Any:
        return self._parameters[key]

    def __setitem__(self, key: str, value: Any) -> None:
        setattr(self, key, _as_parameter(value))

    def __delitem__(self, key: str) -> None:
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[str]:
        return iter(self._parameters)

    def __contains__(self, key: object) -> bool:
        return key in self._parameters

    def keys(self) -> Iterable[str]:
        """The keys, in order."""
        return self._parameters.keys()

    def values(self) -> Iterable[Any]:
        """The parameters, in order."""
        return self._parameters.values()

    def items(self) -> Iterable[tuple[str, Any]]:
        """(key, parameter) pairs, in order."""
        return self._parameters.items()


def _as_parameter(value: Any) -> Any:
    """A tensor that is not yet a Parameter becomes one (PyTorch's rule here)."""
    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value
