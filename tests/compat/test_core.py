"""The engine's promises against PyTorch: Python protocols, dtype promotion, views
and version counters, in-place edits, and the autograd graph's life."""

from __future__ import annotations

import numpy as np
import pytest

from .harness import Case, case, check

X = np.arange(6, dtype=np.float32).reshape(2, 3)
CASES_HERE: list[Case] = []


def here(id: str, *names: str, **options) -> object:
    def register(run):
        made = case(id, *names, **options)(run)
        CASES_HERE.append(made)
        return made

    return register


@here("transpose swaps two dims", "tinytorch.transpose", "tinytorch.Tensor.transpose")
def _(m):
    x = m.tensor(X)
    return x.transpose(0, 1), m.transpose(x, 1, 0), x.T, x.mT


@here("== is elementwise, bool() needs one element", "tinytorch.eq", "tinytorch.Tensor.__eq__")
def _(m):
    a, b = m.tensor([1, 2]), m.tensor([1, 3])
    return a == b, m.eq(a, b), bool(m.tensor([0.0])), bool(m.tensor([2]))


@here("bool of many values is an error", "tinytorch.Tensor.__bool__")
def _(m):
    return bool(m.tensor([1.0, 2.0]))


@here("max along a dim gives values and indices", "tinytorch.max", "tinytorch.min")
def _(m):
    x = m.tensor([[1.0, 5.0, 5.0], [7.0, 0.0, 7.0]])
    values, indices = x.max(1)
    low = m.min(x, dim=0, keepdim=True)
    return values, indices, low.values, low.indices, x.max(), m.min(x)


@here("float() keeps the graph", "tinytorch.Tensor.float", "tinytorch.Tensor.double")
def _(m):
    x = m.tensor([1.0, 2.0], dtype=m.float64, requires_grad=True)
    y = (x.float() * 3).sum()
    y.backward()
    return y, x.grad


@here("promotion: tensors, 0-d tensors, numbers", "tinytorch.result_type", "tinytorch.promote_types")
def _(m):
    f32, f64 = m.ones(2), m.ones(2, dtype=m.float64)
    i32 = m.tensor([1, 2], dtype=m.int32)
    return ((f32 + f64).dtype, (f32 + m.tensor(1.0, dtype=m.float64)).dtype, (i32 * 2.5).dtype,
            (i32 + m.tensor(1, dtype=m.int64)).dtype, (m.tensor([True]) + 1).dtype, (i32 / i32).dtype,
            (m.tensor([2]) ** 2).dtype, m.result_type(f32, 2.0), m.promote_types(m.int32, m.float16))


@here("a numpy array keeps its dtype", "tinytorch.tensor", "tinytorch.as_tensor", "tinytorch.from_numpy")
def _(m):
    a = np.ones(3)
    return m.tensor(a).dtype, m.as_tensor(a).dtype, m.from_numpy(a.astype(np.int32)).dtype, m.tensor([1.5]).dtype, m.tensor(2).dtype


@pytest.mark.parametrize("edit", ["detach", "slice", "reshape", "transpose", "itself"])
def test_an_edit_of_a_saved_tensor_is_an_error_in_both(edit: str) -> None:
    def run(m):
        x = m.tensor([[1.0, 2.0]])
        w = m.tensor([[3.0, 4.0]], requires_grad=True)
        y = (x * w).sum()
        view = {"detach": x.detach(), "slice": x[0], "reshape": x.reshape(2),
                "transpose": x.transpose(0, 1), "itself": x}[edit]
        view.mul_(2)
        y.backward()
        return w.grad

    check(Case(f"edit via {edit}", (), run))


@here("in-place on a computed tensor joins the graph", "tinytorch.Tensor.mul_", "tinytorch.Tensor.add_")
def _(m):
    x = m.tensor([1.0, 2.0], requires_grad=True)
    w = m.tensor([3.0, 4.0], requires_grad=True)
    y = x * 1
    y.mul_(w)
    y.add_(x)
    y += 1
    y.sum().backward()
    return y, x.grad, w.grad


@here("in-place on a leaf that requires grad is an error", "tinytorch.Tensor.add_")
def _(m):
    x = m.tensor([1.0], requires_grad=True)
    x.add_(1)


@here("a second backward through a freed graph", "tinytorch.Tensor.backward")
def _(m):
    x = m.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * 2).sum()
    y.backward()
    y.backward()


@here("retain_graph keeps the graph", "tinytorch.Tensor.backward")
def _(m):
    x = m.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * 2).sum()
    y.backward(retain_graph=True)
    y.backward()
    return x.grad


@here("requires_grad only on floats", "tinytorch.Tensor.requires_grad_")
def _(m):
    return m.tensor([1, 2]).requires_grad_()


@here("Python protocols", "tinytorch.Tensor.__float__", "tinytorch.Tensor.__index__")
def _(m):
    t = m.tensor(2.5)
    return float(t), int(m.tensor(3)), format(t, ".2f"), f"{t:.1f}", [10, 20, 30][m.tensor(1)], len(m.ones(4, 2))


@here("no_grad as a bare decorator", "tinytorch.no_grad", "tinytorch.is_grad_enabled")
def _(m):
    @m.no_grad
    def f(x):
        return x * 2, m.is_grad_enabled()

    y, mode = f(m.ones(2, requires_grad=True))
    return y.requires_grad, mode, m.is_grad_enabled()


@here("grad mode is per thread", "tinytorch.set_grad_enabled", "tinytorch.enable_grad")
def _(m):
    import threading

    seen = []
    with m.no_grad():
        thread = threading.Thread(target=lambda: seen.append(m.is_grad_enabled()))
        thread.start()
        thread.join()
        with m.enable_grad():
            seen.append(m.is_grad_enabled())
    m.set_grad_enabled(False)
    seen.append(m.is_grad_enabled())
    m.set_grad_enabled(True)
    return seen


@here("threads", "tinytorch.set_num_threads", "tinytorch.get_num_threads")
def _(m):
    before = m.get_num_threads()
    m.set_num_threads(1)
    now = m.get_num_threads()
    m.set_num_threads(before)
    return now


@pytest.mark.parametrize("c", CASES_HERE, ids=lambda c: c.id)
def test_against_pytorch(c: Case) -> None:
    check(c)
