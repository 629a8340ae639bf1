"""The engine: reuse, grad mode, deep graphs, dtypes and the error messages users see."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import nn
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
    assert x.grad.item() == pytest.approx(6.0)


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
    assert x.grad.item() == pytest.approx(
        1.0001 ** max(10_000, sys.getrecursionlimit() + 1), rel=1e-3
    )


def test_detach_cuts_the_graph() -> None:
    x = tt.tensor([1.0], requires_grad=True)
    y = (x * 2).detach() * x
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [2.0])


def test_float32_default_and_numpy_arrays_keep_their_dtype_as_in_pytorch() -> None:
    assert tt.tensor([1.0, 2.0]).dtype == tt.float32
    assert tt.tensor(np.array([1.0], dtype=np.float64)).dtype == tt.float64
    assert tt.tensor([1.0], dtype=tt.float64).dtype == tt.float64
    assert tt.tensor([1, 2]).dtype == tt.int64
    x = tt.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 0.5 + np.float64(1.0) - 1) / 3  # numbers never widen a tensor
    assert y.dtype == tt.float32
    assert (x + np.ones(2)).dtype == tt.float64  # an array takes part, as a tensor
    y.sum().backward()
    assert x.grad.dtype == tt.float32


def test_mixing_float32_and_float64_promotes_and_the_gradient_comes_back_as_float32() -> None:
    x = tt.tensor([1.0, 2.0], requires_grad=True)
    y = x * tt.tensor([3.0, 4.0], dtype=tt.float64)
    assert y.dtype == tt.float64
    y.sum().backward()
    assert x.grad.dtype == tt.float32 and x.grad.tolist() == [3.0, 4.0]


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
    assert x[0, 1].item() == 2.0 and len(x) == 1
    with pytest.raises(RuntimeError, match=r"Use tensor.detach\(\).numpy\(\)"):
        x.numpy()
    assert np.shares_memory(x.detach().numpy(), x.data.numpy())
    assert "requires_grad=True" in repr(x)


# ------------------------------------------------------------------------------------------- error messages


def test_matmul_shape_mismatch_names_both_shapes() -> None:
    with pytest.raises(tt.ShapeError, match=r"matmul: shapes \(3, 4\) and \(5, 2\)"):
        tt.zeros(3, 4) @ tt.zeros(5, 2)


def test_broadcast_mismatch_names_the_op_and_both_shapes() -> None:
    with pytest.raises(
        tt.ShapeError, match=r"add: shapes \(3,\) and \(4,\) cannot be broadcast"
    ):
        tt.zeros(3) + tt.zeros(4)
    with pytest.raises(tt.ShapeError, match=r"mul: shapes \(2, 3\) and \(3, 2\)"):
        tt.zeros(2, 3) * tt.zeros(3, 2)


def test_linear_shape_mismatch_names_both_shapes() -> None:
    with pytest.raises(
        tt.ShapeError, match=r"linear: input of shape \(8, 5\) .* weight \(3, 4\)"
    ):
        F.linear(tt.zeros(8, 5), tt.zeros(3, 4))


def test_linear_refuses_float64_data_for_a_float32_layer() -> None:
    with pytest.raises(
        RuntimeError, match=r"same dtype, but got float64 and float32: convert the input"
    ):
        F.linear(tt.tensor(np.zeros((2, 3)), dtype=np.float64), tt.zeros(4, 3))


def test_reshape_mismatch() -> None:
    with pytest.raises(
        tt.ShapeError,
        match=r"reshape: cannot reshape \(2, 3\) \(6 elements\) into \(4,\)",
    ):
        tt.zeros(2, 3).reshape(4)


def test_backward_on_non_scalar_says_what_to_do() -> None:
    y = tt.tensor([1.0, 2.0], requires_grad=True) * 2
    with pytest.raises(
        RuntimeError, match=r"only for scalar outputs: this tensor has shape \(2,\)"
    ):
        y.backward()


def test_backward_without_any_grad_input() -> None:
    with pytest.raises(RuntimeError, match="does not require grad"):
        (tt.tensor([1.0]) * 2).sum().backward()


def test_integer_tensor_cannot_require_grad() -> None:
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype"):
        tt.tensor([1, 2], requires_grad=True)


# ------------------------------------------------------ gradients cannot go silently wrong


def test_a_backward_returning_a_wrongly_shaped_gradient_names_op_input_and_shapes() -> (
    None
):
    class Broken(tt.Function):
        def forward(ctx, a, b):
            return a * b

        def backward(ctx, grad):
            return grad, grad.sum(axis=0)  # input 1 is (2, 3): this is (3,)

    a = tt.ones(2, 3, requires_grad=True)
    b = tt.ones(2, 3, requires_grad=True)
    with pytest.raises(
        tt.ShapeError,
        match=r"Broken.backward returned a gradient of "
        r"shape \(3,\) \(float32\) for input 1 of shape \(2, 3\)",
    ):
        Broken.apply(a, b).sum().backward()


def test_a_backward_returning_another_dtype_is_refused() -> None:
    class Upcast(tt.Function):
        def forward(ctx, a):
            return a.copy()

        def backward(ctx, grad):
            return (grad.astype(np.float64),)

    x = tt.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(
        tt.ShapeError,
        match=r"\(float64\) for input 0 of shape \(2,\) "
        r"\(float32\)",
    ):
        Upcast.apply(x).sum().backward()


def test_transpose_swaps_two_dimensions_as_pytorch() -> None:
    x = tt.tensor(np.arange(24.0).reshape(2, 3, 4))
    assert x.transpose(0, 1).shape == (3, 2, 4) and x.transpose(-1, 0).shape == (4, 3, 2)
    np.testing.assert_array_equal(x.transpose(0, 2), np.swapaxes(x.numpy(), 0, 2))
    square = tt.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert square.transpose(0, 1).tolist() == [[1.0, 3.0], [2.0, 4.0]]  # not itself


@pytest.mark.parametrize(
    ("shape", "axes"), [((2, 3), (-1, 0)), ((2, 3, 4), (-1, 0, 1))]
)
def test_permute_with_mixed_sign_axes(
    shape: tuple[int, ...], axes: tuple[int, ...]
) -> None:
    x = tt.tensor(
        np.arange(np.prod(shape), dtype=np.float32).reshape(shape), requires_grad=True
    )
    y = x.permute(*axes)
    np.testing.assert_array_equal(y.data, np.transpose(x.data, axes))
    (
        y * tt.tensor(np.arange(y.numel(), dtype=np.float32).reshape(y.shape))
    ).sum().backward()
    assert x.grad.shape == shape
    np.testing.assert_array_equal(
        x.grad,
        np.transpose(
            np.arange(y.numel()).reshape(y.shape),
            np.argsort(np.array(axes) % len(shape)),
        ),
    )


def test_transpose_and_permute_refuse_what_does_not_fit() -> None:
    with pytest.raises(IndexError, match=r"range of \[-2, 1\], but got 2"):
        tt.zeros(2, 3).transpose(0, 2)
    with pytest.raises(RuntimeError, match="duplicate dims"):
        tt.zeros(2, 3).permute(0, -2)
    with pytest.raises(RuntimeError, match=r"input.dim\(\) = 3 is not equal to len\(dims\) = 2"):
        tt.zeros(2, 3, 4).permute(0, 1)


def test_linear_on_one_unbatched_input_is_a_batch_of_one() -> None:
    tt.manual_seed(0)
    layer = nn.Linear(3, 3)
    x = np.array([1.0, -2.0, 0.5], dtype=np.float32)
    out = layer(tt.tensor(x))
    assert out.shape == (3,)
    out.sum().backward()
    single = layer.weight.grad.clone()
    layer.zero_grad()
    layer(tt.tensor(x[None])).sum().backward()
    np.testing.assert_allclose(single, layer.weight.grad)
    assert len(np.unique(single)) > 1, "every weight moved by the same amount"


def test_a_function_in_pytorchs_staticmethod_style_is_explained() -> None:
    with pytest.raises(
        TypeError,
        match=r"Square.forward is a staticmethod; .* "
        r"`def forward\(ctx, \.\.\.\)` without @staticmethod",
    ):

        class Square(tt.Function):
            @staticmethod
            def forward(ctx, a):
                return a * a

            @staticmethod
            def backward(ctx, grad):
                return (grad,)


# ------------------------------------------------------------ in-place edits and versions


def test_data_shares_memory_outside_the_graph_as_in_pytorch() -> None:
    x = tt.tensor([1.0, 2.0], requires_grad=True)
    d = x.data
    assert isinstance(d, tt.Tensor) and not d.requires_grad
    d[0] = 5.0  # untracked, as PyTorch's .data
    assert x.tolist() == [5.0, 2.0] and x._version[0] == 0


@pytest.mark.parametrize("through", ["itself", "detach", "slice", "reshape", "T"])
def test_an_input_edited_after_the_forward_pass_is_detected(through: str) -> None:
    x = tt.tensor([[1.0, 2.0]])
    w = tt.tensor([[3.0, 4.0]], requires_grad=True)
    y = (x * w).sum()
    view = {"itself": lambda: x, "detach": x.detach, "slice": lambda: x[0],
            "reshape": lambda: x.reshape(2), "T": lambda: x.T}[through]()
    view[0] = 100.0  # the product saved x: its gradient for w would now be wrong
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


def test_an_output_saved_for_backward_is_guarded_too() -> None:
    x = tt.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()  # exp's backward reads its own output
    z = y.detach()
    z += 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_in_place_updates_of_weights_need_no_grad_like_pytorch() -> None:
    w = tt.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    with pytest.raises(RuntimeError, match=r"a leaf Variable that requires grad"):
        w -= 0.1 * w.grad
    with tt.no_grad():
        w -= 0.1 * w.grad
    np.testing.assert_allclose(w.data, [0.8, 1.6])
    assert w._version[0] == 1


def test_an_optimizer_step_makes_the_old_graph_stale() -> None:
    w = nn.Parameter(tt.tensor([1.0, 2.0]))
    loss = (w * w).sum()
    loss.backward(retain_graph=True)
    tt.optim.SGD([w], lr=0.1).step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


# ----------------------------------------------------------------- dtypes, as PyTorch


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (np.int64, np.float32, np.float32),
        (np.bool_, np.int64, np.int64),
        (np.int32, np.int64, np.int64),
        (np.float64, np.int64, np.float64),
    ],
)
def test_mixed_dtypes_promote_as_pytorch_does(
    left: type, right: type, expected: type
) -> None:
    a, b = tt.tensor([1, 0], dtype=left), tt.tensor([2, 3], dtype=right)
    assert (a + b).dtype == expected and (b * a).dtype == expected


def test_python_numbers_take_the_tensors_dtype() -> None:
    x64 = tt.tensor([1.0], dtype=np.float64)
    assert (x64 * 2.5).dtype == np.float64 and (2 + x64).dtype == np.float64
    assert (tt.tensor([1, 2]) * 2.5).dtype == np.float32
    assert (tt.tensor([1, 2]) + 1).dtype == np.int64
    assert (tt.tensor([1, 2]) / 2).dtype == np.float32


def test_mean_of_integers_is_refused_as_in_pytorch() -> None:
    with pytest.raises(RuntimeError, match="Input dtype must be either a floating point"):
        tt.tensor([1, 2]).mean()


PIECES = ["split", "chunk", "unbind", "narrow", "select", "expand"]


@pytest.mark.parametrize("piece", PIECES)
def test_a_piece_of_a_tensor_shares_its_version_counter(piece: str) -> None:
    """Splitting is viewing: an edit through a piece, after the forward pass, is an
    edit of the tensor the product saved (an expanded piece is read-only)."""
    x = tt.tensor([[1.0, 2.0], [3.0, 4.0]])
    w = tt.tensor([[3.0, 4.0], [5.0, 6.0]], requires_grad=True)
    y = (x * w).sum()
    view = {"split": lambda: x.split(1)[0], "chunk": lambda: x.chunk(2, 1)[1],
            "unbind": lambda: x.unbind(1)[0], "narrow": lambda: x.narrow(0, 1, 1),
            "select": lambda: x.select(1, 0), "expand": lambda: x[:1].expand(3, 2)}[piece]()  # fmt: skip
    assert np.shares_memory(view.numpy(), x.numpy())
    if piece == "expand":
        with pytest.raises(RuntimeError, match="more than one element"):
            view.add_(1)
        return
    view.mul_(10)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


def test_one_tensor_joined_twice_gets_both_gradients() -> None:
    x = tt.tensor([1.0, 2.0], requires_grad=True)
    tt.cat([x, x * 3, x]).sum().backward()
    np.testing.assert_allclose(x.grad, [5.0, 5.0])


def test_fills_of_a_computed_tensor_stay_in_the_graph_as_in_pytorch() -> None:
    """y.zero_() and y.copy_(src) make y a function of what was written (the old
    values get no gradient); copy_ converts to y's dtype and broadcasts."""
    w = tt.tensor([1.0, 2.0], requires_grad=True)
    y = w * 2
    y.zero_()
    z = tt.zeros(3, 2, dtype=tt.float64)
    z.copy_(w * 3)
    (y.sum() + z.sum()).backward()
    assert y.requires_grad and z.dtype == tt.float64
    np.testing.assert_allclose(w.grad, [9.0, 9.0])


def test_gradcheck_leaves_grad_as_it_was():
    """PyTorch's gradcheck computes its gradients aside: .grad is not touched."""
    x = tt.tensor([1.0, 2.0, 3.0], dtype=tt.float64, requires_grad=True)
    assert tt.testing.gradcheck(lambda t: (t * t).sum(), [x]) and x.grad is None
    x.grad = tt.ones(3, dtype=tt.float64)
    tt.testing.gradcheck(lambda t: (t * t).sum(), [x])
    assert x.grad.tolist() == [1.0, 1.0, 1.0]
