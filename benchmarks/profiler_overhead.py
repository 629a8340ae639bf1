"""What profiling costs: the MNIST MLP's training steps with the profiler on and off,
side by side in one run, and what the engine's hook costs when it is off.

    python benchmarks/profiler_overhead.py            # writes profiler_overhead.json
    python benchmarks/profiler_overhead.py --quick    # a smoke run, writes nothing

Both runs start from the same weights and see the same batches (harness.py: epochs
interleaved, the order rotating); "on" trains inside `perf.profile(model)`. Off, the
hook is one `is None` test per op call, backward node and module call: the run counts
those per step (from the profile itself) and times one test, for its share of a step.
"""

from __future__ import annotations

import argparse
import os
import sys
import timeit
from pathlib import Path
from typing import Any

if __name__ == "__main__":
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")  # read once, when numpy loads BLAS

import numpy as np  # noqa: E402
from harness import (  # noqa: E402
    git_commit,
    machine_info,
    report_config,
    run_interleaved,
    summarize,
    write_results,
)

import tinytorch as tt  # noqa: E402
from tinytorch import autograd, perf  # noqa: E402
from tinytorch.datasets import load_mnist  # noqa: E402

IMPLS = ("profiler on", "profiler off")
GOALS = {"profiler off": 2.0}  # profiling at most doubles a step
ACCURACY_GOAL = 0.0  # profiling changes no result: identical accuracies
BATCH = 32


class StepsRun:
    """tinytorch's MLP trained with Adam, inside a profile or not."""

    def __init__(self, profiled: bool, x: np.ndarray, y: np.ndarray, seed: int) -> None:
        tt.manual_seed(seed)
        self.model = tt.nn.Sequential(
            tt.nn.Linear(784, 128), tt.nn.ReLU(), tt.nn.Linear(128, 10))
        self.optimizer = tt.optim.Adam(self.model.parameters(), lr=1e-3)
        data = tt.utils.data.TensorDataset(tt.from_numpy(x), tt.from_numpy(y))
        shuffle = tt.Generator().manual_seed(seed)
        self.loader = tt.utils.data.DataLoader(data, BATCH, shuffle=True,
                                               generator=shuffle)
        self.profiled, self.profile = profiled, None

    def epoch(self, order: np.ndarray) -> tuple[float, float]:
        args = self.model, self.loader, tt.nn.CrossEntropyLoss(), self.optimizer
        if not self.profiled:
            return tt.train_epoch(*args)
        with perf.profile(self.model) as self.profile:
            return tt.train_epoch(*args)

    def accuracy(self, x: np.ndarray, y: np.ndarray) -> float:
        return float((tt.predict(self.model, x).argmax(axis=1) == y).mean())


def hook_off_cost(profile: perf.profile, steps: int) -> dict[str, float]:
    """The `is None` tests of one step, counted by the profile, times one test."""
    ops = sum(s.calls for s in profile.ops.values())
    nodes = ops  # every op of a training step records a node, walked once backward
    modules = sum(s.calls for s in profile.modules.values())
    tests = (ops + nodes + modules) / steps
    timer = timeit.Timer("autograd.hook is None", globals={"autograd": autograd})
    number = 1_000_000
    one = min(timer.repeat(5, number)) / number
    return {"tests_per_step": tests, "seconds_per_test": one,
            "seconds_per_step": tests * one}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 round of 1 epoch")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--images", type=int, default=19200, help="per epoch")
    args = parser.parse_args(argv)
    rounds, epochs, n = (1, 1, 3200) if args.quick else (args.rounds, args.epochs,
                                                         args.images)
    x, y, x_test, y_test = load_mnist()
    runs: dict[str, Any] = {}

    def start(impl: str, seed: int) -> StepsRun:
        runs[impl] = StepsRun(impl == IMPLS[0], x[:n], y[:n], seed)
        return runs[impl]

    measured = run_interleaved(IMPLS, start, n, (x_test, y_test), rounds, epochs, 0,
                               lambda line: print(line, flush=True))
    result = summarize(measured, GOALS, ACCURACY_GOAL)
    steps = -(-n // BATCH) * epochs
    off = hook_off_cost(runs[IMPLS[0]].profile, -(-n // BATCH))
    step = result["impls"]["profiler off"]["median"] / -(-n // BATCH)
    results = {"machine": machine_info(1), "commit": git_commit(), "images": n,
               "rounds": rounds, "epochs": epochs, "steps_per_round": steps,
               "config": result, "hook_off": off | {"share_of_step": off[
                   "seconds_per_step"] / step}}
    print("\n".join(report_config(f"MNIST MLP, Adam, batch {BATCH}", result)))
    print(f"hook off: {off['tests_per_step']:.0f} `is None` tests per step x "
          f"{off['seconds_per_test'] * 1e9:.1f} ns = "
          f"{off['seconds_per_step'] * 1e6:.2f} µs of a {step * 1e6:.0f} µs step "
          f"({off['seconds_per_step'] / step:.2%})")
    if not args.quick:
        out = Path(__file__).with_name("profiler_overhead.json")
        write_results(out, results)
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
