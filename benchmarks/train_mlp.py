"""Time the MNIST MLP (784-128-10) in tinytorch, a hand-written numpy loop and PyTorch, side by side in one run.

    python benchmarks/train_mlp.py            # the full run: writes benchmarks/results.json
    python benchmarks/train_mlp.py --quick    # a smoke run on 6,000 images (writes nothing unless --out is given)

All three start from tinytorch's initial weights, see the same batches in the same order (one permutation per
epoch from one seed, the one tinytorch's DataLoader draws), and train epoch by epoch in turn, the order rotating,
so that load from elsewhere hits them alike. Ratios are medians of per-epoch ratios taken seconds apart.
PyTorch is optional: without it the run says so and compares tinytorch with numpy only.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 6,000 images, 1 round of 1 epoch")
    parser.add_argument("--threads", type=int, default=1, help="BLAS (and torch) threads, pinned before import")
    parser.add_argument("--rounds", type=int, default=4, help="fresh models (new seed) per config")
    parser.add_argument("--epochs", type=int, default=5, help="epochs per round")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch even when it is installed")
    parser.add_argument("--out", type=Path, help="results JSON (default: benchmarks/results.json, not for --quick)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    ARGS = parse_args()
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(ARGS.threads)  # BLAS reads these once, when numpy loads it: so before the import

import numpy as np  # noqa: E402

import tinytorch as tt  # noqa: E402
from tinytorch.datasets import load_mnist, load_tinydigits  # noqa: E402

IMPLS = ("tinytorch", "numpy", "pytorch")
GOALS = {"pytorch": 0.8, "numpy": 1.25}  # tinytorch's time per epoch at most this times the other's
ACCURACY_GOAL = 0.3  # percentage points between any two implementations
DISTURBED_CPU_SHARE = 0.9  # an epoch whose CPU time is under 90 % of its wall time waited for the CPU
DISTURBED_SPREAD = 1.5  # max / min epoch time of one implementation in one config


@dataclass(frozen=True)
class Config:
    name: str
    batch_size: int
    optimizer: str  # "adam" or "sgd"
    lr: float
    momentum: float = 0.0


CONFIGS = (
    Config("batch 64, Adam lr 1e-3", 64, "adam", 1e-3),
    Config("batch 128, SGD lr 0.1 momentum 0.9", 128, "sgd", 0.1, 0.9),
    Config("batch 32, SGD lr 0.01", 32, "sgd", 0.01),
)


def epoch_orders(n: int, epochs: int, seed: int) -> list[np.ndarray]:
    """The sample order of each epoch: what DataLoader(shuffle=True, seed=seed) draws, one permutation per epoch."""
    rng = np.random.default_rng(seed)
    return [rng.permutation(n) for _ in range(epochs)]


def initial_weights(seed: int, sizes: tuple[int, ...] = (784, 128, 10)) -> dict[str, np.ndarray]:
    """tinytorch's initialisation for the MLP (PyTorch's U(+-1/sqrt(in))): every implementation starts here."""
    return build_tinytorch(seed, sizes).state_dict()


def build_tinytorch(seed: int, sizes: tuple[int, ...] = (784, 128, 10)) -> tt.nn.Sequential:
    tt.manual_seed(seed)
    return tt.nn.Sequential(tt.nn.Linear(sizes[0], sizes[1]), tt.nn.ReLU(), tt.nn.Linear(sizes[1], sizes[2]))


# ------------------------------------------------------------------------------------------------- tinytorch


class TinytorchRun:
    """tinytorch as the book uses it: DataLoader, nn.Sequential, CrossEntropyLoss, an optimizer and train_epoch."""

    def __init__(self, config: Config, weights: dict[str, np.ndarray], x, y, seed: int) -> None:
        w1, w2 = weights["0.weight"], weights["2.weight"]
        self.model = build_tinytorch(seed, (w1.shape[1], w1.shape[0], w2.shape[0]))
        self.model.load_state_dict(weights)
        params = self.model.parameters()
        if config.optimizer == "adam":
            self.optimizer = tt.optim.Adam(params, lr=config.lr)
        else:
            self.optimizer = tt.optim.SGD(params, lr=config.lr, momentum=config.momentum)
        self.loader = tt.data.DataLoader(tt.data.TensorDataset(x, y), config.batch_size, shuffle=True, seed=seed)
        self.loss_fn = tt.nn.CrossEntropyLoss()

    def epoch(self, order: np.ndarray) -> tuple[float, float]:
        # the loader draws `order` itself from the same seed (checked in tests/test_benchmarks.py)
        return tt.train_epoch(self.model, self.loader, self.loss_fn, self.optimizer)

    def accuracy(self, x: np.ndarray, y: np.ndarray) -> float:
        return float((tt.predict(self.model, x).argmax(axis=1) == y).mean())


# ---------------------------------------------------------------------------------------------------- numpy


class NumpyRun:
    """The reference: the loop a good student writes in plain numpy, backward by hand, textbook optimizer updates."""

    def __init__(self, config: Config, weights: dict[str, np.ndarray], x, y, seed: int) -> None:
        self.config, self.x, self.y = config, x, y
        # weights as (in, out), the usual layout of hand-written numpy (x @ W + b), transposed from tinytorch's
        self.params = [np.ascontiguousarray(weights[k].T) for k in ("0.weight", "0.bias", "2.weight", "2.bias")]
        self.m = [np.zeros_like(p) for p in self.params]  # momentum velocity, or Adam's first moment
        self.v = [np.zeros_like(p) for p in self.params]  # Adam's second moment
        self.t = 0

    def gradients(self, xb: np.ndarray, yb: np.ndarray) -> tuple[list[np.ndarray], float, int]:
        """Forward and backward of one batch: (grads in the order of params, mean loss, correct predictions)."""
        w1, b1, w2, b2 = self.params
        n = len(yb)
        h = xb @ w1 + b1
        a = np.maximum(h, 0)
        logits = a @ w2 + b2
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        rows = np.arange(n)
        loss = float(np.mean(np.log(total[:, 0]) - shifted[rows, yb]))
        d_logits = exp / total
        d_logits[rows, yb] -= 1
        d_logits /= n
        d_a = d_logits @ w2.T
        d_h = d_a * (h > 0)
        grads = [xb.T @ d_h, d_h.sum(axis=0), a.T @ d_logits, d_logits.sum(axis=0)]
        return grads, loss, int((logits.argmax(axis=1) == yb).sum())

    def update(self, grads: list[np.ndarray]) -> None:
        c = self.config
        self.t += 1
        for p, g, m, v in zip(self.params, grads, self.m, self.v, strict=True):
            if c.optimizer == "adam":
                b1, b2, eps = 0.9, 0.999, 1e-8
                m[:] = b1 * m + (1 - b1) * g
                v[:] = b2 * v + (1 - b2) * g * g
                m_hat = m / (1 - b1**self.t)
                v_hat = v / (1 - b2**self.t)
                p -= c.lr * m_hat / (np.sqrt(v_hat) + eps)
            elif c.momentum:
                m[:] = c.momentum * m + g
                p -= c.lr * m
            else:
                p -= c.lr * g

    def epoch(self, order: np.ndarray) -> tuple[float, float]:
        bs, total_loss, hits = self.config.batch_size, 0.0, 0
        for start in range(0, len(order), bs):
            idx = order[start : start + bs]
            grads, loss, correct = self.gradients(self.x[idx], self.y[idx])
            self.update(grads)
            total_loss += loss * len(idx)
            hits += correct
        return total_loss / len(order), hits / len(order)

    def accuracy(self, x: np.ndarray, y: np.ndarray) -> float:
        w1, b1, w2, b2 = self.params
        logits = [np.maximum(x[i : i + 1000] @ w1 + b1, 0) @ w2 + b2 for i in range(0, len(x), 1000)]
        return float((np.concatenate(logits).argmax(axis=1) == y).mean())


# -------------------------------------------------------------------------------------------------- PyTorch


class TorchRun:
    """PyTorch eager, written as its tutorials do, fed by indexing tensors (no torch DataLoader and its workers)."""

    def __init__(self, config: Config, weights: dict[str, np.ndarray], x, y, seed: int) -> None:
        import torch

        self.torch, self.config = torch, config
        w1, w2 = weights["0.weight"], weights["2.weight"]
        self.model = torch.nn.Sequential(
            torch.nn.Linear(w1.shape[1], w1.shape[0]), torch.nn.ReLU(), torch.nn.Linear(w2.shape[1], w2.shape[0])
        )
        self.model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in weights.items()})
        if config.optimizer == "adam":
            self.optimizer = torch.optim.Adam(self.model.parameters(), lr=config.lr)
        else:
            self.optimizer = torch.optim.SGD(self.model.parameters(), lr=config.lr, momentum=config.momentum)
        self.x, self.y = torch.from_numpy(x), torch.from_numpy(y)
        self.loss_fn = torch.nn.CrossEntropyLoss()

    def epoch(self, order: np.ndarray) -> tuple[float, float]:
        bs, total_loss, hits = self.config.batch_size, 0.0, 0
        order_t = self.torch.from_numpy(order)
        self.model.train()
        for start in range(0, len(order), bs):
            idx = order_t[start : start + bs]
            xb, yb = self.x[idx], self.y[idx]
            output = self.model(xb)
            loss = self.loss_fn(output, yb)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            total_loss += loss.item() * len(idx)
            hits += int((output.argmax(dim=1) == yb).sum())
        return total_loss / len(order), hits / len(order)

    def accuracy(self, x: np.ndarray, y: np.ndarray) -> float:
        self.model.eval()
        with self.torch.no_grad():
            out = self.model(self.torch.from_numpy(x)).numpy()
        return float((out.argmax(axis=1) == y).mean())


RUNNERS = {"tinytorch": TinytorchRun, "numpy": NumpyRun, "pytorch": TorchRun}


# ---------------------------------------------------------------------------------------------------- machine


def openblas_info() -> dict[str, Any]:
    """Ask the OpenBLAS that numpy loaded for its thread count and the kernel it picked for this CPU."""
    maps = Path("/proc/self/maps").read_text() if Path("/proc/self/maps").exists() else ""
    libs = sorted({line.split()[-1] for line in maps.splitlines() if "openblas" in line.lower() and ".so" in line})
    for path in libs:
        lib = ctypes.CDLL(path)
        for prefix, suffix in [(p, s) for p in ("scipy_openblas", "openblas") for s in ("64_", "")]:
            threads = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
            if threads is None:
                continue
            corename = getattr(lib, f"{prefix}_get_corename{suffix}")
            corename.restype = ctypes.c_char_p
            return {"library": Path(path).name, "threads": int(threads()), "kernel": corename().decode()}
    return {"library": None, "threads": None, "kernel": None}


def machine_info(threads: int) -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    if Path("/proc/cpuinfo").exists():  # the first core's entry: name, family/model (which tell the generation)
        first = Path("/proc/cpuinfo").read_text().split("\n\n")[0]
        fields = {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in first.splitlines() if ":" in line)}
        avx512 = "avx512f" in fields.get("flags", "").split()
        cpu = (
            f"{fields.get('model name', cpu)} (family {fields.get('cpu family')}, model {fields.get('model')}, "
            f"{'AVX-512' if avx512 else 'no AVX-512'}, {fields.get('cache size', '?')} L2 per core)"
        )
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": f"{blas.get('name')} {blas.get('version')}",
        "openblas": openblas_info(),
        "threads_requested": threads,
        "thread_env": {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")},
        "load_average_at_start": list(os.getloadavg()),
    }


def git_commit() -> str | None:
    """The checkout's commit, marked -dirty when tracked files differ from it (None outside a git checkout)."""
    run = subprocess.run(["git", "describe", "--always", "--dirty", "--abbrev=10"], cwd=Path(__file__).parent,
                         capture_output=True, text=True)
    return run.stdout.strip() or None if run.returncode == 0 else None


def load_torch(threads: int, wanted: bool) -> tuple[Any, str | None]:
    """PyTorch pinned to `threads`, or None and the reason it is skipped."""
    if not wanted:
        return None, "skipped: --no-torch"
    try:
        import torch
    except ImportError as err:
        return None, f"skipped: not installed ({err}); pip install torch==2.13.0 to compare"
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    return torch, None


# --------------------------------------------------------------------------------------------------- harness


def run_config(config: Config, impls: tuple[str, ...], data, rounds: int, epochs: int, seed: int, log) -> dict:
    """Rounds of fresh models; in each, every epoch trains each implementation once, the order rotating."""
    x, y, x_test, y_test = data
    times = {k: [] for k in impls}
    cpu = {k: [] for k in impls}
    accuracy = {k: [] for k in impls}
    loss = {k: [] for k in impls}
    load = []
    for r in range(rounds):
        weights = initial_weights(seed + r, (x.shape[1], 128, 10))
        runs = {k: RUNNERS[k](config, weights, x, y, seed + r) for k in impls}
        for e, order in enumerate(epoch_orders(len(x), epochs, seed + r)):
            turn = r * epochs + e
            for k in impls[turn % len(impls) :] + impls[: turn % len(impls)]:
                wall, proc = time.perf_counter(), time.process_time()
                epoch_loss, _ = runs[k].epoch(order)
                times[k].append(time.perf_counter() - wall)
                cpu[k].append(time.process_time() - proc)
                loss[k].append(epoch_loss)
            load.append(os.getloadavg()[0])
        for k in impls:
            accuracy[k].append(runs[k].accuracy(x_test, y_test))
        log(f"  round {r + 1}/{rounds}: " + ", ".join(f"{k} {median(times[k][-epochs:]):.3f} s" for k in impls))
    return summarize(config, times, cpu, accuracy, loss, load)


def summarize(config: Config, times, cpu, accuracy, loss, load) -> dict:
    impls = tuple(times)
    result: dict[str, Any] = {"config": config.__dict__ | {"name": config.name}, "impls": {}, "ratios": {}}
    share = {k: [c / w for c, w in zip(cpu[k], times[k], strict=True)] for k in impls}
    quiet = [all(share[k][i] >= DISTURBED_CPU_SHARE for k in impls) for i in range(len(times["tinytorch"]))]
    for k in impls:
        result["impls"][k] = {
            "epoch_seconds": times[k],
            "epoch_cpu_seconds": cpu[k],
            "median": median(times[k]),
            "median_cpu": median(cpu[k]),
            "min": min(times[k]),
            "max": max(times[k]),
            "disturbed_epochs": sum(s < DISTURBED_CPU_SHARE for s in share[k]),
            "test_accuracy": accuracy[k],
            "final_train_loss": loss[k][-1],
        }
    for other in impls[1:]:
        paired = [a / b for a, b in zip(times["tinytorch"], times[other], strict=True)]
        paired_cpu = [a / b for a, b in zip(cpu["tinytorch"], cpu[other], strict=True)]
        paired_quiet = [r for r, q in zip(paired, quiet, strict=True) if q]
        result["ratios"][other] = {
            "median": median(paired),
            "min": min(paired),
            "max": max(paired),
            "median_cpu": median(paired_cpu),
            "median_quiet": median(paired_quiet) if paired_quiet else None,  # epochs where all got a whole CPU
            "quiet_epochs": len(paired_quiet),
            "goal": GOALS[other],
            "ok": median(paired) <= GOALS[other],
        }
    gap = max(  # between any two implementations, in any round
        abs(a - b) * 100 for i, j in [(i, j) for i in impls for j in impls if i < j]
        for a, b in zip(accuracy[i], accuracy[j], strict=True)
    )
    result["accuracy"] = {"largest_gap_points": gap, "goal": ACCURACY_GOAL, "ok": gap <= ACCURACY_GOAL}
    spread = max(v["max"] / v["min"] for v in result["impls"].values())
    disturbed = sum(v["disturbed_epochs"] for v in result["impls"].values())
    result["load_average"] = {"median": median(load), "max": max(load)}
    result["disturbed"] = bool(disturbed or spread > DISTURBED_SPREAD)
    result["disturbed_why"] = (
        f"{disturbed} epochs got under {DISTURBED_CPU_SHARE:.0%} of a CPU; max/min epoch time up to {spread:.2f}"
    )
    return result


def tinydigits_check(seed: int) -> dict:
    """TinyDigits 64-32-10 with tinytorch's fit: the time to >= 90 % test accuracy (the goal: under a second)."""
    x, y, x_test, y_test = load_tinydigits()
    tt.manual_seed(seed)
    model = tt.nn.Sequential(tt.nn.Linear(64, 32), tt.nn.ReLU(), tt.nn.Linear(32, 10))
    optimizer = tt.optim.Adam(model.parameters(), lr=1e-2)
    loader = tt.data.DataLoader(tt.data.TensorDataset(x, y), batch_size=32, shuffle=True, seed=seed)
    test = tt.data.DataLoader(tt.data.TensorDataset(x_test, y_test), batch_size=200)
    start = time.perf_counter()
    history = tt.fit(model, loader, tt.nn.CrossEntropyLoss(), optimizer, epochs=20, test_loader=test)
    seconds = time.perf_counter() - start
    reached = next((i for i, a in enumerate(history.test_accuracy) if a >= 0.9), None)
    return {
        "model": "64-32-10, Adam lr 1e-2, batch 32, 20 epochs",
        "seconds_total": seconds,
        "seconds_training": sum(history.seconds),
        "test_accuracy": history.test_accuracy[-1],
        "epochs_to_90": None if reached is None else reached + 1,
        "seconds_to_90": None if reached is None else sum(history.seconds[: reached + 1]),
        "ok": history.test_accuracy[-1] >= 0.9 and seconds < 1.0,
    }


MNIST_SCRIPT = Path(__file__).resolve().parents[1] / "milestones" / "03_1986_mlp" / "02_rumelhart_mnist.py"
# runs the script as `python SCRIPT --quick --quiet` would, then reports VmHWM (the peak resident set); not
# getrusage's ru_maxrss, which keeps the forking parent's peak across exec
PROBE = """
import runpy, sys
script, sys.argv = sys.argv[1], [sys.argv[1], "--quick", "--quiet"]
try:
    runpy.run_path(script, run_name="__main__")
finally:
    print("VmHWM", open("/proc/self/status").read().split("VmHWM:")[1].split()[0])
"""


def peak_memory(threads: int) -> dict:
    """The MNIST milestone script's peak memory, measured in a fresh process (no PyTorch, nothing else loaded)."""
    env = os.environ | {"OPENBLAS_NUM_THREADS": str(threads), "OMP_NUM_THREADS": str(threads)}
    run = subprocess.run([sys.executable, "-c", PROBE, str(MNIST_SCRIPT)], env=env, capture_output=True, text=True)
    peaks = [line.split()[1] for line in run.stdout.splitlines() if line.startswith("VmHWM ")]
    script = f"{MNIST_SCRIPT.relative_to(MNIST_SCRIPT.parents[2])} --quick --quiet"
    if run.returncode != 0 or not peaks:
        return {"script": script, "mb": None, "error": (run.stderr or run.stdout).strip()[-500:]}
    return {"script": script, "mb": int(peaks[-1]) / 1024}


def write_atomically(path: Path, payload: dict) -> None:
    """Write JSON via a temp file in the same folder and os.replace: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(payload, f, indent=1)
            f.write("\n")
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the results from a web server
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# ---------------------------------------------------------------------------------------------------- report


def format_report(results: dict) -> str:
    m = results["machine"]
    lines = [
        f"machine: {m['cpu']}, {m['cores']} cores; Python {m['python']}, numpy {m['numpy']} with {m['blas']}",
        f"threads: {m['threads_requested']} requested (env {m['thread_env']}); OpenBLAS reports "
        f"{m['openblas']['threads']} thread(s), kernel {m['openblas']['kernel']}; "
        f"PyTorch: {results['torch']}",
        f"tinytorch at commit {results.get('commit')}; "
        f"data: MNIST {results['n_train']} train / {results['n_test']} test, 784-128-10 float32; "
        f"{results['rounds']} rounds x {results['epochs']} epochs per config, interleaved epoch by epoch",
        *(
            [f"WARNING: OpenBLAS runs {m['openblas']['threads']} threads, not the {m['threads_requested']} asked for"]
            if m["openblas"]["threads"] not in (None, m["threads_requested"])
            else []
        ),
        "",
        f"{'config':36} {'impl':10} {'s/epoch':>8} {'min':>6} {'max':>6} {'CPU s':>6}  test accuracy % per round",
    ]
    for c in results["configs"]:
        for i, (k, v) in enumerate(c["impls"].items()):
            acc = " ".join(f"{a * 100:.2f}" for a in v["test_accuracy"])
            name = c["config"]["name"] if i == 0 else ""
            lines.append(
                f"{name:36} {k:10} {v['median']:8.3f} {v['min']:6.3f} {v['max']:6.3f} {v['median_cpu']:6.3f}  {acc}"
            )
        for other, r in c["ratios"].items():
            quiet = f"{r['median_quiet']:.2f} in {r['quiet_epochs']}" if r["quiet_epochs"] else "none"
            lines.append(
                f"{'':36} time tinytorch/{other:9} {r['median']:.2f} (range {r['min']:.2f}-{r['max']:.2f}; "
                f"by CPU time {r['median_cpu']:.2f}; quiet epochs {quiet})   goal <= {r['goal']}: "
                f"{'meets' if r['ok'] else 'MISSES'}"
            )
        a = c["accuracy"]
        lines.append(
            f"{'':36} test accuracy: largest gap between any two {a['largest_gap_points']:.2f} points   "
            f"goal <= {a['goal']}: {'meets' if a['ok'] else 'MISSES'}"
        )
        state = "DISTURBED: " if c["disturbed"] else "quiet: "
        lines.append(f"{'':36} {state}{c['disturbed_why']}; load average median {c['load_average']['median']:.2f}")
        lines.append("")
    if results["epochs"] * results["rounds"] < 3:
        lines.append("A smoke run (one short epoch each): these ratios are not a measurement; run without --quick.")
    if any(c["disturbed"] for c in results["configs"]):
        lines.append(
            "Some configs were DISTURBED by other load on the machine: the paired ratios still compare runs taken "
            "seconds apart, but the absolute times are inflated; rerun on a quiet machine for clean numbers."
        )
    d = results.get("tinydigits")
    if d:
        lines.append(
            f"TinyDigits {d['model']}: {d['test_accuracy'] * 100:.1f} % test in {d['seconds_total']:.2f} s "
            f"(training {d['seconds_training']:.2f} s; >= 90 % after epoch {d['epochs_to_90']}): "
            f"{'meets' if d['ok'] else 'MISSES'} the goal (>= 90 % in under 1 s)"
        )
    memory = results.get("peak_memory")
    if memory and memory["mb"] is not None:
        lines.append(f"peak memory of {memory['script']}: {memory['mb']:.0f} MB "
                     f"({'meets' if memory['mb'] < 400 else 'MISSES'} the goal: < 400 MB)")
    elif memory:
        lines.append(f"peak memory: NOT MEASURED, {memory['script']} failed: {memory['error']}")
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    rounds, epochs, n_train = (1, 1, 6000) if args.quick else (args.rounds, args.epochs, None)
    torch, why = load_torch(args.threads, not args.no_torch)
    machine = machine_info(args.threads)
    impls = IMPLS if torch is not None else IMPLS[:2]
    x, y, x_test, y_test = load_mnist()
    x, y = x[:n_train], y[:n_train]
    results: dict[str, Any] = {
        "machine": machine,
        "commit": git_commit(),
        "torch": f"{torch.__version__}, {torch.get_num_threads()} thread(s)" if torch is not None else why,
        "n_train": len(x),
        "n_test": len(x_test),
        "rounds": rounds,
        "epochs": epochs,
        "configs": [],
    }
    print(f"PyTorch {results['torch']}", flush=True)
    for config in CONFIGS:
        print(config.name, flush=True)
        results["configs"].append(
            run_config(config, impls, (x, y, x_test, y_test), rounds, epochs, args.seed, lambda s: print(s, flush=True))
        )
    results["tinydigits"] = tinydigits_check(args.seed)
    results["peak_memory"] = None if args.quick else peak_memory(args.threads)
    print()
    print(format_report(results))
    out = args.out or (None if args.quick else Path(__file__).with_name("results.json"))
    if out is not None:
        write_atomically(out, results)
        print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(ARGS))
