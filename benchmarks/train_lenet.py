"""Time LeNet-5 on MNIST in tinytorch, a hand-written numpy loop and PyTorch eager,
side by side in one run.

    python benchmarks/train_lenet.py           # full run: writes results_lenet.json
    python benchmarks/train_lenet.py --quick   # a smoke run on 3,000 images

The model is milestone 04's (milestones/04_1998_cnn/03_lecun_mnist.py): conv 6@5x5
(padding 2), max-pool, conv 16@5x5, max-pool, 120, 84, 10, with ReLU. All three start
from tinytorch's initial weights, see the same batches in the same order, and train
epoch by epoch in turn, the order rotating (harness.py); ratios are medians of
per-epoch ratios taken seconds apart. PyTorch is optional.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from options import parse_args, pin_threads

if __name__ == "__main__":
    ARGS = parse_args(__doc__, "3,000 images, 1 round of 1 epoch", rounds=3, epochs=3)
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
from lenet_numpy import NumpyRun  # noqa: E402
from lenet_torch import TorchRun  # noqa: E402
from tinytorch_loop import TinytorchLoop  # noqa: E402

import tinytorch as tt  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root
from milestones import load, splits  # noqa: E402

GOALS = {"pytorch": 0.9, "numpy": 1.25}  # tinytorch's epoch at most this times theirs
ACCURACY_GOAL = 0.3  # percentage points between any two implementations
CONFIGS = (
    Config("batch 64, Adam lr 1e-3", 64, "adam", 1e-3),
    Config("batch 128, Adam lr 1e-3", 128, "adam", 1e-3),
)
lenet5 = load("04_1998_cnn/03_lecun_mnist").lenet5


def initial_weights(seed: int) -> dict[str, np.ndarray]:
    """tinytorch's initialisation of LeNet-5 as numpy arrays: everyone starts here."""
    tt.manual_seed(seed)
    return {name: value.numpy() for name, value in lenet5().state_dict().items()}


class TinytorchRun(TinytorchLoop):
    """tinytorch as the milestone uses it, on the script's LeNet-5."""

    def __init__(
        self, config: Config, weights: dict[str, np.ndarray], x, y, seed: int
    ) -> None:
        model = lenet5()
        model.load_state_dict({k: tt.tensor(v) for k, v in weights.items()})
        super().__init__(config, model, x, y, seed)


BENCHMARK = Benchmark(
    {"tinytorch": TinytorchRun, "numpy": NumpyRun, "pytorch": TorchRun},
    lambda seed, x: initial_weights(seed),
    GOALS,
    ACCURACY_GOAL,
)


def format_report(results: dict) -> str:
    what = (
        f"MNIST {results['n_train']} train / {results['n_test']} test, 1x28x28 "
        f"standardized float32, LeNet-5 ({results['params']:,} parameters)"
    )
    lines = report_header(results, what)
    for c in results["configs"]:
        lines += report_config(c["config"]["name"], c) + [""]
    return "\n".join(lines + report_notes(results))


def main(args: Any) -> int:
    data = splits.mnist_images()[:4]
    results = collect(BENCHMARK, CONFIGS, data, args, quick_images=3000)
    results["params"] = sum(p.numel() for p in lenet5().parameters())
    default = Path(__file__).with_name("results_lenet.json")
    out = args.out or (None if args.quick else default)
    finish(results, format_report(results), out)
    return 0


if __name__ == "__main__":
    sys.exit(main(ARGS))
