"""Timing for the chapters' systems insights: the best of several short blocks of
calls, so a busy machine inflates a figure as little as possible, and the whole site
still builds in minutes. The blocks are `tinytorch.perf.Timer`'s (chapter 19)."""

from __future__ import annotations

from collections.abc import Callable

from tinytorch.perf import Timer

REPEAT_SECONDS = 0.03  # each block runs the call this long, at least once


def seconds_per_call(fn: Callable[[], object], repeat: int = 5) -> float:
    """The fastest of `repeat` blocks of calls to `fn`, in seconds per call. Sizing
    the blocks (doubling them until one lasts REPEAT_SECONDS) warms `fn` up."""
    timer = Timer(fn)
    number = timer.block_size(REPEAT_SECONDS)
    return min(timer.timeit(number).times[0] for _ in range(repeat))
