"""Package-level promises: numpy is the only dependency, every public name is documented, the core stays small."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import tinytorch
from tinytorch import data, datasets, gradcheck, nn, optim, tensor, training
from tinytorch.nn import functional, modules

MODULES = [tinytorch, tensor, nn, modules, functional, optim, data, training, gradcheck, datasets]


def _public_objects():
    for module in MODULES:
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield f"{module.__name__}.{name}", obj
                if inspect.isclass(obj):
                    for attr, member in vars(obj).items():
                        if attr.startswith("_") or attr in ("forward", "backward", "extra_repr"):
                            continue  # forward/backward are documented once, on Function and Module
                        if inspect.isfunction(member):
                            yield f"{module.__name__}.{name}.{attr}", member


def test_every_public_name_has_a_docstring() -> None:
    missing = [name for name, obj in _public_objects() if not (obj.__doc__ or "").strip()]
    assert missing == []


def test_import_needs_nothing_but_numpy() -> None:
    code = (
        "import sys, importlib.metadata as md\n"
        "before = set(sys.modules)\n"
        "import tinytorch, tinytorch.datasets\n"
        "owners = md.packages_distributions()\n"
        "print(sorted({d for m in set(sys.modules) - before for d in owners.get(m.split('.')[0], [])} - {'tinytorch'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['numpy']"


def test_core_stays_small() -> None:
    root = Path(tinytorch.__file__).parent
    lines = sum(len(path.read_text().splitlines()) for path in root.rglob("*.py"))
    assert lines < 2000, f"tinytorch/ has {lines} lines of Python; the promise is a library readable in an afternoon"
