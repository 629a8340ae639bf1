"""A storage format for pruned weights: one bit per entry, and the kept values.

A weight with most entries zero is stored as a bitmap of which entries are nonzero
(np.packbits: an eighth of a byte each) followed by the nonzero values in order. At
90 % zeros an int8 weight then takes 0.125 + 0.1 of a byte per entry instead of one;
CSR would spend an index of two or four bytes on every kept value instead, more than
the bitmap until fewer than one entry in sixteen (or thirty-two) is kept.

Book: book/modules/16_compression.md
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Bitmap:
    """An array as (shape, bits of its nonzero entries, those entries in C order)."""

    shape: tuple[int, ...]
    bits: np.ndarray  # uint8: np.packbits of (array != 0), flattened in C order
    values: np.ndarray  # the nonzero entries, in the array's dtype

    @classmethod
    def from_dense(cls, array: np.ndarray) -> Bitmap:
        """Encode `array`; `to_dense()` gives back an equal array."""
        array = np.asarray(array)
        kept = array != 0
        return cls(array.shape, np.packbits(kept, axis=None), array[kept])

    def to_dense(self) -> np.ndarray:
        """The array, with zeros where no bit is set."""
        size = math.prod(self.shape)
        fits = self.bits.size == (size + 7) // 8  # checked before allocating `size`
        kept = np.unpackbits(self.bits, count=size).view(bool) if fits else None
        if kept is None or kept.sum() != self.values.size:
            raise ValueError(
                f"Bitmap: {self.bits.size} bytes of bits and {self.values.size} values "
                f"do not describe an array of shape {self.shape}; the data is damaged"
            )
        dense = np.zeros(size, dtype=self.values.dtype)
        dense[kept] = self.values
        return dense.reshape(self.shape)

    @property
    def nbytes(self) -> int:
        """Bytes of the bits and the values: what a file stores, besides the shape."""
        return self.bits.nbytes + self.values.nbytes
