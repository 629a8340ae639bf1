"""Promises about the package as a whole: what it imports, that every public name is
documented, one concept per file within line budgets, every file taught by a chapter
that shows it, and one BLAS thread by default whatever the import order."""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import tinytorch

PACKAGE = Path(tinytorch.__file__).parent
ROOT = PACKAGE.parent
MAX_FILE_LINES = 400
# Each file belongs to one area; each area has a budget, so the core stays readable
# in an afternoon as the library grows (the engine: 1300 until convolution brought
# ops.Unfold and its shape checks).
AREAS = {
    # 1550: the transformer's fused ops joined (ops/attention.py, ops/transformer.py);
    # 2750: PyTorch's meaning (issue 22): views and version counters, promotion, in-place
    # autograd, saved values freed by backward, and the primitives of the everyday
    # surface (where, maximum, cat, expand, scatter, cumsum, norm, einsum, ...);
    # 2850: torch.nn's ops (exact GELU, PyTorch's clamped binary cross-entropy)
    "engine": (2850, ["_tensor.py", "autograd.py", "ops/", "dtypes.py", "checks.py",
                      "random.py", "testing.py", "__init__.py"]),
    "tools": (170, ["threads.py", "files.py", "memory.py"]),  # 150 before DamagedFile
    "compatibility": (250, ["compatibility.py"]),  # what tinytorch offers of PyTorch
    "text": (200, ["tokenizers.py"]),
    # 900 since issue 22: PyTorch's utils.data (samplers, the default collate, the
    # DataLoader's arguments) and checkpoints saved without pickle (serialization.py)
    "training": (900, ["utils/", "training.py", "serialization.py"]),
    # PyTorch's function namespace (torch.cat, torch.where, ...), each also a method;
    # 2700 since issue 22 brought the everyday surface (creation, sampling, shapes,
    # selection, math, reductions, einsum: about 170 names at ~15 lines each)
    "functions": (2700, ["creation.py", "sampling.py", "pointwise.py", "unary.py",
                         "reduction.py", "comparison.py", "indexing.py", "shape.py",
                         "selection.py", "blas.py", "conversion.py", "devices.py",
                         "cuda.py"]),
    # 3400, from 1300: PyTorch's nn with its meaning (issue 22): Module's registration
    # and state rules, the containers, Conv1d, groups, dilation, 'same', pooling's
    # padding and ceil_mode, adaptive pooling, BatchNorm1d, the losses' reductions,
    # weights, ignored targets, smoothing and probabilities, activations, init, utils
    "nn": (3400, ["nn/"]),
    # 950 since issue 22: PyTorch's parameter groups, per-parameter state and
    # state_dict, and its schedules (Step, MultiStep, Exponential, Cosine, Linear, ...)
    "optim": (950, ["optim/"]),
    "datasets": (700, ["datasets/"]),
    # 900 before benchmark.py (chapter 19), 1050 before archive.py (damaged files)
    "perf": (1200, ["perf/"]),
    "models": (450, ["models/"]),
}  # fmt: skip
BOOK_LINE = re.compile(r"^Book: (?P<chapter>book/\S+\.md)$", re.MULTILINE)
LITERALINCLUDE = re.compile(r"^```\{literalinclude\} (?P<path>\S+)", re.MULTILINE)


def modules() -> list[ModuleType]:
    """tinytorch and every module inside it, found by walking the package."""
    found = [tinytorch]
    for info in pkgutil.walk_packages([str(PACKAGE)], "tinytorch."):
        found.append(importlib.import_module(info.name))
    return found


def python_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def area_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE).as_posix()
    for area, (_, members) in AREAS.items():
        if relative in members or any(
            m.endswith("/") and relative.startswith(m) for m in members
        ):
            return area
    raise AssertionError(f"tinytorch/{relative} belongs to no area in AREAS")


def _public_objects():
    for module in modules():
        for name, obj in vars(module).items():
            if (
                name.startswith("_")
                or getattr(obj, "__module__", None) != module.__name__
            ):
                continue
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield f"{module.__name__}.{name}", obj
                if inspect.isclass(obj):
                    for attr, member in vars(obj).items():
                        if attr.startswith("_") or attr in (
                            "forward",
                            "backward",
                            "extra_repr",
                        ):
                            continue  # documented once, on Function and Module
                        if inspect.isfunction(member) or isinstance(member, property):
                            yield f"{module.__name__}.{name}.{attr}", member


def test_the_walk_finds_every_file() -> None:
    """The docstring check below sees every module, not only the ones imported."""
    walked = {Path(m.__file__).resolve() for m in modules()}
    assert walked == {p.resolve() for p in python_files()}


def test_every_public_name_and_module_has_a_docstring() -> None:
    missing = [
        name for name, obj in _public_objects() if not (obj.__doc__ or "").strip()
    ]
    missing += [m.__name__ for m in modules() if not (m.__doc__ or "").strip()]
    assert missing == []


def test_no_name_is_both_a_module_and_something_else() -> None:
    for module in modules():
        if not hasattr(module, "__path__"):
            continue
        for info in pkgutil.iter_modules(module.__path__):
            full = f"{module.__name__}.{info.name}"
            assert getattr(module, info.name, None) is sys.modules[full], (
                f"{module.__name__}.{info.name} is not the module {full}"
            )


def test_files_stay_small_and_areas_within_budget() -> None:
    long = {
        p.relative_to(ROOT).as_posix(): lines(p)
        for p in python_files()
        if lines(p) > MAX_FILE_LINES
    }
    assert long == {}, f"files over {MAX_FILE_LINES} lines: split them by concept"
    totals = dict.fromkeys(AREAS, 0)
    for path in python_files():
        totals[area_of(path)] += lines(path)
    over = {area: total for area, total in totals.items() if total > AREAS[area][0]}
    assert over == {}, (
        f"areas over budget: {over} (budgets: { ({a: b for a, (b, _) in AREAS.items()}) })"
    )


def test_every_file_names_a_chapter_that_shows_it() -> None:
    problems = []
    for path in python_files():
        relative = path.relative_to(ROOT).as_posix()
        match = BOOK_LINE.search(
            inspect.getdoc(importlib.import_module(_module_name(path))) or ""
        )
        if match is None:
            problems.append(
                f"{relative}: no 'Book: book/<chapter>.md' line in its docstring"
            )
            continue
        chapter = ROOT / match["chapter"]
        if not chapter.is_file():
            problems.append(
                f"{relative}: names {match['chapter']}, which does not exist"
            )
            continue
        shown = {
            (chapter.parent / m["path"]).resolve()
            for m in LITERALINCLUDE.finditer(chapter.read_text())
        }
        if path.resolve() not in shown:
            problems.append(
                f"{relative}: {match['chapter']} has no literalinclude of it"
            )
    assert problems == []


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_import_needs_nothing_but_numpy_and_threadpoolctl() -> None:
    code = (
        "import sys, importlib.metadata as md\n"
        "before = set(sys.modules)\n"
        "import tinytorch, tinytorch.datasets\n"
        "owners = md.packages_distributions()\n"
        "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "print(sorted({d for m in new for d in owners.get(m, [])} - {'tinytorch'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "['numpy', 'threadpoolctl']"


def blas_threads(first: str, env: dict[str, str]) -> int:
    """BLAS threads after importing `first` then tinytorch, in a fresh process."""
    code = f"import {first}\nimport tinytorch\nprint(tinytorch.get_num_threads())"
    clean = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=clean | env,
    )
    return int(done.stdout)


def test_one_blas_thread_by_default_whatever_is_imported_first() -> None:
    if os.cpu_count() == 1:
        pytest.skip(
            "one core: OpenBLAS starts one thread anyway, nothing to tell apart"
        )
    assert blas_threads("numpy", {}) == 1
    assert blas_threads("tinytorch", {}) == 1


def test_an_explicit_thread_setting_wins() -> None:
    assert blas_threads("numpy", {"OPENBLAS_NUM_THREADS": "2"}) == 2
    code = "import tinytorch\ntinytorch.set_num_threads(2)\nprint(tinytorch.get_num_threads())"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "2"
