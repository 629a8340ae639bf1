"""What a language model trains with: tokenizers (round trips, deterministic BPE),
a loss that ignores prompt tokens, token accuracy, a learning-rate schedule."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch.nn import functional as F
from tinytorch.optim.lr_scheduler import LambdaLR
from tinytorch.tokenizers import BPETokenizer, CharTokenizer
from tinytorch.training import correct, counted

TEXT = "Q: When was the perceptron?\nA: 1957.\nQ: Who made the perceptron?\nA: Rosenblatt.\n"


# ---------------------------------------------------------------- tokenizers


def test_char_tokenizer_round_trip_and_sorted_ids() -> None:
    tok = CharTokenizer.from_text(TEXT)
    ids = tok.encode(TEXT)
    assert ids.dtype == np.int64 and tok.decode(ids) == TEXT
    assert tok.chars == sorted(set(TEXT)) and tok.vocab_size == len(set(TEXT))
    assert tok.decode(tt.tensor(ids[:3])) == TEXT[:3]


def test_char_tokenizer_names_what_it_cannot_encode_or_decode() -> None:
    tok = CharTokenizer("abc")
    with pytest.raises(
        ValueError, match=r"character 'z' \(position 2\) is not in the vocabulary of 3"
    ):
        tok.encode("abz")
    with pytest.raises(ValueError, match=r"id 3 is out of range \(valid: 0..2\)"):
        tok.decode([0, 3])
    with pytest.raises(ValueError, match="1-D sequence of integer ids"):
        tok.decode(np.zeros((2, 2), int))


def test_bpe_merges_frequent_pairs_and_shortens_the_text() -> None:
    tok = BPETokenizer.train(TEXT * 20, vocab_size=300)
    assert 256 < tok.vocab_size <= 300
    ids = tok.encode(TEXT)
    assert len(ids) < len(TEXT.encode()) / 2  # frequent words became single tokens
    assert tok.decode(ids) == TEXT
    assert b" perceptron?" in tok.pieces  # a whole word, its leading space and mark
    again = BPETokenizer.train(TEXT * 20, vocab_size=300)
    assert again.merges == tok.merges  # ties broken the same way every time


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=60))
def test_bpe_round_trips_any_text(text: str) -> None:
    tok = BPETokenizer.train(TEXT * 5, vocab_size=280)
    assert tok.decode(tok.encode(text)) == text  # bytes: no character is unknown


def test_bpe_checks_its_settings() -> None:
    with pytest.raises(ValueError, match="vocab_size must be an integer >= 256"):
        BPETokenizer.train(TEXT, 100)
    with pytest.raises(ValueError, match="merge .* uses a later id"):
        BPETokenizer([(300, 1)])
    with pytest.raises(ValueError, match="id 256 is out of range"):
        BPETokenizer().decode([256])


# ---------------------------------------------------------------- the loss and accuracy


def test_cross_entropy_ignores_the_ignore_index_as_pytorch() -> None:
    scores = np.random.default_rng(0).standard_normal((5, 3))
    logits = tt.tensor(scores, requires_grad=True)
    targets = np.array([2, -100, 0, -100, 1])
    loss = F.cross_entropy(logits, tt.tensor(targets))
    kept = targets >= 0
    expected = F.cross_entropy(tt.tensor(scores[kept]), tt.tensor(targets[kept])).item()
    assert math.isclose(loss.item(), expected, rel_tol=1e-6)
    loss.backward()
    grad = logits.grad.numpy()
    assert (grad[~kept] == 0).all() and (grad[kept] != 0).all()
    logits.grad = None
    nothing = F.cross_entropy(logits, tt.tensor(np.full(5, -100)))  # nan, as PyTorch
    nothing.backward()
    assert math.isnan(nothing.item()) and (logits.grad.numpy() == 0).all()
    with pytest.raises(IndexError, match="Target 7 is out of bounds"):
        F.cross_entropy(logits, tt.tensor([7, 0, 0, 0, 0]), ignore_index=0)


def test_token_accuracy_counts_every_predicted_token_but_the_ignored() -> None:
    scores = np.zeros((2, 3, 4), np.float32)
    scores[..., 1] = 1  # predicts 1 everywhere
    labels = np.array([[1, 1, -100], [2, 1, -100]])
    assert correct(tt.tensor(scores), tt.tensor(labels)) == 3
    assert counted(tt.tensor(labels)) == 4
    assert counted(tt.tensor(np.ones((5, 1), np.float32))) == 5


# ---------------------------------------------------------------- the schedule


def test_lambda_lr_sets_the_rate_of_each_step() -> None:
    w = tt.nn.Parameter(tt.tensor([1.0]))
    optimizer = tt.optim.AdamW([w], lr=0.1)
    scheduler = LambdaLR(optimizer, lambda step: 1 / (step + 1))
    rates = []
    for _ in range(3):
        rates.append(optimizer.param_groups[0]["lr"])
        scheduler.step()
    assert rates == pytest.approx([0.1, 0.05, 0.1 / 3])
    assert scheduler.get_last_lr() == [pytest.approx(0.025)]


def test_a_schedule_needs_an_optimizer() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'param_groups'"):
        LambdaLR("sgd", lambda step: 1)  # PyTorch's error, word for word
