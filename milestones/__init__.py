"""The milestone scripts, importable by path: the book's chapters run the very code
the terminal runs.

Milestone folders start with their number and year (``01_1957_perceptron``), which
``import`` cannot spell, so ``load`` imports a script from its file instead. What the
scripts share lives beside this file: ``training`` (the one training skeleton and its
live display), ``splits`` (their data), ``results`` (metrics, goals, the table),
``cli`` (the command line), ``images`` (weight pictures) and ``olympics`` (the
models milestone 06 measures, and its measurements).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent


def load(path: str) -> ModuleType:
    """Import the milestone script at ``path``, relative to ``milestones/``, e.g.
    ``"03_1986_mlp/02_rumelhart_mnist"``.

    The module is cached in ``sys.modules`` as ``milestones.<folder>.<script>``, so
    every chapter cell that loads the same script shares one module, and its
    ``if __name__ == "__main__"`` block does not run.
    """
    relative = Path(path)
    if relative.suffix != ".py":
        relative = relative.with_name(relative.name + ".py")
    root = ROOT.resolve()
    file = (root / relative).resolve()
    if file.parent == root or root not in file.parents:
        raise ValueError(
            f"milestone script {path!r} must be '<folder>/<script>' inside {root}"
        )
    if not file.is_file():
        scripts = sorted(
            p.relative_to(root).with_suffix("").as_posix() for p in root.glob("*/*.py")
        )
        listed = ", ".join(scripts) or "none"
        raise FileNotFoundError(f"no milestone script {file}; the scripts: {listed}")

    name = "milestones." + ".".join(file.relative_to(root).with_suffix("").parts)
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, file)
    assert spec is not None and spec.loader is not None, f"cannot import {file}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module
