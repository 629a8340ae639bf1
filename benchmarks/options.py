"""The command line the benchmarks share, parsed before numpy loads: the BLAS thread
count is read once, when numpy loads its BLAS, so it must be in the environment
first. This module imports nothing that loads numpy."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def parse_args(
    doc: str, quick: str, rounds: int, epochs: int, argv: list[str] | None = None
) -> argparse.Namespace:
    """Options of a benchmark: `quick` says what --quick runs; rounds and epochs are
    the defaults of a full run."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"smoke run: {quick}")
    parser.add_argument(
        "--threads",
        type=positive,
        default=1,
        help="BLAS (and torch) threads, set before numpy loads",
    )
    parser.add_argument(
        "--rounds",
        type=positive,
        default=rounds,
        help="fresh models (new seed) per config",
    )
    parser.add_argument(
        "--epochs", type=positive, default=epochs, help="epochs per round"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--no-torch", action="store_true", help="skip PyTorch even when it is installed"
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="results JSON (default: beside the script; not for --quick)",
    )
    return parser.parse_args(argv)


def positive(text: str) -> int:
    """argparse type: a whole number >= 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def pin_threads(threads: int) -> None:
    """Put the thread count where numpy's BLAS (and torch) will read it."""
    for name in THREAD_VARIABLES:
        os.environ[name] = str(threads)
