"""Exercises of book/modules/19_benchmarking.md, done as a student would.

The timings run on fake clocks, so that every time is known exactly."""

from tinytorch import perf
from tinytorch.perf.benchmark import rotation


class Clock:
    """A fake clock: time moves only when a call runs or the clock is read."""

    def __init__(self, reading_cost: float = 0.0) -> None:
        self.now, self.reading_cost = 0.0, reading_cost

    def __call__(self) -> float:
        seen = self.now
        self.now += self.reading_cost  # reading the clock takes time too
        return seen

    def work(self, seconds: float):
        def call() -> None:
            self.now += seconds

        return call


def test_one_slow_block_moves_the_mean_not_the_median() -> None:
    blocks = perf.Measurement(number_per_run=10, raw_times=(1e-3,) * 9 + (50e-3,))
    assert blocks.median == 1e-4  # seconds per call
    assert blocks.mean > 5 * blocks.median
    assert blocks.iqr == 0.0


def test_a_block_of_one_call_measures_the_clock() -> None:
    clock = Clock(reading_cost=100e-9)
    timer = perf.Timer(clock.work(10e-9), timer=clock)
    one = timer.timeit(1).times[0]
    many = timer.timeit(1000).times[0]
    assert abs(one - 110e-9) < 1e-12  # eleven times the call's true cost
    assert abs(many - 10.1e-9) < 1e-12  # the clock's cost shared by a thousand
    assert timer.blocked_autorange(0.01).number_per_run >= 1000


def test_a_machine_that_slows_down_cancels_in_the_paired_ratios() -> None:
    clock = Clock()

    def slowing(seconds: float):
        def call() -> None:
            clock.now += seconds * (1 + clock.now)  # the machine slows as time goes

        return call

    fast, slow = slowing(1e-3), slowing(2e-3)
    apart = (
        perf.Timer(slow, timer=clock).blocked_autorange(1.0).median
        / perf.Timer(fast, timer=clock).blocked_autorange(1.0).median
    )
    turns = perf.compare({"fast": fast, "slow": slow}, min_run_time=1.0, timer=clock)
    times = turns.measurements["slow"].times
    assert max(times) > 1.5 * min(times)  # the machine changed during the run
    assert abs(turns.ratio("slow").median - 2) < 0.01  # but not within a round
    assert apart < 1.8  # one after the other: the later one ran on a slower machine


def test_every_candidate_goes_first_once_per_rotation() -> None:
    names = ["a", "b", "c"]
    firsts = [rotation(names, turn)[0] for turn in range(3)]
    assert sorted(firsts) == names
    assert rotation(names, 3) == rotation(names, 0)
