"""The exercises of book/modules/10_tokenization.md, done as a student would."""

from __future__ import annotations

import pytest

from tinytorch.datasets import load_journeytalks
from tinytorch.tokenizers import BPETokenizer, CharTokenizer


def test_a_character_vocabulary_is_the_sorted_alphabet() -> None:
    chars = CharTokenizer.from_text("hello world")
    assert chars.vocab_size == 8
    assert chars.encode("low").tolist() == [4, 5, 7]
    assert chars.decode(chars.encode("world")) == "world"
    with pytest.raises(ValueError, match="'a'"):
        chars.encode("hat")


def test_the_first_merge_and_its_tie() -> None:
    bpe = BPETokenizer.train("hello hello help", vocab_size=257)
    # "he" and "el" both occur three times; the tie goes to the smaller pair
    assert bpe.merges == [(ord("e"), ord("l"))]
    assert bpe.pieces[256] == b"el"
    assert len(bpe.encode("hello")) == 4  # h, el, l, o


def test_a_larger_vocabulary_extends_a_smaller_one() -> None:
    train, test = load_journeytalks()
    corpus = "".join(talk.text() for talk in train)
    held_out = "".join(talk.text() for talk in test)
    small = BPETokenizer.train(corpus, vocab_size=288)
    large = BPETokenizer.train(corpus, vocab_size=320)
    assert large.merges[: len(small.merges)] == small.merges
    lengths = [len(t.encode(held_out)) for t in (BPETokenizer(), small, large)]
    assert lengths[0] == len(held_out.encode())  # no merges: one token per byte
    assert lengths[0] > lengths[1] > lengths[2]


def test_unseen_characters_fall_back_to_bytes() -> None:
    bpe = BPETokenizer.train("plain ascii text only", vocab_size=270)
    ids = bpe.encode("ñ").tolist()
    assert ids == list("ñ".encode())  # two ids, its two UTF-8 bytes
    assert bpe.decode(ids) == "ñ"
    assert bpe.decode(bpe.encode("naïve → ok")) == "naïve → ok"


@pytest.mark.slow  # trains the page's tokenizer of 512 ids
def test_half_the_tokens_a_quarter_of_the_scores() -> None:
    train, test = load_journeytalks()
    corpus = "".join(talk.text() for talk in train)
    context = "".join(talk.text() for talk in test)[:1024]
    bpe = BPETokenizer.train(corpus, vocab_size=512)
    by_byte = len(context.encode())
    by_pair = len(bpe.encode(context))
    assert by_pair < by_byte / 2
    assert (by_byte / by_pair) ** 2 > 4  # scores per head: L x L
