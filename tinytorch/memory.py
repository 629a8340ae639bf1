"""Freed memory kept for reuse: a training step allocates and frees the same large
arrays every step, and by default glibc hands each freed block of more than 128 KB
back to the kernel, which must fault its pages in (and zero them) again next time.

For the GPT of benchmarks/train_gpt.py that is thousands of page faults in every
training step, several per cent of its time on a quiet machine and far more on a busy
one, where each fault waits for the kernel. tinytorch therefore asks glibc, at
import, to serve blocks below 32 MiB from its heap and to keep up to 256 MiB of
freed heap mapped, unless the environment sets malloc options of its own (any
MALLOC_* or GLIBC_TUNABLES variable). Elsewhere (macOS, musl) nothing changes.

Book: book/modules/18_acceleration.md
"""

from __future__ import annotations

import ctypes
import os

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameter numbers
MMAP_THRESHOLD = 32 << 20  # smaller blocks come from the heap, not their own mmap
TRIM_THRESHOLD = 256 << 20  # this much free heap stays mapped for the next step


def keep_freed_memory() -> bool:
    """Ask glibc's malloc to keep freed memory for reuse; True if it now does."""
    if any(k.startswith("MALLOC_") or k == "GLIBC_TUNABLES" for k in os.environ):
        return False  # the environment chose
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return False  # not glibc
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
