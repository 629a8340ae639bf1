"""PyTorch as the test oracle: a `Case` is a small program written once against a
module `m` (``torch`` or ``tinytorch``); `check` runs it with both, from the same
numpy inputs, and compares everything it returns: values, dtypes, shapes,
gradients, and errors (the same kind of exception where PyTorch raises).

Every public name of tinytorch, tinytorch.nn, tinytorch.nn.functional,
tinytorch.optim and tinytorch.utils.data is covered by at least one Case
(tests/compat/test_registry.py). The library never imports torch; only these tests
do (``pip install torch==2.13.0``, which `make compat` and .ci/run install).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import tinytorch

CASES: list[Case] = []  # every Case made, in the order the test modules made them


@dataclass(frozen=True)
class Case:
    """One comparison: `run(m)` with m = torch and m = tinytorch must agree."""

    id: str
    names: tuple[str, ...]  # the public names it checks, e.g. "tinytorch.nn.functional.pad"
    run: Callable[[ModuleType], Any]
    rtol: float = 1e-5
    atol: float = 1e-6
    compare_dtypes: bool = True
    tags: frozenset[str] = field(default_factory=frozenset)


def case(id: str, *names: str, **options: Any) -> Callable[[Callable], Case]:
    """Decorate `run(m)` to register it as a Case that checks `names`."""

    def register(run: Callable[[ModuleType], Any]) -> Case:
        made = Case(id, tuple(names), run, **options)
        CASES.append(made)
        return made

    return register


def torch_module() -> ModuleType:
    """PyTorch, or a skip (a failure when REQUIRE_TORCH=1, as in CI)."""
    if os.environ.get("REQUIRE_TORCH") == "1":
        import torch

        return torch
    return pytest.importorskip("torch")


class Raised:
    """What a run raised, compared by kind: tinytorch must raise where PyTorch does."""

    KINDS = (IndexError, KeyError, TypeError, ValueError, RuntimeError, NotImplementedError,
             AttributeError)  # fmt: skip

    def __init__(self, error: BaseException) -> None:
        self.error = error
        self.kinds = {k for k in self.KINDS if isinstance(error, k)}

    def __repr__(self) -> str:
        return f"Raised({type(self.error).__name__}: {self.error})"


def outcome(c: Case, m: ModuleType) -> Any:
    try:
        return c.run(m)
    except Exception as error:  # noqa: BLE001 (the error is the outcome compared)
        return Raised(error)


def as_plain(value: Any) -> Any:
    """A run's result in plain numpy/Python terms: tensors become (array, dtype
    name, shape); containers are walked."""
    if isinstance(value, Raised):
        return value
    if hasattr(value, "detach") and hasattr(value, "dtype") and hasattr(value, "shape"):
        array = np.asarray(value.detach().cpu().numpy() if hasattr(value, "cpu") else value)
        return ("tensor", array, str(value.dtype).split(".")[-1], tuple(value.shape))
    if isinstance(value, Mapping):
        return {k: as_plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):  # named tuples too, as plain tuples
        return tuple(as_plain(v) for v in value)
    if hasattr(value, "type") and type(value).__name__ == "device":
        return ("device", value.type)
    if type(value).__name__ == "dtype":
        return ("dtype", str(value).split(".")[-1])
    if isinstance(value, np.ndarray | np.generic):
        return ("array", np.asarray(value), str(np.asarray(value).dtype), np.shape(value))
    return value


def assert_same(c: Case, want: Any, got: Any, where: str = "result") -> None:
    """PyTorch's outcome `want` against tinytorch's `got`, recursively."""
    if isinstance(want, Raised) or isinstance(got, Raised):
        assert isinstance(want, Raised), f"{c.id}: {where}: tinytorch raised {got!r}, PyTorch gave {want!r}"
        assert isinstance(got, Raised), f"{c.id}: {where}: PyTorch raised {want!r}, tinytorch gave {got!r}"
        assert want.kinds & got.kinds, f"{c.id}: {where}: PyTorch raised {want!r}, tinytorch {got!r}"
        return
    if isinstance(want, tuple) and want and want[0] in ("tensor", "array"):
        assert isinstance(got, tuple) and got and got[0] == want[0], f"{c.id}: {where}: PyTorch gave a {want[0]}, tinytorch {got!r}"
        _, w, wd, ws = want
        _, g, gd, gs = got
        assert gs == ws, f"{c.id}: {where}: shape {gs}, PyTorch {ws}"
        if c.compare_dtypes:
            assert gd == wd, f"{c.id}: {where}: dtype {gd}, PyTorch {wd}"
        if w.dtype.kind in "biu" and g.dtype.kind in "biu":
            np.testing.assert_array_equal(g, w, err_msg=f"{c.id}: {where}")
        else:
            np.testing.assert_allclose(g.astype(np.float64), w.astype(np.float64), rtol=c.rtol, atol=c.atol, err_msg=f"{c.id}: {where}")
        return
    if isinstance(want, Mapping):
        assert isinstance(got, Mapping) and set(got) == set(want), f"{c.id}: {where}: keys {sorted(got)}, PyTorch {sorted(want)}"
        for k in want:
            assert_same(c, want[k], got[k], f"{where}[{k!r}]")
        return
    if isinstance(want, Sequence) and not isinstance(want, str):
        assert isinstance(got, Sequence) and len(got) == len(want), f"{c.id}: {where}: {got!r}, PyTorch {want!r}"
        for i, (w, g) in enumerate(zip(want, got, strict=True)):
            assert_same(c, w, g, f"{where}[{i}]")
        return
    if isinstance(want, float):
        assert got == pytest.approx(want, rel=c.rtol, abs=c.atol, nan_ok=True), f"{c.id}: {where}: {got!r}, PyTorch {want!r}"
        return
    assert type(got) is type(want) and got == want, f"{c.id}: {where}: {got!r} ({type(got).__name__}), PyTorch {want!r} ({type(want).__name__})"


def check(c: Case) -> None:
    """Run the case with PyTorch and with tinytorch and compare the outcomes."""
    torch = torch_module()
    want = as_plain(outcome(c, torch))
    got = as_plain(outcome(c, tinytorch))
    assert_same(c, want, got)


def names_in(cases: Iterable[Case]) -> set[str]:
    return {name for c in cases for name in c.names}
