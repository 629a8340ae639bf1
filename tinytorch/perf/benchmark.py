"""Timing code honestly: one timing lies, so time blocks of calls after a warm-up,
report the median and the spread, and compare candidates side by side.

A single call is too short for the clock and catches the machine in whatever it is
doing; the first calls pay for caches, allocators and lazy imports; and two runs
made a minute apart meet different machines. So `Timer.blocked_autorange` warms up,
times blocks of calls each long enough for the clock, and summarizes many blocks as
a `Measurement`; `compare` runs the candidates in turns, the order rotating, and
divides the times of each round, so a busy moment slows them all alike and cancels
in the ratio. The names follow PyTorch's ``torch.utils.benchmark``.

Book: book/modules/19_benchmarking.md
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

# A block lasts at least this long: hundreds of times what reading the clock costs
# (chapter 19 measures it), yet shorter than the slices in which the system shares
# out the processors, so that most blocks run uninterrupted.
BLOCK_SECONDS = 1e-4
SIZING_TRIES = 3  # blocks tried per size: the best of them must last long enough
STOPPED = 1024  # calls: a block this long that takes no time means a stopped clock
T = TypeVar("T")


def _spread(values: Sequence[float]) -> tuple[float, float, float]:
    """(first quartile, median, third quartile)."""
    q1, median, q3 = np.percentile(values, (25, 50, 75))
    return float(q1), float(median), float(q3)


@dataclass(frozen=True)
class Measurement:
    """Blocks of `number_per_run` calls each: how long each block took."""

    number_per_run: int
    raw_times: tuple[float, ...]  # seconds per block
    label: str = ""

    @property
    def times(self) -> list[float]:
        """Seconds per call, one value per block."""
        return [t / self.number_per_run for t in self.raw_times]

    @property
    def median(self) -> float:
        """The median block's time per call: a few slow blocks barely move it."""
        return _spread(self.times)[1]

    @property
    def mean(self) -> float:
        """The mean time per call, which every disturbance pulls up."""
        return float(np.mean(self.times))

    @property
    def iqr(self) -> float:
        """The interquartile range of the time per call: how much blocks disagree."""
        q1, _, q3 = _spread(self.times)
        return q3 - q1

    def __str__(self) -> str:
        return (f"{self.label or 'fn'}: median {self.median * 1e6:.2f} µs per call, "
                f"IQR {self.iqr * 1e6:.2f} µs ({len(self.raw_times)} blocks of "
                f"{self.number_per_run} calls)")


class Timer:
    """Times calls of `fn()`; `timer` is the clock (a fake one makes tests exact)."""

    def __init__(self, fn: Callable[[], object], label: str = "",
                 timer: Callable[[], float] = time.perf_counter) -> None:
        if not callable(fn):
            raise TypeError(f"Timer: fn must be a callable taking no arguments, got "
                            f"{type(fn).__name__}; wrap a statement as lambda: ...")
        self.fn, self.label, self.timer = fn, label, timer

    def _block(self, number: int) -> float:
        fn = self.fn
        start = self.timer()
        for _ in range(number):
            fn()
        return self.timer() - start

    def timeit(self, number: int = 1) -> Measurement:
        """One block of `number` calls, no warm-up."""
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            raise ValueError(f"Timer.timeit: number must be an int >= 1, got "
                             f"{number!r}")
        return Measurement(number, (self._block(number),), self.label)

    def block_size(self, seconds: float) -> int:
        """Calls per block so that a block lasts at least `seconds`, found by
        doubling blocks from one call (the best of SIZING_TRIES, so that one
        interrupted block does not stop the doubling); the calls warm `fn` up."""
        number = 1
        while (elapsed := min(self._block(number) for _ in range(SIZING_TRIES))
               ) < seconds:
            if elapsed <= 0 and number >= STOPPED:
                raise RuntimeError(f"Timer.block_size: {number} calls of "
                                   f"{self.label or 'fn'} took no time; does its "
                                   f"clock advance?")
            number *= 2
        return number

    def blocked_autorange(self, min_run_time: float = 0.2) -> Measurement:
        """Blocks of calls, each lasting at least BLOCK_SECONDS, until the blocks
        add up to `min_run_time` seconds (after a warm-up)."""
        _check_run_time("Timer.blocked_autorange", min_run_time)
        number = self.block_size(BLOCK_SECONDS)
        times: list[float] = []
        while sum(times) < min_run_time:
            times.append(self._block(number))
        return Measurement(number, tuple(times), self.label)


def _check_run_time(where: str, min_run_time: float) -> None:
    if (isinstance(min_run_time, bool) or not isinstance(min_run_time, int | float)
            or not min_run_time > 0):
        raise ValueError(f"{where}: min_run_time must be a number of seconds > 0, got "
                         f"{min_run_time!r}")


def rotation(items: Sequence[T], turn: int) -> list[T]:
    """The order of round `turn`: A B C, then B C A, then C A B, ..."""
    turn %= len(items)
    return [*items[turn:], *items[:turn]]


def paired_ratios(times: Sequence[float], baseline: Sequence[float]) -> list[float]:
    """times[i] / baseline[i]: each ratio compares two runs taken moments apart."""
    if len(times) != len(baseline) or not times:
        raise ValueError(f"paired_ratios: needs two equally long, non-empty series, "
                         f"got {len(times)} and {len(baseline)} values")
    if min(baseline) <= 0:
        raise ValueError(f"paired_ratios: baseline times must be > 0, got "
                         f"{min(baseline)}")
    return [t / b for t, b in zip(times, baseline, strict=True)]


@dataclass(frozen=True)
class Ratio:
    """Paired ratios of a candidate's time to the baseline's, one per round."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        """The candidate's time per call, as a multiple of the baseline's."""
        return _spread(self.values)[1]

    @property
    def quartiles(self) -> tuple[float, float]:
        """The middle half of the paired ratios: how far to trust the median."""
        q1, _, q3 = _spread(self.values)
        return q1, q3


@dataclass(frozen=True)
class Comparison:
    """Candidates timed in turns: a Measurement each (the first is the baseline)
    and the order of each round."""

    measurements: dict[str, Measurement]
    orders: tuple[tuple[str, ...], ...]

    @property
    def baseline(self) -> str:
        """The first candidate, which the ratios divide by."""
        return next(iter(self.measurements))

    def ratio(self, name: str) -> Ratio:
        """`name`'s time per call over the baseline's, round by round."""
        if name not in self.measurements:
            raise KeyError(f"Comparison.ratio: no candidate {name!r}; the candidates: "
                           f"{', '.join(self.measurements)}")
        base = self.measurements[self.baseline].times
        return Ratio(tuple(paired_ratios(self.measurements[name].times, base)))

    def __str__(self) -> str:
        lines = [f"{'candidate':24} {'median':>12} {'IQR':>10}  time / "
                 f"{self.baseline} (quartiles)"]
        for name, m in self.measurements.items():
            r = self.ratio(name)
            lines.append(f"{name:24} {m.median * 1e6:9.2f} µs {m.iqr * 1e6:7.2f} µs  "
                         f"{r.median:.3f} ({r.quartiles[0]:.3f}-{r.quartiles[1]:.3f})")
        return "\n".join(lines)


def compare(candidates: Mapping[str, Callable[[], object]], min_run_time: float = 1.0,
            timer: Callable[[], float] = time.perf_counter) -> Comparison:
    """Time each candidate for at least `min_run_time` seconds in blocks of at
    least BLOCK_SECONDS, taking turns block by block, the order rotating, in whole
    rotations so that each goes first equally often. The first candidate is the
    baseline of the ratios."""
    if not isinstance(candidates, Mapping) or len(candidates) < 2:
        raise ValueError(f"compare: needs a dict of at least two named candidates, "
                         f"got {candidates!r}")
    _check_run_time("compare", min_run_time)
    timers = {name: Timer(fn, name, timer) for name, fn in candidates.items()}
    names = list(timers)
    sizes = {name: t.block_size(BLOCK_SECONDS) for name, t in timers.items()}
    times: dict[str, list[float]] = {name: [] for name in names}
    orders = []
    while len(orders) % len(names) or min(map(sum, times.values())) < min_run_time:
        orders.append(tuple(rotation(names, len(orders))))
        for name in orders[-1]:
            times[name] += timers[name].timeit(sizes[name]).raw_times
    return Comparison({name: Measurement(sizes[name], tuple(times[name]), name)
                       for name in names}, tuple(orders))
