"""How many threads numpy's BLAS may use for the matrix products: one, unless you say.

tinytorch's products are small: a second BLAS thread does not make them faster, and on
a busy machine OpenBLAS's spinning threads make them up to ten times slower. So
``import tinytorch`` limits BLAS to one thread through threadpoolctl, whatever was
imported first, unless ``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS`` or
``MKL_NUM_THREADS`` is set: a choice made there wins. `set_num_threads` chooses later.

Book: book/modules/07_training.md
"""

from __future__ import annotations

import os

import numpy  # noqa: F401  (loads the BLAS library whose threads are limited here)
from threadpoolctl import ThreadpoolController

ENVIRONMENT = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
_controller: ThreadpoolController | None = None


def _blas() -> ThreadpoolController:
    global _controller
    if _controller is None:
        _controller = ThreadpoolController()  # finds the libraries loaded so far
    return _controller.select(user_api="blas")


def set_num_threads(threads: int) -> None:
    """Let numpy's BLAS use `threads` threads (PyTorch's name for the same knob)."""
    if not isinstance(threads, int) or isinstance(threads, bool):
        raise TypeError(f"set_num_threads: threads must be an int, got {threads!r}")
    if threads < 1:
        raise RuntimeError(f"set_num_threads expects a positive integer, got {threads}")
    _blas().limit(limits=threads)


def get_num_threads() -> int:
    """The threads numpy's BLAS may use now (1 if no BLAS library is loaded)."""
    return max([lib["num_threads"] for lib in _blas().info()], default=1)


def use_default_threads() -> None:
    """One BLAS thread, unless one of the `ENVIRONMENT` variables already chose."""
    if not any(os.environ.get(variable) for variable in ENVIRONMENT):
        set_num_threads(1)
