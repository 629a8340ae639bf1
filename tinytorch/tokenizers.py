"""Tokenizers: text to integer ids and back. Named after what it holds, as Hugging
Face's ``tokenizers`` library (PyTorch itself has none).

`CharTokenizer` gives every character its own id: a small vocabulary, long
sequences. `BPETokenizer` starts from the 256 byte values and merges the most
frequent neighbouring pair again and again (Sennrich et al. 2016, byte-level as in
GPT-2): a larger vocabulary, shorter sequences, and no character it cannot encode.

Book: book/modules/10_tokenization.md
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from .checks import check_int

_CHUNK = re.compile(
    r" ?[^\s]+|\s+"
)  # words with their leading space; merges stay inside


def _ids(owner: str, ids: Sequence[int] | np.ndarray, vocab_size: int) -> list[int]:
    """Token ids as a flat list of ints (from a list, an array or a Tensor), each
    checked to be one of `owner`'s `vocab_size` ids."""
    data = getattr(ids, "_data", ids)
    array = np.asarray(data)
    if array.ndim != 1 or (array.size and array.dtype.kind not in "iu"):
        raise ValueError(
            f"{owner}.decode: expected a 1-D sequence of integer ids, got shape "
            f"{array.shape} of {array.dtype}"
        )
    bad = array[(array < 0) | (array >= vocab_size)]
    if bad.size:
        raise ValueError(
            f"{owner}.decode: id {bad[0]} is out of range "
            f"(valid: 0..{vocab_size - 1})"
        )
    return array.tolist()


class CharTokenizer:
    """One id per character of a fixed alphabet (sorted, so the same text always
    gives the same ids)."""

    def __init__(self, chars: Iterable[str]) -> None:
        self.chars = sorted(set(chars))
        if not self.chars or any(len(c) != 1 for c in self.chars):
            raise ValueError("CharTokenizer: needs one or more single characters")
        self.index = {c: i for i, c in enumerate(self.chars)}

    @classmethod
    def from_text(cls, text: str) -> CharTokenizer:
        """The tokenizer of every character that occurs in `text`."""
        return cls(text)

    @property
    def vocab_size(self) -> int:
        """How many ids there are."""
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        """The ids of `text`'s characters (int64)."""
        try:
            return np.array([self.index[c] for c in text], dtype=np.int64)
        except KeyError as err:
            where = text.index(err.args[0])
            raise ValueError(
                f"CharTokenizer.encode: character {err.args[0]!r} (position {where}) "
                f"is not in the vocabulary of {self.vocab_size} characters"
            ) from None

    def decode(self, ids: Sequence[int] | np.ndarray) -> str:
        """The text of `ids`."""
        ids = _ids("CharTokenizer", ids, self.vocab_size)
        return "".join(self.chars[i] for i in ids)


class BPETokenizer:
    """Byte-pair encoding over UTF-8 bytes: ids 0-255 are the bytes, each later id
    the merge of two earlier ones, learned by `train`."""

    def __init__(self, merges: Sequence[tuple[int, int]] = ()) -> None:
        self.merges = [tuple(pair) for pair in merges]
        self.ranks = {pair: 256 + i for i, pair in enumerate(self.merges)}
        self.pieces = [bytes([b]) for b in range(256)]
        for a, b in self.merges:
            if not (a < len(self.pieces) and b < len(self.pieces)):
                raise ValueError(f"BPETokenizer: merge {(a, b)} uses a later id")
            self.pieces.append(self.pieces[a] + self.pieces[b])
        self._cache: dict[str, list[int]] = {}

    @classmethod
    def train(cls, text: str, vocab_size: int) -> BPETokenizer:
        """Learn merges on `text` until `vocab_size` ids (or until no pair occurs
        twice); ties go to the smaller pair, so training is deterministic."""
        check_int("BPETokenizer.train", "vocab_size", vocab_size, low=256)
        words = Counter(_CHUNK.findall(text))
        sequences = {w: list(w.encode("utf-8")) for w in words}
        merges: list[tuple[int, int]] = []
        while 256 + len(merges) < vocab_size:
            pairs: Counter[tuple[int, int]] = Counter()
            for word, count in words.items():
                seq = sequences[word]
                for pair in zip(seq, seq[1:], strict=False):
                    pairs[pair] += count
            if not pairs:
                break
            best = min(pairs, key=lambda p: (-pairs[p], p))
            if pairs[best] < 2:
                break
            new = 256 + len(merges)
            merges.append(best)
            for word in words:
                sequences[word] = _merge(sequences[word], best, new)
        return cls(merges)

    @property
    def vocab_size(self) -> int:
        """How many ids there are: 256 bytes plus one per merge."""
        return len(self.pieces)

    def encode(self, text: str) -> np.ndarray:
        """The ids of `text` (int64): its bytes, merged in the order learned."""
        ids: list[int] = []
        for chunk in _CHUNK.findall(text):
            if chunk not in self._cache:
                self._cache[chunk] = self._encode_chunk(chunk)
            ids += self._cache[chunk]
        return np.array(ids, dtype=np.int64)

    def _encode_chunk(self, chunk: str) -> list[int]:
        seq = list(chunk.encode("utf-8"))
        while len(seq) > 1:
            pair = min(
                zip(seq, seq[1:], strict=False), key=lambda p: self.ranks.get(p, np.inf)
            )
            if pair not in self.ranks:
                break
            seq = _merge(seq, pair, self.ranks[pair])
        return seq

    def decode(self, ids: Sequence[int] | np.ndarray) -> str:
        """The text of `ids` (a cut inside a character shows as U+FFFD)."""
        ids = _ids("BPETokenizer", ids, self.vocab_size)
        return b"".join(self.pieces[i] for i in ids).decode("utf-8", errors="replace")


def _merge(seq: list[int], pair: tuple[int, int], new: int) -> list[int]:
    """`seq` with every occurrence of `pair`, left to right, replaced by `new`."""
    out, i = [], 0
    while i < len(seq):
        if i + 1 < len(seq) and (seq[i], seq[i + 1]) == pair:
            out.append(new)
            i += 2
        else:
            out.append(seq[i])
            i += 1
    return out
