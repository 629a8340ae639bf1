"""The compatibility suite covers every public name: each name of tinytorch,
tinytorch.nn, tinytorch.nn.functional, tinytorch.optim and tinytorch.utils.data is
checked against PyTorch by some Case, or is one of tinytorch's own (EXTRAS)."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from tinytorch import compatibility

from .harness import CASES, names_in

PUBLIC_MODULES = ["tinytorch", "tinytorch.nn", "tinytorch.nn.functional",
                  "tinytorch.optim", "tinytorch.utils.data"]  # fmt: skip


def all_cases() -> list:
    here = Path(__file__).parent
    for info in pkgutil.iter_modules([str(here)]):
        if info.name.startswith("test_"):
            importlib.import_module(f"{__package__}.{info.name}")
    return CASES


def public_names(module_name: str) -> set[str]:
    module = importlib.import_module(module_name)
    exported = getattr(module, "__all__", None)
    if exported is None:  # a module without __all__: its public functions and classes
        exported = [n for n, v in vars(module).items() if not n.startswith("_")
                    and getattr(v, "__module__", None) == module_name]  # fmt: skip
    return {f"{module_name}.{name}" for name in exported}


def test_every_public_name_is_compared_with_pytorch_or_is_tinytorchs_own() -> None:
    covered = names_in(all_cases())
    public = set().union(*(public_names(m) for m in PUBLIC_MODULES))
    uncovered = sorted(public - covered - set(compatibility.EXTRAS))
    assert uncovered == [], "add a Case (tests/compat) or an EXTRAS entry for these"


def test_cases_name_only_public_names() -> None:
    public = set().union(*(public_names(m) for m in PUBLIC_MODULES))
    unknown = sorted(n for n in names_in(all_cases()) if n.startswith("tinytorch.")
                     and not n.startswith("tinytorch.Tensor.") and n not in public)  # fmt: skip
    assert unknown == []


def test_extras_are_not_pytorch_names() -> None:
    torch_names = compatibility.pytorch_names()["torch"]
    clashing = [n for n in compatibility.EXTRAS if n.removeprefix("tinytorch.") in torch_names
                and n not in compatibility.DIFFERENCES]  # fmt: skip
    assert clashing == [], "a name PyTorch has too must keep its meaning, or be a DIFFERENCE"
