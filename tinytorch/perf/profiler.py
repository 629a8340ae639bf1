"""The profiler: where a model's time, work and memory go, per op and per module.

Inside `with profile(model) as prof:` the engine's one hook (`autograd.hook`) is this
profiler: every op's forward and backward, and every module call, runs through it,
timed, with its multiply-adds and bytes counted. Outside, the hook is None again and
costs one `is None` check per op. `gemm_peak()` measures the machine's float32 matrix
product, so that a profile can state its floor: the time its multiply-adds would take
at that speed.

Book: book/modules/14_profiling.md
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import autograd, ops
from .._tensor import Tensor
from ..checks import check_int
from ..nn import Module
from .serialization import state

Rule = Callable[[Sequence[np.ndarray], np.ndarray], int]


def _product(arrays: Sequence[np.ndarray], out: np.ndarray) -> int:
    """A matrix product: every output element is a dot product over the inner axis."""
    return out.size * arrays[0].shape[-1]


def _movement(arrays: Sequence[np.ndarray], out: np.ndarray) -> int:
    """A copy or a view: no arithmetic."""
    return 0


# multiply-adds of one forward call, per op; any other op (elementwise, reductions)
# counts one per element of its larger operand. A new op with a formula joins here.
# A convolution is Unfold (im2col, a copy) then a MatMul, which counts its products:
# out_channels x (in_channels kh kw) x (OH OW N).
MULTIPLY_ADDS: dict[type[autograd.Function], Rule] = {
    ops.MatMul: _product, ops.Linear: _product,
    ops.Reshape: _movement, ops.Transpose: _movement, ops.Index: _movement,
    ops.Unfold: _movement,
}  # fmt: skip


def multiply_adds(op: autograd.Function, arrays: Sequence[np.ndarray],
                  out: np.ndarray) -> int:
    """The multiply-adds of one forward call of `op` on `arrays`, giving `out`."""
    rule = MULTIPLY_ADDS.get(type(op))
    if rule is None:
        return max(out.size, arrays[0].size) if arrays else out.size
    return rule(arrays, out)


def _backward_work(op: autograd.Function, forward: int,
                   grads: Sequence[np.ndarray | None]) -> int:
    """A product's backward computes one product as large as the forward's per input
    gradient it needs; any other op one operation per gradient element."""
    rule = MULTIPLY_ADDS.get(type(op))
    if rule is _product:
        return forward * sum(op.needs_input_grad[:2])
    if rule is _movement:
        return 0
    return sum(g.size for g in grads if g is not None)


@dataclass
class Stats:
    """What one kind of op, or one module, did while profiled."""

    kind: str  # the op's or the module's class
    calls: int = 0
    forward_seconds: float = 0.0
    backward_seconds: float = 0.0  # a module's: its ops' backward passes
    forward_macs: int = 0  # multiply-adds; a module's include its sub-modules'
    backward_macs: int = 0
    activation_bytes: int = 0  # of the outputs made, summed over calls
    parameter_bytes: int = 0  # a module's weights (int8 ones too); 0 for ops

    @property
    def seconds(self) -> float:
        """Forward and backward time."""
        return self.forward_seconds + self.backward_seconds

    @property
    def macs(self) -> int:
        """Forward and backward multiply-adds."""
        return self.forward_macs + self.backward_macs


class profile:
    """Profile everything run inside `with profile(model) as prof:` (PyTorch's name).

    `prof.ops` has a Stats per op class, `prof.modules` one per module, named as in
    `model` ("0", "2", ...; modules outside it by class), `prof.seconds` the block's
    wall time; `prof.table()` shows them. Profiles do not nest.
    """

    def __init__(self, model: Module | None = None) -> None:
        self.ops: dict[str, Stats] = {}
        self.modules: dict[str, Stats] = {}
        self.seconds = 0.0
        found = model.named_modules() if model is not None else ()
        self._names = {id(m): name or type(m).__name__ for name, m in found}
        self._running: list[Stats] = []  # the modules whose forward is running
        self._start = 0.0

    def __enter__(self) -> profile:
        if autograd.hook is not None:
            raise RuntimeError("profile: another profile is running; they do not nest")
        autograd.hook = self
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds += time.perf_counter() - self._start
        autograd.hook = None

    def forward(self, ctx: autograd.Function, arrays: Sequence[np.ndarray],
                params: dict[str, Any]) -> np.ndarray:
        """Run and measure one op's forward (called by Function.apply)."""
        start = time.perf_counter()
        out = np.asarray(ctx.forward(*arrays, **params))
        elapsed = time.perf_counter() - start
        macs = multiply_adds(ctx, arrays, out)
        stats = self.ops.setdefault(type(ctx).__name__, Stats(type(ctx).__name__))
        stats.calls += 1
        stats.forward_seconds += elapsed
        stats.forward_macs += macs
        stats.activation_bytes += out.nbytes
        for module in self._running:
            module.forward_macs += macs
        ctx.profiled = stats, tuple(self._running), macs
        return out

    def backward(self, ctx: autograd.Function,
                 grad: np.ndarray) -> Sequence[np.ndarray | None]:
        """Run and measure one op's backward (called by the backward pass)."""
        start = time.perf_counter()
        grads = ctx.backward(grad)
        elapsed = time.perf_counter() - start
        name = type(ctx).__name__  # a node recorded before the profile: no modules
        stats, modules, macs = getattr(ctx, "profiled", None) or (
            self.ops.setdefault(name, Stats(name)), (), 0)
        work = _backward_work(ctx, macs, grads)
        for entry in (stats, *modules):
            entry.backward_seconds += elapsed
            entry.backward_macs += work
        return grads

    def module(self, module: Module, args: tuple[Any, ...],
               kwargs: dict[str, Any]) -> Any:
        """Run and measure one module call (called by Module.__call__)."""
        name = self._names.get(id(module), type(module).__name__)
        stats = self.modules.get(name)
        if stats is None:
            held = sum(a.nbytes for a in state(module).values())
            stats = self.modules[name] = Stats(type(module).__name__,
                                               parameter_bytes=held)
        self._running.append(stats)
        start = time.perf_counter()
        try:
            out = module.forward(*args, **kwargs)
        finally:
            self._running.pop()
        stats.forward_seconds += time.perf_counter() - start
        stats.calls += 1
        outputs = out if isinstance(out, tuple | list) else (out,)
        stats.activation_bytes += sum(
            t._data.nbytes for t in outputs if isinstance(t, Tensor))
        return out

    @property
    def macs(self) -> int:
        """Every op's multiply-adds, forward and backward."""
        return sum(s.macs for s in self.ops.values())

    @property
    def gemm_macs(self) -> int:
        """The multiply-adds of the matrix products (the ops counted by `_product`)."""
        products = {op.__name__ for op, rule in MULTIPLY_ADDS.items()
                    if rule is _product}
        return sum(s.macs for name, s in self.ops.items() if name in products)

    def floor_seconds(self, gflops: float) -> float:
        """The time the multiply-adds take at `gflops` (two flops each): no run of
        this work on this machine can be faster."""
        return 2 * self.macs / (gflops * 1e9)

    def table(self, gflops: float | None = None) -> str:
        """The profile as text: ops by time, modules in call order, the totals and,
        given the GEMM peak in GFLOP/s, the floor."""
        op_time = sum(s.seconds for s in self.ops.values())
        total = self.seconds or op_time or 1.0
        ops_by_time = sorted(self.ops.items(), key=lambda kv: -kv[1].seconds)
        lines = [_row("op", *HEADER)]
        lines += [_stats_row(name, s, total) for name, s in ops_by_time]
        lines += ["", _row("module", *HEADER, "param KB")]
        lines += [_stats_row(f"{n} ({s.kind})" if n != s.kind else n, s, total, True)
                  for n, s in self.modules.items()]
        lines += ["", f"{self.seconds * 1e3:.1f} ms in all; {op_time * 1e3:.1f} ms "
                      f"({op_time / total:.0%}) inside ops,",
                  "the rest in Python, the optimizer and the data"]
        if gflops is not None and self.macs:
            floor, gemm = self.floor_seconds(gflops), self.gemm_macs / self.macs
            lines.append(
                f"{self.macs / 1e6:.1f} M multiply-adds ({gemm:.0%} in matrix "
                f"products): {floor * 1e3:.2f} ms at the GEMM peak")
            lines.append(f"of {gflops:.1f} GFLOP/s, the floor "
                         f"({total / floor:.0f}x below the time measured)")
        return "\n".join(lines)


HEADER = ("calls", "fwd ms", "bwd ms", "time", "M mul-add", "act. KB/call")
WIDTHS = (8, 8, 8, 8, 11, 14, 11)  # each wider than its header, so headers never touch


def _row(name: str, *cells: str) -> str:
    """A row of at most 88 columns, so the table fits the page."""
    row = "".join(f"{c:>{w}}" for c, w in zip(cells, WIDTHS, strict=False))
    return f"{name[:19]:19}{row}".rstrip()


def _stats_row(name: str, s: Stats, total: float, module: bool = False) -> str:
    per_call = s.activation_bytes / s.calls / 1e3 if s.calls else 0.0
    return _row(name, f"{s.calls}", f"{s.forward_seconds * 1e3:.2f}",
                f"{s.backward_seconds * 1e3:.2f}", f"{s.seconds / total:.0%}",
                f"{s.macs / 1e6:.2f}", f"{per_call:.1f}",
                f"{s.parameter_bytes / 1e3:.1f}" if module else "")


def gemm_peak(size: int = 1024, repeat: int = 5) -> float:
    """The machine's float32 matrix product in GFLOP/s: the best of `repeat` products
    of two size x size matrices (2 size³ flops each), on numpy's BLAS threads."""
    check_int("gemm_peak", "size", size)
    check_int("gemm_peak", "repeat", repeat)
    draw = np.random.default_rng(0)  # not tinytorch's generator: leave its seed alone
    a, b = (draw.standard_normal((size, size), dtype=np.float32) for _ in range(2))
    a @ b  # warms caches and the BLAS threads
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best / 1e9
