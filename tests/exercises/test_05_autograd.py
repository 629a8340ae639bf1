"""Exercises of chapter 05 (Autograd), done the way a reader would do them."""

import pytest

import tinytorch as torch


def test_gradients_add_up_until_zeroed() -> None:
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    for _ in range(3):
        (w * w).sum().backward()  # a new graph each time
    assert w.grad.tolist() == [6.0, 12.0]  # three times 2w
    w.grad = None
    (w * w).sum().backward()
    assert w.grad.tolist() == [2.0, 4.0]


class WrongSquare(torch.Function):
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a * a

    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return (grad * a,)


class Square(WrongSquare):  # the same forward; the backward corrected
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return (2 * grad * a,)


def test_fix_the_square_and_gradcheck_agrees() -> None:
    x = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64, requires_grad=True)
    with pytest.raises(torch.GradcheckError):
        torch.gradcheck(WrongSquare.apply, [x])
    assert torch.gradcheck(Square.apply, [x])
    y = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    Square.apply(y).sum().backward()
    assert y.grad.tolist() == [2.0, -4.0, 6.0]


def test_a_value_used_twice_gets_both_gradients() -> None:
    x = torch.tensor(3.0, requires_grad=True)
    (x * x + x).backward()
    assert x.grad.item() == 7.0  # 2x from the product, 1 from the sum


def test_a_bias_gradient_is_a_sum_over_the_batch() -> None:
    torch.manual_seed(0)
    x = torch.randn(64, 3)
    b = torch.zeros(3, requires_grad=True)
    (x + b).sum().backward()
    assert b.grad.shape == (3,)
    assert b.grad.tolist() == [64.0, 64.0, 64.0]


def test_max_sends_the_gradient_to_the_winner() -> None:
    x = torch.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]], requires_grad=True)
    values, indices = x.max(dim=1)
    values.sum().backward()
    assert indices.tolist() == [1, 0]
    assert x.grad.tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]


def test_no_grad_records_nothing() -> None:
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    with torch.no_grad():
        y = (w * 2).sum()
    assert y.grad_fn is None and not y.requires_grad
    with pytest.raises(RuntimeError):
        y.backward()
