"""The engine: reuse, grad mode, deep graphs, dtypes and the error messages users see."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import tinytorch as tt
from tinytorch.nn import functional as F


def test_diamond_graph_accumulates_gradients() -> None:
    x = tt.tensor([2.0, -3.0], requires_grad=True)
    a = x * 3  # x feeds two branches that meet again
    b = x * x
    (a + b).sum().backward()
    np.testing.assert_allclose(x.grad, 3 + 2 * x.data)


def test_same_tensor_used_twice_in_one_op() -> None:
    x = tt.tensor(3.0, requires_grad=True)
    (x * x).backward()
    assert x.grad == pytest.approx(6.0)


def test_gradients_accumulate_across_backward_calls_until_zeroed() -> None:
    x = tt.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).sum().backward()
    (x * 2).sum().backward()
    np.testing.assert_allclose(x.grad, [4.0, 4.0])


def test_no_grad_records_no_graph() -> None:
    x = tt.tensor([1.0], requires_grad=True)
    with tt.no_grad():
        y = x * 2
        assert not tt.is_grad_enabled()
    assert tt.is_grad_enabled()
    assert not y.requires_grad and y._ctx is None


def test_no_grad_as_decorator_restores_mode_after_an_error() -> None:
    @tt.no_grad()
    def boom() -> None:
        raise KeyError("inside")

    with pytest.raises(KeyError):
        boom()
    assert tt.is_grad_enabled()


def test_no_graph_when_no_input_needs_grad() -> None:
    y = tt.tensor([1.0, 2.0]) * tt.tensor([3.0, 4.0])
    assert not y.requires_grad and y._ctx is None


def test_no_gradient_is_computed_for_inputs_that_do_not_need_one() -> None:
    x = tt.tensor(np.ones((2, 3)))
    w = tt.tensor(np.ones((3, 4)), requires_grad=True)
    (x @ w).sum().backward()
    assert x.grad is None and w.grad is not None


def test_deep_chain_does_not_hit_the_recursion_limit() -> None:
    x = tt.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(max(10_000, sys.getrecursionlimit() + 1)):
        y = y * 1.0001
    y.backward()
    assert x.grad == pytest.approx(1.0001 ** max(10_000, sys.getrecursionlimit() + 1), rel=1e-3)


def test_detach_cuts_the_graph() -> None:
    x = tt.tensor([1.0], requires_grad=True)
    y = (x * 2).detach() * x
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [2.0])


def test_float32_default_and_float64_on_request() -> None:
    assert tt.tensor([1.0, 2.0]).dtype == np.float32
    assert tt.tensor(np.array([1.0], dtype=np.float64)).dtype == np.float32
    assert tt.tensor([1.0], dtype=np.float64).dtype == np.float64
    assert tt.tensor([1, 2]).dtype == np.int64
    x = tt.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 0.5 + np.float64(1.0) - np.ones(2)) / 3
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32


def test_mixing_float32_and_float64_is_refused() -> None:
    with pytest.raises(TypeError, match="float32 and float64"):
        tt.tensor([1.0]) + tt.tensor([1.0], dtype=np.float64)


def test_numpy_array_on_the_left_defers_to_the_tensor() -> None:
    x = tt.tensor([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 4.0]) * x
    assert isinstance(y, tt.Tensor)
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [3.0, 4.0])


def test_factories_and_seed() -> None:
    assert tt.zeros(2, 3).shape == (2, 3) and tt.ones(4).data.sum() == 4
    tt.manual_seed(5)
    a = tt.randn(3, 2)
    tt.manual_seed(5)
    b = tt.randn(3, 2)
    np.testing.assert_array_equal(a.data, b.data)
    assert a.dtype == np.float32


def test_item_numpy_len_repr() -> None:
    x = tt.tensor([[1.5, 2.0]], requires_grad=True)
    assert x[0, 1].item() == 2.0 and x.numpy() is x.data and len(x) == 1
    assert "requires_grad=True" in repr(x)


# ------------------------------------------------------------------------------------------- error messages


def test_matmul_shape_mismatch_names_both_shapes() -> None:
    with pytest.raises(tt.ShapeError, match=r"matmul: shapes \(3, 4\) and \(5, 2\)"):
        tt.zeros(3, 4) @ tt.zeros(5, 2)


def test_broadcast_mismatch_names_the_op_and_both_shapes() -> None:
    with pytest.raises(tt.ShapeError, match=r"add: shapes \(3,\) and \(4,\) cannot be broadcast"):
        tt.zeros(3) + tt.zeros(4)
    with pytest.raises(tt.ShapeError, match=r"mul: shapes \(2, 3\) and \(3, 2\)"):
        tt.zeros(2, 3) * tt.zeros(3, 2)


def test_linear_shape_mismatch_names_both_shapes() -> None:
    with pytest.raises(tt.ShapeError, match=r"linear: input of shape \(8, 5\) .* weight \(3, 4\)"):
        F.linear(tt.zeros(8, 5), tt.zeros(3, 4))


def test_linear_refuses_float64_data_for_a_float32_layer() -> None:
    with pytest.raises(TypeError, match=r"linear: input is float64 but the weight is float32"):
        F.linear(tt.tensor(np.zeros((2, 3)), dtype=np.float64), tt.zeros(4, 3))


def test_reshape_mismatch() -> None:
    with pytest.raises(tt.ShapeError, match=r"reshape: cannot reshape \(2, 3\) \(6 elements\) into \(4,\)"):
        tt.zeros(2, 3).reshape(4)


def test_backward_on_non_scalar_says_what_to_do() -> None:
    y = tt.tensor([1.0, 2.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"needs a scalar, but this tensor has shape \(2,\)"):
        y.backward()


def test_backward_without_any_grad_input() -> None:
    with pytest.raises(RuntimeError, match="does not require grad"):
        (tt.tensor([1.0]) * 2).sum().backward()


def test_integer_tensor_cannot_require_grad() -> None:
    with pytest.raises(TypeError, match="floating-point"):
        tt.tensor([1, 2], requires_grad=True)
