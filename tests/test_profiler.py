"""The profiler: one hook in the engine, a single `if` when off; counts that match
the formulas on a model whose multiply-adds are known; the engine computes the same
with or without it."""

from __future__ import annotations

import ast
import inspect
import textwrap
from pathlib import Path

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import autograd, nn, perf
from tinytorch.nn import functional as F

CORE = Path(tt.__file__).parent
BATCH, SIZES = 8, (20, 16, 10)


def mlp() -> nn.Sequential:
    tt.manual_seed(0)
    return nn.Sequential(
        nn.Linear(SIZES[0], SIZES[1]), nn.ReLU(), nn.Linear(SIZES[1], SIZES[2])
    )


def data() -> tuple[tt.Tensor, tt.Tensor]:
    rng = np.random.default_rng(0)
    return tt.tensor(
        rng.standard_normal((BATCH, SIZES[0]), dtype=np.float32)
    ), tt.arange(BATCH) % SIZES[2]


def step(model: nn.Module) -> tt.Tensor:
    x, y = data()
    loss = nn.CrossEntropyLoss()(model(x), tt.tensor(y))
    loss.backward()
    return loss


def reads_the_hook(node: ast.AST, in_autograd: bool = True) -> bool:
    """`hook` (in autograd.py) or `autograd.hook` (anywhere)."""
    return (in_autograd and isinstance(node, ast.Name) and node.id == "hook") or (
        isinstance(node, ast.Attribute)
        and node.attr == "hook"
        and isinstance(node.value, ast.Name)
        and node.value.id == "autograd"
    )


def functions_reading_the_hook() -> dict[str, ast.FunctionDef]:
    found = {}
    for path in sorted(CORE.rglob("*.py")):
        if "perf" in path.relative_to(CORE).parts:
            continue
        tree, here = ast.parse(path.read_text()), path.name == "autograd.py"
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(
                reads_the_hook(n, here) for n in ast.walk(node)
            ):
                found[f"{path.relative_to(CORE)}:{node.name}"] = node
    return found


def is_off_check(node: ast.AST) -> bool:
    """`if hook is None:` (or `if autograd.hook is None:`), as a statement or as
    `... if hook is None else ...`."""
    if not isinstance(node, ast.If | ast.IfExp) or not isinstance(node.test, ast.Compare):
        return False
    test = node.test
    right = test.comparators[0]
    return (
        reads_the_hook(test.left)
        and isinstance(test.ops[0], ast.Is)
        and isinstance(right, ast.Constant)
        and right.value is None
    )


def test_the_engine_reads_the_hook_in_three_places_each_behind_one_if():
    """Off, the hook costs one `is None` test per op call, backward node and
    module call."""
    found = functions_reading_the_hook()
    assert sorted(found) == [
        "autograd.py:_run",  # the backward pass
        "autograd.py:apply",
        "nn/module.py:__call__",
    ]
    for name, function in found.items():
        checks = [n for n in ast.walk(function) if is_off_check(n)]
        assert len(checks) == 1, name
        (check,) = checks
        # with the hook off, the branch taken never touches it
        body, orelse = (check.body, check.orelse) if isinstance(check, ast.If) else (
            [check.body], [check.orelse])  # fmt: skip
        off = [n for stmt in body for n in ast.walk(stmt)]
        assert not any(reads_the_hook(n) for n in off), name
        # and nothing outside the `if` reads it
        inside = [n for s in [check.test, *orelse] for n in ast.walk(s)]
        everywhere = [n for n in ast.walk(function) if reads_the_hook(n)]
        assert len(everywhere) == sum(reads_the_hook(n) for n in inside), name


def test_module_call_reads_the_hook_before_anything_else():
    source = textwrap.dedent(inspect.getsource(nn.Module.__call__))
    body = ast.parse(source).body[0].body
    assert isinstance(body[0], ast.If) and reads_the_hook(body[0].test.left, False)


def test_counts_match_the_formulas_of_a_known_model():
    model = mlp()
    with perf.profile(model) as prof:
        step(model)
    n, (k, h, c) = BATCH, SIZES
    linear = prof.ops["Linear"]
    assert linear.calls == 2
    assert linear.forward_macs == n * k * h + n * h * c
    # layer 0: its weight's gradient only (the data needs none); layer 2: both
    assert linear.backward_macs == n * k * h + 2 * n * h * c
    assert (
        prof.ops["ReLU"].forward_macs == n * h
        and prof.ops["ReLU"].backward_macs == n * h
    )
    assert prof.ops["CrossEntropy"].forward_macs == n * c
    assert linear.activation_bytes == 4 * (n * h + n * c)
    assert prof.modules["0"].kind == "Linear" and prof.modules["0"].calls == 1
    assert (
        prof.modules["0"].forward_macs == n * k * h
        and prof.modules["0"].backward_macs == n * k * h
    )
    assert prof.modules["0"].parameter_bytes == 4 * (k * h + h)
    root = prof.modules["Sequential"]
    assert root.parameter_bytes == 4 * (k * h + h + h * c + c)
    assert root.forward_macs == sum(
        prof.modules[m].forward_macs for m in ("0", "1", "2")
    )
    assert root.backward_seconds == pytest.approx(
        sum(prof.modules[m].backward_seconds for m in ("0", "1", "2"))
    )
    assert root.activation_bytes == 4 * n * c
    assert (
        "CrossEntropyLoss" in prof.modules
    )  # a module outside the model: named by its class
    assert prof.macs == sum(s.macs for s in prof.ops.values())
    assert prof.gemm_macs == linear.macs


def test_matmul_and_movement_ops_count_like_their_formulas():
    a = tt.randn(3, 4, 5, requires_grad=True)
    b = tt.randn(5, 6)
    with perf.profile() as prof:
        (a @ b).permute(2, 1, 0).reshape(-1).sum().backward()
    assert prof.ops["MatMul"].forward_macs == 3 * 4 * 6 * 5
    assert prof.ops["MatMul"].backward_macs == 3 * 4 * 6 * 5  # b needs no gradient
    assert prof.ops["Transpose"].macs == prof.ops["Reshape"].macs == 0
    assert prof.ops["Sum"].forward_macs == 3 * 4 * 6


def test_profiling_changes_no_result():
    plain, profiled = mlp(), mlp()
    loss = step(plain)
    with perf.profile(profiled):
        profiled_loss = step(profiled)
    assert profiled_loss.item() == loss.item()
    for p, q in zip(plain.parameters(), profiled.parameters(), strict=True):
        assert np.array_equal(p.grad.numpy(), q.grad.numpy())


def test_the_hook_is_off_after_the_block_even_after_an_error_and_profiles_do_not_nest():
    with pytest.raises(ValueError), perf.profile():
        raise ValueError("inside")
    assert autograd.hook is None
    with (
        perf.profile(),
        pytest.raises(RuntimeError, match="do not nest"),
        perf.profile(),
    ):
        pass
    assert autograd.hook is None


def test_a_graph_recorded_before_the_profile_is_still_timed_in_backward():
    model = mlp()
    x, y = data()
    loss = F.cross_entropy(model(x), y)
    with perf.profile(model) as prof:
        loss.backward()
    assert prof.ops["Linear"].calls == 0 and prof.ops["Linear"].backward_seconds > 0
    assert model[0].weight.grad is not None


def test_the_floor_is_the_work_at_the_peak_and_the_table_states_it():
    model = mlp()
    with perf.profile(model) as prof:
        step(model)
    peak = perf.gemm_peak(size=64, repeat=2)
    assert peak > 0
    assert prof.floor_seconds(peak) == pytest.approx(2 * prof.macs / (peak * 1e9))
    table = prof.table(peak)
    for name in (
        "Linear",
        "CrossEntropy",
        "0 (Linear)",
        "Sequential",
        "GEMM peak",
        "the floor",
    ):
        assert name in table
    assert max(len(line) for line in table.splitlines()) <= 88  # fits the page
    lines = table.splitlines()
    ops, modules = lines[0], next(line for line in lines if line.startswith("module"))
    headers = ["calls", "fwd ms", "bwd ms", "time", "M mul-add", "act. KB/call"]
    # every column labelled, each label apart from its neighbours
    for header_line, labels in ((ops, headers), (modules, [*headers, "param KB"])):
        cells = [c.strip() for c in header_line[19:].split("  ") if c.strip()]
        assert cells == labels, header_line
    with pytest.raises(ValueError, match="size"):
        perf.gemm_peak(size=0)


def test_a_convolution_counts_its_known_multiply_adds():
    n, c, out, k, size = 4, 3, 5, 3, 9  # 9x9 images, padding 1, stride 2: 5x5 out
    conv = nn.Conv2d(c, out, k, stride=2, padding=1)
    x = tt.randn(n, c, size, size, requires_grad=True)
    with perf.profile(conv) as prof:
        conv(x).sum().backward()
    oh = ow = (size + 2 - k) // 2 + 1
    macs = out * c * k * k * oh * ow * n  # one dot product of c k k per output
    assert prof.ops["MatMul"].forward_macs == macs
    assert prof.ops["MatMul"].backward_macs == 2 * macs  # the filters' and x's grads
    assert prof.ops["Unfold"].macs == 0  # im2col copies: the MatMul counts the work
    assert prof.ops["Add"].forward_macs == out * oh * ow * n  # the bias
    assert prof.modules["Conv2d"].forward_macs == macs + out * oh * ow * n
    assert prof.gemm_macs == 3 * macs
    pool = nn.MaxPool2d(2)
    with perf.profile(pool) as prof:
        pool(tt.randn(n, c, 8, 8))
    work = sum(s.forward_macs for s in prof.ops.values())  # the rest moves data
    assert work == n * c * 8 * 8  # a comparison per pixel
