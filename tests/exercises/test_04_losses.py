"""Exercises of chapter 04 (Losses), done the way a reader would do them."""

import math
import warnings

import tinytorch as torch
import tinytorch.nn.functional as F


def test_a_uniform_guess_costs_log_of_the_classes() -> None:
    for classes in (2, 10, 1000):
        loss = F.cross_entropy(torch.zeros(4, classes), torch.tensor([0, 1, 1, 0]))
        assert abs(loss.item() - math.log(classes)) < 1e-5


def test_the_gradient_is_softmax_minus_one_hot_over_the_batch() -> None:
    logits = torch.tensor(
        [[2.0, 0.0, -1.0], [0.5, 0.5, 0.5], [0.0, 3.0, 1.0], [1.0, -2.0, 0.0]],
        requires_grad=True,
    )
    target = torch.tensor([0, 2, 1, 2])
    F.cross_entropy(logits, target).backward()
    one_hot = F.one_hot(target, 3).float()
    expected = (F.softmax(logits.detach(), dim=1) - one_hot) / 4
    assert torch.allclose(logits.grad, expected, atol=1e-6)
    assert torch.allclose(logits.grad.sum(dim=1), torch.zeros(4), atol=1e-6)


def test_the_shape_bug_seen_without_reduction() -> None:
    predictions = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
    targets = torch.tensor([1.0, 2.0, 3.0, 4.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = F.mse_loss(predictions, targets, reduction="none")
    assert table.shape == (4, 4)
    assert [table[i, i].item() for i in range(4)] == [0.0] * 4  # the right pairs
    assert table[0, 3].item() == 9.0  # output 1 against the target of the fourth
    assert F.mse_loss(predictions.squeeze(1), targets, reduction="none").shape == (4,)


def test_a_certain_mistake_costs_one_hundred() -> None:
    loss = F.binary_cross_entropy(torch.tensor([0.0]), torch.tensor([1.0]))
    assert loss.item() == 100.0
    assert F.binary_cross_entropy(torch.tensor([1.0]), torch.tensor([1.0])).item() == 0


def test_logits_keep_what_the_probability_loses() -> None:
    z = torch.tensor([-200.0])
    yes = torch.tensor([1.0])
    assert F.binary_cross_entropy(torch.sigmoid(z), yes).item() == 100.0
    assert abs(F.binary_cross_entropy_with_logits(z, yes).item() - 200.0) < 1e-3
    z = torch.tensor([-5.0])
    close = F.binary_cross_entropy(torch.sigmoid(z), yes).item()
    assert abs(close - F.binary_cross_entropy_with_logits(z, yes).item()) < 1e-4
