"""Timing for the chapters' systems insights: the best of several short repeats, so a
busy machine inflates a figure as little as possible, and the whole site still builds
in minutes."""

from __future__ import annotations

import math
import time
import timeit
from collections.abc import Callable

REPEAT_SECONDS = 0.03  # each repeat runs the call this long, at least once


def seconds_per_call(fn: Callable[[], object], repeat: int = 5) -> float:
    """The fastest of `repeat` measurements of one call to `fn`, in seconds."""
    start = time.perf_counter()
    fn()  # warms caches and allocators, and sizes the repeats
    once = time.perf_counter() - start
    number = max(1, math.ceil(REPEAT_SECONDS / max(once, 1e-9)))
    timer = timeit.Timer(fn)
    return min(timer.repeat(repeat=repeat, number=number)) / number
