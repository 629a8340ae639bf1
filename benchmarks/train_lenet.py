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
    git_commit,
    load_torch,
    machine_info,
    report_config,
    report_header,
    report_notes,
    run_interleaved,
    summarize,
    write_results,
)
from lenet_numpy import NumpyRun  # noqa: E402
from lenet_torch import TorchRun  # noqa: E402

import tinytorch as tt  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root
from milestones import load, splits  # noqa: E402

IMPLS = ("tinytorch", "numpy", "pytorch")
GOALS = {"pytorch": 0.9, "numpy": 1.25}  # tinytorch's epoch at most this times theirs
ACCURACY_GOAL = 0.3  # percentage points between any two implementations
CONFIGS = (
    Config("batch 64, Adam lr 1e-3", 64, "adam", 1e-3),
    Config("batch 128, Adam lr 1e-3", 128, "adam", 1e-3),
)
lenet5 = load("04_1998_cnn/03_lecun_mnist").lenet5


def initial_weights(seed: int) -> dict[str, np.ndarray]:
    """tinytorch's initialisation of LeNet-5: everyone starts here."""
    tt.manual_seed(seed)
    return lenet5().state_dict()


class TinytorchRun:
    """tinytorch as the milestone uses it: DataLoader, the script's LeNet-5,
    CrossEntropyLoss, an optimizer and train_epoch."""

    def __init__(
        self, config: Config, weights: dict[str, np.ndarray], x, y, seed: int
    ) -> None:
        self.model = lenet5()
        self.model.load_state_dict(weights)
        params = self.model.parameters()
        if config.optimizer == "adam":
            self.optimizer = tt.optim.Adam(params, lr=config.lr)
        else:
            self.optimizer = tt.optim.SGD(
                params, lr=config.lr, momentum=config.momentum
            )
        self.loader = tt.data.DataLoader(
            tt.data.TensorDataset(x, y), config.batch_size, shuffle=True, seed=seed
        )
        self.loss_fn = tt.nn.CrossEntropyLoss()

    def epoch(self, order: np.ndarray) -> tuple[float, float]:
        # the loader draws `order` itself from the same seed (tests/test_benchmarks.py)
        return tt.train_epoch(self.model, self.loader, self.loss_fn, self.optimizer)

    def accuracy(self, x: np.ndarray, y: np.ndarray) -> float:
        return float((tt.predict(self.model, x).argmax(axis=1) == y).mean())


RUNNERS = {"tinytorch": TinytorchRun, "numpy": NumpyRun, "pytorch": TorchRun}


def run_config(
    config: Config,
    impls: tuple[str, ...],
    data: tuple,
    rounds: int,
    epochs: int,
    seed: int,
    log: Any,
) -> dict[str, Any]:
    """One configuration, every implementation from the same weights each round."""
    x, y, x_test, y_test = data

    def start(impl: str, round_seed: int) -> Any:
        return RUNNERS[impl](config, initial_weights(round_seed), x, y, round_seed)

    measured = run_interleaved(
        impls, start, len(x), (x_test, y_test), rounds, epochs, seed, log
    )
    result = summarize(measured, GOALS, ACCURACY_GOAL)
    return {"config": config.__dict__ | {"name": config.name}, **result}


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
    rounds, epochs, n_train = (
        (1, 1, 3000) if args.quick else (args.rounds, args.epochs, None)
    )
    torch, why = load_torch(args.threads, not args.no_torch)
    impls = IMPLS if torch is not None else IMPLS[:2]
    x, y, x_test, y_test = splits.mnist_images()[:4]
    x, y = x[:n_train], y[:n_train]
    results: dict[str, Any] = {
        "machine": machine_info(args.threads),
        "commit": git_commit(),
        "torch": f"{torch.__version__}, {torch.get_num_threads()} thread(s)"
        if torch is not None
        else why,
        "n_train": len(x),
        "n_test": len(x_test),
        "params": sum(p.data.size for p in lenet5().parameters()),
        "rounds": rounds,
        "epochs": epochs,
        "configs": [],
    }
    print(f"PyTorch {results['torch']}", flush=True)
    for config in CONFIGS:
        print(config.name, flush=True)
        results["configs"].append(
            run_config(config, impls, (x, y, x_test, y_test), rounds, epochs,
                       args.seed, lambda s: print(s, flush=True))
        )  # fmt: skip
    print()
    print(format_report(results))
    default = Path(__file__).with_name("results_lenet.json")
    out = args.out or (None if args.quick else default)
    if out is not None:
        write_results(out, results)
        print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(ARGS))
