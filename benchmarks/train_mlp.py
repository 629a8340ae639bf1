"""Time the MNIST MLP (784-128-10) in tinytorch, a hand-written numpy loop and
PyTorch, side by side in one run.

    python benchmarks/train_mlp.py            # the full run: writes results.json
    python benchmarks/train_mlp.py --quick    # a smoke run on 6,000 images

All three start from tinytorch's initial weights, see the same batches in the same
order (one permutation per epoch from one seed, the one tinytorch's DataLoader
draws), and train epoch by epoch in turn, the order rotating (harness.py). Ratios
are medians of per-epoch ratios taken seconds apart. PyTorch is optional: without it
the run says so and compares tinytorch with numpy only.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from options import parse_args, pin_threads

if __name__ == "__main__":
    ARGS = parse_args(__doc__, "6,000 images, 1 round of 1 epoch", rounds=4, epochs=5)
    pin_threads(ARGS.threads)  # read once, when numpy loads BLAS

import numpy as np  # noqa: E402
from config import Config  # noqa: E402
from harness import (  # noqa: E402
    Benchmark,
    collect,
    finish,
    report_config,
    report_header,
    report_notes,
)
from mlp_numpy import NumpyRun  # noqa: E402
from mlp_torch import TorchRun  # noqa: E402
from tinytorch_loop import TinytorchLoop  # noqa: E402

import tinytorch as tt  # noqa: E402
from tinytorch.datasets import load_mnist, load_tinydigits  # noqa: E402

GOALS = {"pytorch": 0.8, "numpy": 1.25}  # tinytorch's epoch at most this times theirs
ACCURACY_GOAL = 0.3  # percentage points between any two implementations
CONFIGS = (
    Config("batch 64, Adam lr 1e-3", 64, "adam", 1e-3),
    Config("batch 128, SGD lr 0.1 momentum 0.9", 128, "sgd", 0.1, 0.9),
    Config("batch 32, SGD lr 0.01", 32, "sgd", 0.01),
)


def initial_weights(
    seed: int, sizes: tuple[int, ...] = (784, 128, 10)
) -> dict[str, np.ndarray]:
    """tinytorch's initialisation (PyTorch's U(+-1/sqrt(in))) as numpy arrays:
    everyone starts here."""
    state = build_tinytorch(seed, sizes).state_dict()
    return {name: value.numpy() for name, value in state.items()}


def build_tinytorch(
    seed: int, sizes: tuple[int, ...] = (784, 128, 10)
) -> tt.nn.Sequential:
    tt.manual_seed(seed)
    layers = (
        tt.nn.Linear(sizes[0], sizes[1]),
        tt.nn.ReLU(),
        tt.nn.Linear(sizes[1], sizes[2]),
    )
    return tt.nn.Sequential(*layers)


class TinytorchRun(TinytorchLoop):
    """tinytorch as the book uses it, on the MLP of these weights' sizes."""

    def __init__(
        self, config: Config, weights: dict[str, np.ndarray], x, y, seed: int
    ) -> None:
        w1, w2 = weights["0.weight"], weights["2.weight"]
        model = build_tinytorch(seed, (w1.shape[1], w1.shape[0], w2.shape[0]))
        model.load_state_dict({k: tt.tensor(v) for k, v in weights.items()})
        super().__init__(config, model, x, y, seed)


BENCHMARK = Benchmark(
    {"tinytorch": TinytorchRun, "numpy": NumpyRun, "pytorch": TorchRun},
    lambda seed, x: initial_weights(seed, (x.shape[1], 128, 10)),
    GOALS,
    ACCURACY_GOAL,
)


def tinydigits_check(seed: int) -> dict:
    """TinyDigits 64-32-10 with tinytorch's fit: the time to >= 90 % test accuracy
    (the goal: under a second)."""
    tt.manual_seed(seed)
    model = tt.nn.Sequential(tt.nn.Linear(64, 32), tt.nn.ReLU(), tt.nn.Linear(32, 10))
    optimizer = tt.optim.Adam(model.parameters(), lr=1e-2)
    x, y, x_test, y_test = map(tt.from_numpy, load_tinydigits())
    loader = tt.utils.data.DataLoader(
        tt.utils.data.TensorDataset(x, y),
        batch_size=32,
        shuffle=True,
        generator=tt.Generator().manual_seed(seed),
    )
    test = tt.utils.data.DataLoader(
        tt.utils.data.TensorDataset(x_test, y_test), batch_size=200
    )
    start = time.perf_counter()
    history = tt.fit(
        model, loader, tt.nn.CrossEntropyLoss(), optimizer, epochs=20, test_loader=test
    )
    seconds = time.perf_counter() - start
    reached = next((i for i, a in enumerate(history.test_accuracy) if a >= 0.9), None)
    return {
        "model": "64-32-10, Adam lr 1e-2, batch 32, 20 epochs",
        "seconds_total": seconds,
        "seconds_training": sum(history.seconds),
        "test_accuracy": history.test_accuracy[-1],
        "epochs_to_90": None if reached is None else reached + 1,
        "seconds_to_90": None
        if reached is None
        else sum(history.seconds[: reached + 1]),
        "ok": history.test_accuracy[-1] >= 0.9 and seconds < 1.0,
    }


MNIST_SCRIPT = (
    Path(__file__).resolve().parents[1]
    / "milestones"
    / "03_1986_mlp"
    / "02_rumelhart_mnist.py"
)
# runs the script as `python SCRIPT --quick --quiet` would, then reports VmHWM (the
# peak resident set); not getrusage's ru_maxrss, which keeps the forking parent's
# peak across exec
PROBE = """
import runpy, sys
script, sys.argv = sys.argv[1], [sys.argv[1], "--quick", "--quiet"]
try:
    runpy.run_path(script, run_name="__main__")
finally:
    print("VmHWM", open("/proc/self/status").read().split("VmHWM:")[1].split()[0])
"""


def peak_memory(threads: int) -> dict:
    """The MNIST milestone script's peak memory, in a fresh process (no PyTorch,
    nothing else loaded)."""
    env = os.environ | {
        "OPENBLAS_NUM_THREADS": str(threads),
        "OMP_NUM_THREADS": str(threads),
    }
    run = subprocess.run(
        [sys.executable, "-c", PROBE, str(MNIST_SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
    )
    peaks = [
        line.split()[1] for line in run.stdout.splitlines() if line.startswith("VmHWM ")
    ]
    script = f"{MNIST_SCRIPT.relative_to(MNIST_SCRIPT.parents[2])} --quick --quiet"
    if run.returncode != 0 or not peaks:
        return {
            "script": script,
            "mb": None,
            "error": (run.stderr or run.stdout).strip()[-500:],
        }
    return {"script": script, "mb": int(peaks[-1]) / 1024}


def format_report(results: dict) -> str:
    what = (
        f"MNIST {results['n_train']} train / {results['n_test']} test, 784-128-10 "
        f"float32"
    )
    lines = report_header(results, what)
    for c in results["configs"]:
        lines += report_config(c["config"]["name"], c) + [""]
    lines += report_notes(results)
    d = results.get("tinydigits")
    if d:
        lines.append(
            f"TinyDigits {d['model']}: {d['test_accuracy'] * 100:.1f} % test in "
            f"{d['seconds_total']:.2f} s (training {d['seconds_training']:.2f} s; "
            f">= 90 % after epoch {d['epochs_to_90']}): "
            f"{'meets' if d['ok'] else 'MISSES'} the goal (>= 90 % in under 1 s)"
        )
    memory = results.get("peak_memory")
    if memory and memory["mb"] is not None:
        lines.append(
            f"peak memory of {memory['script']}: {memory['mb']:.0f} MB "
            f"({'meets' if memory['mb'] < 400 else 'MISSES'} the goal: < 400 MB)"
        )
    elif memory:
        lines.append(
            f"peak memory: NOT MEASURED, {memory['script']} failed: {memory['error']}"
        )
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    results = collect(BENCHMARK, CONFIGS, load_mnist(), args, quick_images=6000)
    results["tinydigits"] = tinydigits_check(args.seed)
    results["peak_memory"] = None if args.quick else peak_memory(args.threads)
    out = args.out or (None if args.quick else Path(__file__).with_name("results.json"))
    finish(results, format_report(results), out)
    return 0


if __name__ == "__main__":
    sys.exit(main(ARGS))
