"""The side-by-side harness the benchmarks share: implementations trained epoch by
epoch in turn, the order rotating, so that load from elsewhere hits them alike; the
ratios of paired epochs; the machine; results written whole."""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any, Protocol

import numpy as np
from options import THREAD_VARIABLES
from threadpoolctl import threadpool_info

from tinytorch.files import write_atomically
from tinytorch.perf.benchmark import paired_ratios, rotation

DISTURBED_CPU_SHARE = 0.9  # an epoch with CPU time under 90 % of its wall time waited
DISTURBED_SPREAD = 1.5  # max / min epoch time of one implementation in one config


class Run(Protocol):
    """One implementation in training: an epoch in a given order, its accuracy."""

    def epoch(self, order: np.ndarray) -> tuple[float, float]: ...

    def accuracy(self, x: np.ndarray, y: np.ndarray) -> float: ...


def epoch_orders(n: int, epochs: int, seed: int) -> list[np.ndarray]:
    """Each epoch's sample order: what DataLoader(shuffle=True,
    generator=Generator().manual_seed(seed)) draws."""
    rng = np.random.default_rng(seed)
    return [rng.permutation(n) for _ in range(epochs)]


def run_interleaved(
    impls: tuple[str, ...],
    start: Callable[[str, int], Run],
    n_train: int,
    test: tuple[np.ndarray, np.ndarray],
    rounds: int,
    epochs: int,
    seed: int,
    log: Callable[[str], None],
) -> dict[str, dict[str, list[float]]]:
    """Rounds of fresh runs (`start(impl, round_seed)`); in each, every epoch trains
    each implementation once, the order rotating (A B C, B C A, C A B, ...)."""
    keys = ("seconds", "cpu", "loss", "accuracy")
    measured = {impl: {key: [] for key in keys} for impl in impls}
    load = []
    for r in range(rounds):
        runs = {impl: start(impl, seed + r) for impl in impls}
        for e, order in enumerate(epoch_orders(n_train, epochs, seed + r)):
            for impl in rotation(impls, r * epochs + e):
                wall, cpu = time.perf_counter(), time.process_time()
                loss, _ = runs[impl].epoch(order)
                measured[impl]["seconds"].append(time.perf_counter() - wall)
                measured[impl]["cpu"].append(time.process_time() - cpu)
                measured[impl]["loss"].append(loss)
            load.append(os.getloadavg()[0])
        for impl in impls:
            measured[impl]["accuracy"].append(runs[impl].accuracy(*test))
        log(
            f"  round {r + 1}/{rounds}: "
            + ", ".join(
                f"{impl} {median(measured[impl]['seconds'][-epochs:]):.3f} s"
                for impl in impls
            )
        )
    measured["load"] = {"average": load}
    return measured


@dataclass(frozen=True)
class Benchmark:
    """What a benchmark compares: its implementations, the initial weights every one
    of them starts from in a round (from the round's seed and the training images),
    and its goals."""

    runners: dict[str, Callable[..., Run]]
    initial_weights: Callable[[int, np.ndarray], dict[str, np.ndarray]]
    goals: dict[str, float]  # tinytorch's epoch at most this times each other's
    accuracy_goal: float  # percentage points between any two implementations


def measure(
    bench: Benchmark,
    config: Any,
    impls: tuple[str, ...],
    data: tuple,
    rounds: int,
    epochs: int,
    seed: int,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """One configuration: every implementation from the same weights each round,
    interleaved, summarized, under the configuration's name."""
    x, y, x_test, y_test = data

    def start(impl: str, round_seed: int) -> Run:
        weights = bench.initial_weights(round_seed, x)
        return bench.runners[impl](config, weights, x, y, round_seed)

    measured = run_interleaved(
        impls, start, len(x), (x_test, y_test), rounds, epochs, seed, log
    )
    result = summarize(measured, bench.goals, bench.accuracy_goal)
    return {"config": config.__dict__ | {"name": config.name}, **result}


def collect(
    bench: Benchmark, configs: tuple, data: tuple, args: Any, quick_images: int
) -> dict[str, Any]:
    """Every configuration in turn, logged as it runs, with the machine and the
    schedule: a smoke run (--quick) on the first `quick_images` images, one round of
    one epoch. PyTorch joins if it is installed and wanted."""
    rounds, epochs, n = (
        (1, 1, quick_images) if args.quick else (args.rounds, args.epochs, None)
    )
    torch, why = load_torch(args.threads, not args.no_torch)
    impls = tuple(k for k in bench.runners if k != "pytorch" or torch is not None)
    x, y, x_test, y_test = data
    x, y = x[:n], y[:n]
    results: dict[str, Any] = {
        "machine": machine_info(args.threads),
        "commit": git_commit(),
        "torch": why if torch is None else
        f"{torch.__version__}, {torch.get_num_threads()} thread(s)",
        "n_train": len(x), "n_test": len(x_test), "rounds": rounds, "epochs": epochs,
        "configs": [],
    }  # fmt: skip
    print(f"PyTorch {results['torch']}", flush=True)
    for config in configs:
        print(config.name, flush=True)
        results["configs"].append(
            measure(bench, config, impls, (x, y, x_test, y_test), rounds, epochs,
                    args.seed, lambda line: print(line, flush=True))
        )  # fmt: skip
    return results


def finish(results: dict[str, Any], report: str, out: Path | None) -> None:
    """Print the report; write the results as JSON unless `out` is None."""
    print()
    print(report)
    if out is not None:
        write_results(out, results)
        print(f"\nwrote {out}")


def summarize(
    measured: dict[str, Any], goals: dict[str, float], accuracy_goal: float
) -> dict[str, Any]:
    """Per implementation the median epoch and its spread; per other implementation
    the median of tinytorch's paired per-epoch ratios against it, and the goals."""
    load = measured.pop("load")["average"]
    impls = tuple(measured)
    share = {
        k: [
            c / w
            for c, w in zip(measured[k]["cpu"], measured[k]["seconds"], strict=True)
        ]
        for k in impls
    }
    quiet = [
        all(share[k][i] >= DISTURBED_CPU_SHARE for k in impls)
        for i in range(len(share[impls[0]]))
    ]
    result: dict[str, Any] = {"impls": {}, "ratios": {}}
    for k, m in measured.items():
        result["impls"][k] = {
            "epoch_seconds": m["seconds"], "epoch_cpu_seconds": m["cpu"],
            "median": median(m["seconds"]), "median_cpu": median(m["cpu"]),
            "min": min(m["seconds"]), "max": max(m["seconds"]),
            "disturbed_epochs": sum(s < DISTURBED_CPU_SHARE for s in share[k]),
            "test_accuracy": m["accuracy"], "final_train_loss": m["loss"][-1],
        }  # fmt: skip
    ours = measured[impls[0]]
    for other in impls[1:]:
        paired = paired_ratios(ours["seconds"], measured[other]["seconds"])
        by_cpu = paired_ratios(ours["cpu"], measured[other]["cpu"])
        calm = [r for r, q in zip(paired, quiet, strict=True) if q]
        result["ratios"][other] = {
            "median": median(paired), "min": min(paired), "max": max(paired),
            "median_cpu": median(by_cpu),
            "median_quiet": median(calm) if calm else None,  # epochs with whole CPUs
            "quiet_epochs": len(calm), "goal": goals[other],
            "ok": median(paired) <= goals[other],
        }  # fmt: skip
    accuracies = [measured[k]["accuracy"] for k in impls]
    gap = max(
        abs(a - b) * 100
        for i, first in enumerate(accuracies)
        for second in accuracies[i + 1 :]
        for a, b in zip(first, second, strict=True)
    )
    result["accuracy"] = {
        "largest_gap_points": gap,
        "goal": accuracy_goal,
        "ok": gap <= accuracy_goal,
    }
    spread = max(v["max"] / v["min"] for v in result["impls"].values())
    disturbed = sum(v["disturbed_epochs"] for v in result["impls"].values())
    result["load_average"] = {"median": median(load), "max": max(load)}
    result["disturbed"] = bool(disturbed or spread > DISTURBED_SPREAD)
    result["disturbed_why"] = (
        f"{disturbed} epochs got under {DISTURBED_CPU_SHARE:.0%} "
        f"of a CPU; max/min epoch time up to {spread:.2f}"
    )
    return result


def blas_info() -> dict[str, Any]:
    """The BLAS numpy loaded, as threadpoolctl reports it: threads and kernel."""
    blas = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
    if not blas:
        return {"library": None, "threads": None, "kernel": None}
    lib = blas[0]
    return {
        "library": Path(lib["filepath"]).name,
        "threads": lib["num_threads"],
        "kernel": lib.get("architecture"),
    }


def machine_info(threads: int) -> dict[str, Any]:
    """CPU (with what tells its generation), cores, versions, threads, load."""
    cpu = platform.processor() or platform.machine()
    if Path("/proc/cpuinfo").exists():  # the first core's entry
        first = Path("/proc/cpuinfo").read_text().split("\n\n")[0]
        fields = {
            k.strip(): v.strip()
            for k, v in (
                line.split(":", 1) for line in first.splitlines() if ":" in line
            )
        }
        avx512 = (
            "AVX-512" if "avx512f" in fields.get("flags", "").split() else "no AVX-512"
        )
        cpu = (
            f"{fields.get('model name', cpu)} (family {fields.get('cpu family')}, "
            f"model {fields.get('model')}, {avx512}, "
            f"{fields.get('cache size', '?')} L2 per core)"
        )
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    now = datetime.datetime.now(datetime.timezone.utc)
    return {
        "measured_at": now.isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": f"{blas.get('name')} {blas.get('version')}",
        "openblas": blas_info(),
        "threads_requested": threads,
        "thread_env": {k: os.environ.get(k) for k in THREAD_VARIABLES},
        "load_average_at_start": list(os.getloadavg()),
    }


def git_commit() -> str | None:
    """The checkout's commit, -dirty when tracked files differ (None outside git)."""
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty", "--abbrev=10"],
        cwd=Path(__file__).parent,
        capture_output=True,
        text=True,
    )
    return (done.stdout.strip() or None) if done.returncode == 0 else None


def load_torch(threads: int, wanted: bool) -> tuple[Any, str | None]:
    """PyTorch pinned to `threads`, or None and the reason it is skipped."""
    if not wanted:
        return None, "skipped: --no-torch"
    try:
        import torch
    except ImportError as err:
        return (
            None,
            f"skipped: not installed ({err}); pip install torch==2.13.0 to compare",
        )
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    return torch, None


def write_results(path: Path, results: dict[str, Any]) -> None:
    """The results as JSON, whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, json.dumps(results, indent=1) + "\n")


def ratio_line(first: str, other: str, r: dict[str, Any]) -> str:
    """One paired ratio, its spread and its goal, as the reports print it."""
    calm = "none"
    if r["quiet_epochs"]:
        calm = f"{r['median_quiet']:.2f} in {r['quiet_epochs']}"
    return (
        f"time {first}/{other:9} {r['median']:.2f} (range {r['min']:.2f}-"
        f"{r['max']:.2f}; by CPU time {r['median_cpu']:.2f}; quiet epochs {calm})   "
        f"goal <= {r['goal']}: {'meets' if r['ok'] else 'MISSES'}"
    )


def report_config(name: str, result: dict[str, Any]) -> list[str]:
    """The lines of one configuration: times, ratios against the goals, accuracy."""
    lines = []
    for i, (k, v) in enumerate(result["impls"].items()):
        accuracy = " ".join(f"{a * 100:.2f}" for a in v["test_accuracy"])
        lines.append(
            f"{name if i == 0 else '':36} {k:10} {v['median']:8.3f} "
            f"{v['min']:6.3f} {v['max']:6.3f} {v['median_cpu']:6.3f}  {accuracy}"
        )
    first = next(iter(result["impls"]))
    lines += [f"{'':36} {ratio_line(first, other, r)}"
              for other, r in result["ratios"].items()]
    a = result["accuracy"]
    lines.append(
        f"{'':36} test accuracy: largest gap between any two "
        f"{a['largest_gap_points']:.2f} points   goal <= {a['goal']}: "
        f"{'meets' if a['ok'] else 'MISSES'}"
    )
    state = "DISTURBED: " if result["disturbed"] else "quiet: "
    lines.append(
        f"{'':36} {state}{result['disturbed_why']}; load average median "
        f"{result['load_average']['median']:.2f}"
    )
    return lines


def report_header(results: dict[str, Any], what: str) -> list[str]:
    """The first lines of a report: machine, threads, commit, data, schedule."""
    m, blas = results["machine"], results["machine"]["openblas"]
    lines = [
        f"machine: {m['cpu']}, {m['cores']} cores; Python {m['python']}, numpy "
        f"{m['numpy']} with {m['blas']}",
        f"threads: {m['threads_requested']} requested (env {m['thread_env']}); "
        f"OpenBLAS reports {blas['threads']} thread(s), kernel {blas['kernel']}; "
        f"PyTorch: {results['torch']}",
        f"tinytorch at commit {results.get('commit')}; data: {what}; "
        f"{results['rounds']} rounds x {results['epochs']} epochs per config, "
        f"interleaved epoch by epoch",
    ]
    if blas["threads"] not in (None, m["threads_requested"]):
        lines.append(
            f"WARNING: OpenBLAS runs {blas['threads']} threads, not the "
            f"{m['threads_requested']} asked for"
        )
    heading = f"{'config':36} {'impl':10} {'s/epoch':>8} {'min':>6} {'max':>6} "
    return lines + ["", heading + f"{'CPU s':>6}  test accuracy % per round"]


def report_notes(results: dict[str, Any]) -> list[str]:
    """What to make of the numbers: a smoke run, or a disturbed machine."""
    notes = []
    if results["epochs"] * results["rounds"] < 3:
        notes.append(
            "A smoke run (one short epoch each): these ratios are not a "
            "measurement; run without --quick."
        )
    if any(c["disturbed"] for c in results["configs"]):
        notes.append(
            "Some configs were DISTURBED by other load on the machine: the "
            "paired ratios still compare runs taken seconds apart, but the "
            "absolute times are inflated; rerun on a quiet machine."
        )
    return notes
