"""The benchmarking tool, `tinytorch.perf.benchmark`, on a fake clock: every call
advances it by a known cost, so block sizes, times, the interleaving order and the
paired ratios are exact. No wall-clock time is asserted."""

from __future__ import annotations

import pytest

from tinytorch import perf
from tinytorch.perf.benchmark import (
    BLOCK_SECONDS,
    SIZING_TRIES,
    paired_ratios,
    rotation,
)


class FakeClock:
    """A clock that only moves when a candidate runs: by its cost times the load of
    the machine, which changes every `calls_per_load` calls, cycling `loads`."""

    def __init__(self, loads: tuple[float, ...] = (1.0,), calls_per_load: int = 1):
        self.now, self.calls = 0.0, []
        self.loads, self.calls_per_load = loads, calls_per_load

    def __call__(self) -> float:
        return self.now

    def fn(self, name: str, cost: float):
        def call() -> None:
            turn = len(self.calls) // self.calls_per_load
            self.now += cost * self.loads[turn % len(self.loads)]
            self.calls.append(name)
        return call


def test_blocked_autorange_warms_up_then_times_blocks_long_enough_for_the_clock() -> None:
    clock = FakeClock()
    m = perf.Timer(clock.fn("f", 1e-5), "f", timer=clock).blocked_autorange(0.01)
    assert BLOCK_SECONDS == 1e-4  # 10 calls; doubling from one call finds 16
    assert m.number_per_run == 16
    assert len(m.raw_times) == 63 and sum(m.raw_times) >= 0.01  # 63 x 0.16 ms
    assert m.times == pytest.approx([1e-5] * 63)
    assert m.median == pytest.approx(1e-5) and m.iqr == pytest.approx(0)
    warm_up = SIZING_TRIES * (1 + 2 + 4 + 8 + 16)  # the sizing blocks
    assert len(clock.calls) == warm_up + 63 * 16


def test_one_interrupted_block_does_not_stop_the_sizing() -> None:
    clock = FakeClock(loads=(1.0, 1.0, 1.0, 50.0) + (1.0,) * 100)  # call 3 waits
    assert perf.Timer(clock.fn("f", 1e-5), timer=clock).block_size(1e-4) == 16


def test_a_measurement_summarizes_blocks_by_median_and_interquartile_range() -> None:
    m = perf.Measurement(10, (1.0, 2.0, 3.0, 4.0, 100.0), "x")
    assert m.times == [0.1, 0.2, 0.3, 0.4, 10.0]
    assert m.median == pytest.approx(0.3)  # the slow block barely moves it
    assert m.mean == pytest.approx(2.2)  # it pulls the mean far up
    assert m.iqr == pytest.approx(0.4 - 0.2)
    assert "x: median 300000.00 µs per call" in str(m)


def test_rotation_gives_each_candidate_each_place_in_turn() -> None:
    assert [rotation("ABC", turn) for turn in range(4)] == [
        list("ABC"), list("BCA"), list("CAB"), list("ABC")]


def test_compare_interleaves_blocks_in_rotating_order_in_whole_rotations() -> None:
    clock = FakeClock()
    candidates = {name: clock.fn(name, cost) for name, cost in
                  (("A", 1e-5), ("B", 2e-5), ("C", 6e-5))}
    result = perf.compare(candidates, min_run_time=0.01, timer=clock)
    rounds = len(result.orders)
    assert rounds % 3 == 0 and rounds >= 3
    assert result.orders[:3] == (("A", "B", "C"), ("B", "C", "A"), ("C", "A", "B"))
    sizes = {n: m.number_per_run for n, m in result.measurements.items()}
    assert sizes == {"A": 16, "B": 8, "C": 2}  # each block >= BLOCK_SECONDS
    timed = clock.calls[-sum(sizes.values()) * rounds:]  # after the warm-up
    expected = [n for order in result.orders for n in order for _ in range(sizes[n])]
    assert timed == expected
    assert all(sum(m.raw_times) >= 0.01 for m in result.measurements.values())


def test_a_load_that_slows_every_candidate_alike_cancels_in_the_paired_ratio() -> None:
    # blocks of one call each (both cost more than BLOCK_SECONDS), so that every
    # round is two calls (and the warm-up SIZING_TRIES rounds of two): the load
    # changes from round to round
    clock = FakeClock(loads=(1.0, 3.0, 1.0, 5.0, 2.0), calls_per_load=2)
    result = perf.compare({"base": clock.fn("base", 4e-4),
                           "half": clock.fn("half", 2e-4)}, 0.01, timer=clock)
    assert {m.number_per_run for m in result.measurements.values()} == {1}
    assert result.measurements["base"].iqr > 0  # the load shows in the times...
    ratio = result.ratio("half")
    assert ratio.values == pytest.approx([0.5] * len(result.orders))  # ...not here
    assert ratio.median == pytest.approx(0.5) and ratio.quartiles == pytest.approx(
        (0.5, 0.5))
    assert result.ratio("base").median == 1.0 and result.baseline == "base"
    assert "time / base" in str(result)


def test_paired_ratios_divide_round_by_round() -> None:
    assert paired_ratios([2.0, 6.0, 3.0], [1.0, 3.0, 3.0]) == [2.0, 2.0, 1.0]
    assert perf.Ratio((1.0, 2.0, 3.0, 4.0)).median == 2.5
    assert perf.Ratio((1.0, 2.0, 3.0, 4.0, 5.0)).quartiles == (2.0, 4.0)


@pytest.mark.parametrize("call, message", [
    (lambda: perf.Timer(3), "fn must be a callable"),
    (lambda: perf.Timer(print).blocked_autorange(0), "min_run_time must be"),
    (lambda: perf.Timer(print).blocked_autorange(-1.0), "min_run_time must be"),
    (lambda: perf.Timer(print).blocked_autorange("1"), "min_run_time must be"),
    (lambda: perf.Timer(print).timeit(0), "number must be an int >= 1"),
    (lambda: perf.compare({"a": print}), "at least two named candidates"),
    (lambda: perf.compare([print, print]), "at least two named candidates"),
    (lambda: perf.compare({"a": print, "b": 3}), "fn must be a callable"),
    (lambda: perf.compare({"a": print, "b": print}, 0.0), "min_run_time must be"),
    (lambda: paired_ratios([1.0], [1.0, 2.0]), "equally long"),
    (lambda: paired_ratios([1.0], [0.0]), "must be > 0"),
])
def test_bad_input_gets_a_clear_error(call, message) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        call()


def test_an_unknown_candidate_and_a_stopped_clock_are_named() -> None:
    clock = FakeClock()
    result = perf.compare({"a": clock.fn("a", 1.0), "b": clock.fn("b", 1.0)}, 0.1,
                          timer=clock)
    with pytest.raises(KeyError, match="no candidate 'c'; the candidates: a, b"):
        result.ratio("c")
    stopped = perf.Timer(clock.fn("free", 0.0), "free", timer=clock)
    with pytest.raises(RuntimeError, match="does its clock advance"):
        stopped.block_size(1e-3)
