"""The one seeded generator behind everything random: initial weights, dropout,
shuffling, randn. Named like PyTorch's ``torch/random.py``.

Book: book/modules/01_tensor.md
"""

from __future__ import annotations

import numpy as np

from .checks import check_int

_rng = np.random.default_rng(0)


def manual_seed(seed: int) -> None:
    """Seed tinytorch's generator; as in PyTorch, negative seeds count modulo 2**64."""
    global _rng
    check_int("manual_seed", "seed", seed, low=None)
    _rng = np.random.default_rng(int(seed) % 2**64)


def rng() -> np.random.Generator:
    """The generator that `manual_seed` resets."""
    return _rng
