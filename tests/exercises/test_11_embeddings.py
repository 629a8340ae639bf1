"""The exercises of book/modules/11_embeddings.md, done as a student would."""

from __future__ import annotations

import numpy as np
import pytest

import tinytorch as torch
import tinytorch.nn.functional as F
from tinytorch import nn
from tinytorch.tokenizers import CharTokenizer


def test_a_row_collects_one_gradient_per_use() -> None:
    chars = CharTokenizer("abcdefghijklmnopqrstuvwxyz ")
    ids = torch.tensor(chars.encode("banana"))
    torch.manual_seed(0)
    emb = nn.Embedding(chars.vocab_size, 4)
    emb(ids).sum().backward()
    uses = {c: emb.weight.grad[chars.index[c]].tolist() for c in "abnz"}
    assert uses == {"a": [3.0] * 4, "b": [1.0] * 4, "n": [2.0] * 4, "z": [0.0] * 4}


def test_plain_index_add_drops_repeated_rows() -> None:
    ids = np.array([1, 0, 2, 0, 2, 0])  # "banana" with a=0, b=1, n=2
    grad = np.ones((6, 4))
    wrong = np.zeros((3, 4))
    wrong[ids] += grad  # each repeated row written once
    right = np.zeros((3, 4))
    np.add.at(right, ids, grad)
    assert wrong[:, 0].tolist() == [1.0, 1.0, 1.0]
    assert right[:, 0].tolist() == [3.0, 1.0, 2.0]
    table = torch.zeros(3, 4, requires_grad=True)
    F.embedding(torch.tensor(ids), table).backward(torch.tensor(grad).float())
    assert np.array_equal(table.grad.numpy(), right)  # tinytorch adds them all


def test_a_one_hot_product_is_the_lookup_at_vocab_times_the_size() -> None:
    torch.manual_seed(0)
    vocab, tokens = 1000, 64
    weight = torch.randn(vocab, 8)
    ids = torch.randint(0, vocab, (tokens,))
    one_hot = F.one_hot(ids, vocab).float()
    assert torch.allclose(one_hot @ weight, F.embedding(ids, weight))
    assert one_hot.numel() == vocab * ids.numel()
    assert (one_hot != 0).sum().item() == tokens  # one non-zero per row


def test_ids_are_names_not_numbers() -> None:
    emb = nn.Embedding(5, 3)
    with pytest.raises(IndexError):
        emb(torch.tensor([5]))
    with pytest.raises(RuntimeError, match="Long"):
        emb(torch.tensor([1.0]))
    assert emb(torch.tensor([4])).shape == (1, 3)


def test_the_padding_row_starts_at_zero_and_never_learns() -> None:
    torch.manual_seed(0)
    emb = nn.Embedding(5, 3, padding_idx=0)
    assert emb.weight[0].abs().sum().item() == 0
    emb(torch.tensor([0, 0, 1])).sum().backward()
    assert emb.weight.grad[0].abs().sum().item() == 0
    assert emb.weight.grad[1].tolist() == [1.0, 1.0, 1.0]
