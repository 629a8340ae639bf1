"""The seeded generators behind everything random: initial weights, dropout,
shuffling, randn. Named like PyTorch's ``torch/random.py``: `manual_seed` seeds the
default generator (and returns it); a `Generator` of your own, passed as
``generator=``, gives a stream apart from it. The numbers are numpy's, not PyTorch's:
the same seed repeats a run, but does not repeat PyTorch's run.

Book: book/modules/01_tensor.md
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .devices import as_device, cpu


class Generator:
    """A stream of random numbers of its own, as ``torch.Generator``:
    ``g = Generator().manual_seed(0)``, then ``randn(3, generator=g)``."""

    def __init__(self, device: Any = "cpu") -> None:
        as_device(device)
        self.device = cpu
        self.manual_seed(67280421310721)  # PyTorch's default seed

    def manual_seed(self, seed: Any) -> Generator:
        """Restart the stream from `seed`, read as PyTorch reads it (``int(seed)``;
        negative seeds count modulo 2**64); returns the generator."""
        self._seed = int(seed) % 2**64
        self._rng = np.random.default_rng(self._seed)
        return self

    def seed(self) -> int:
        """Restart the stream from a seed taken from the operating system; returns
        that seed."""
        fresh = int(np.random.SeedSequence().entropy) % 2**64
        self.manual_seed(fresh)
        return fresh

    def initial_seed(self) -> int:
        """The seed the stream last started from."""
        return self._seed


# PyTorch starts its default generator from a random seed; tinytorch from 0, so that
# a run repeats even without manual_seed (the book's builds do)
default_generator = Generator().manual_seed(0)


def manual_seed(seed: Any) -> Generator:
    """Seed the default generator, which every random function uses unless given
    ``generator=``; returns it, as PyTorch does."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator from the operating system; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The seed the default generator last started from."""
    return default_generator.initial_seed()


def rng(generator: Generator | None = None) -> np.random.Generator:
    """The numpy generator behind `generator`, or behind the default one."""
    if generator is None:
        return default_generator._rng
    if not isinstance(generator, Generator):
        raise TypeError(f"generator must be a tinytorch.Generator, got "
                        f"{type(generator).__name__}")  # fmt: skip
    return generator._rng
