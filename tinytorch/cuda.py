"""``torch.cuda`` for programs that ask: tinytorch computes on the CPU, so there is
no GPU to find, and seeding one does nothing (as PyTorch does without CUDA).

Book: book/compatibility.md
"""

from __future__ import annotations

from typing import Any

from . import compatibility


def is_available() -> bool:
    """False: tinytorch has no GPU backend."""
    return False


def device_count() -> int:
    """0: no GPUs."""
    return 0


def manual_seed(seed: int) -> None:
    """Nothing to seed; PyTorch ignores it too when CUDA is not available."""


def manual_seed_all(seed: int) -> None:
    """Nothing to seed; PyTorch ignores it too when CUDA is not available."""


def __getattr__(name: str) -> Any:
    """A PyTorch name this module does not offer: an error that says so."""
    compatibility.missing(__name__, name)
