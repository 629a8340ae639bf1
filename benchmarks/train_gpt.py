"""Time the GPT training step (batch 32, context 64, d_model 128, 4 heads, 2 layers)
in tinytorch, a hand-written numpy forward/backward and PyTorch eager, side by side
in one run; then tinytorch's generation with and without its KV cache.

    python benchmarks/train_gpt.py            # the full run: writes results_gpt.json
    python benchmarks/train_gpt.py --quick    # a smoke run, writes nothing

Training: all three start from tinytorch's GPT initialisation, see the same windows
of JourneyTalks text in the same order (an "epoch" is 10 steps of 32 windows) and
train epoch by epoch in turn, the order rotating (harness.py); ratios are medians
of paired epochs. Generation: the same model sizes with a 512-token block, 64 new
tokens after a 64- and a 256-token prompt, greedy, with the cache and without (every
step recomputing the whole context), interleaved; both must give the same tokens.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from statistics import median
from typing import Any

from options import parse_args, pin_threads

if __name__ == "__main__":
    ARGS = parse_args(__doc__, "1 round of 2 epochs", rounds=3, epochs=6)
    pin_threads(ARGS.threads)  # read once, when numpy loads BLAS

import numpy as np  # noqa: E402
from gpt_numpy import NumpyRun  # noqa: E402
from gpt_torch import TorchRun  # noqa: E402
from harness import (  # noqa: E402
    git_commit,
    load_torch,
    machine_info,
    ratio_line,
    report_header,
    report_notes,
    run_interleaved,
    summarize,
    write_results,
)

import tinytorch as tt  # noqa: E402
from tinytorch.datasets import load_journeytalks  # noqa: E402
from tinytorch.models import GPT, GPTConfig  # noqa: E402
from tinytorch.nn import functional as F  # noqa: E402
from tinytorch.tokenizers import CharTokenizer  # noqa: E402

IMPLS = ("tinytorch", "numpy", "pytorch")
GOALS = {"pytorch": 0.9, "numpy": 1.25}  # tinytorch's step at most this times theirs
ACCURACY_GOAL = 1.0  # percentage points of next-character accuracy between any two
CACHE_GOAL = 10.0  # KV-cache generation at least this many times faster per token
BATCH, CONTEXT, WINDOWS = 32, 64, 320  # 10 steps an epoch
MODEL = dict(n_layer=2, n_head=4, n_embd=128)
LR = 1e-3
TOKENIZER = CharTokenizer("\n" + "".join(map(chr, range(32, 127))))


def windows(text: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` windows of CONTEXT + 1 characters at seeded offsets: inputs, targets."""
    ids = TOKENIZER.encode(text)
    starts = np.random.default_rng(seed).integers(0, len(ids) - CONTEXT - 1, n)
    rows = np.stack([ids[s : s + CONTEXT + 1] for s in starts])
    return rows[:, :-1], rows[:, 1:]


def corpus_text() -> tuple[str, str]:
    train, test = load_journeytalks()
    return "".join(t.text() for t in train), "".join(t.text() for t in test)


def build_tinytorch(seed: int, block_size: int = CONTEXT) -> GPT:
    tt.manual_seed(seed)
    config = GPTConfig(block_size=block_size, vocab_size=TOKENIZER.vocab_size, **MODEL)
    return GPT(config)


def next_token_loss(logits: tt.Tensor, targets: tt.Tensor) -> tt.Tensor:
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


class TinytorchRun:
    """tinytorch as the book uses it: DataLoader, the GPT, AdamW, train_epoch."""

    def __init__(self, state, n_head, lr, x, y, batch_size, seed) -> None:
        vocab, width = state["wte.weight"].shape
        layers = len({k.split(".")[1] for k in state if k.startswith("blocks.")})
        self.model = GPT(
            GPTConfig(len(state["wpe.weight"]), vocab, layers, n_head, width)
        )
        self.model.load_state_dict({k: tt.tensor(v) for k, v in state.items()})
        self.optimizer = tt.optim.AdamW(self.model.parameters(), lr=lr)
        data = tt.utils.data.TensorDataset(tt.from_numpy(x), tt.from_numpy(y))
        shuffle = tt.Generator().manual_seed(seed)
        self.loader = tt.utils.data.DataLoader(
            data, batch_size, shuffle=True, generator=shuffle
        )

    def epoch(self, order: np.ndarray) -> tuple[float, float]:
        # the loader draws `order` itself from the same seed (tests/test_benchmarks.py)
        return tt.train_epoch(self.model, self.loader, next_token_loss, self.optimizer)

    def accuracy(self, x: np.ndarray, y: np.ndarray) -> float:
        return float((tt.predict(self.model, x).argmax(axis=-1) == y).mean())


def start_run(impl: str, seed: int, x: np.ndarray, y: np.ndarray) -> Any:
    """A fresh implementation from tinytorch's initial weights for `seed`."""
    state = {k: v.numpy() for k, v in build_tinytorch(seed).state_dict().items()}
    args = (state, MODEL["n_head"], LR, x, y, BATCH)
    if impl == "tinytorch":
        return TinytorchRun(*args, seed)
    return (NumpyRun if impl == "numpy" else TorchRun)(*args)


def generation(text: str, seed: int, rounds: int, new: int = 64) -> dict[str, Any]:
    """Seconds per generated token with and without the KV cache, interleaved."""
    model = build_tinytorch(seed, block_size=512)
    prompts = {n: tt.tensor(TOKENIZER.encode(text[:n])[None]) for n in (64, 256)}
    times: dict[str, list[float]] = {}
    same = True
    for r in range(rounds):
        for length, prompt in prompts.items():
            out = {}
            for use_cache in (True, False) if r % 2 == 0 else (False, True):
                start = time.perf_counter()
                out[use_cache] = model.generate(
                    prompt, new, top_k=1, use_cache=use_cache
                ).numpy()
                key = f"{length} {'cache' if use_cache else 'recompute'}"
                times.setdefault(key, []).append((time.perf_counter() - start) / new)
            same = same and np.array_equal(out[True], out[False])
    result: dict[str, Any] = {
        "new_tokens": new,
        "rounds": rounds,
        "identical": same,
        "seconds_per_token": times,
    }
    for length in prompts:
        ratio = median(times[f"{length} recompute"]) / median(times[f"{length} cache"])
        result[f"speedup_{length}"] = ratio
    result["ok"] = same and result["speedup_256"] >= CACHE_GOAL
    return result


def format_report(results: dict[str, Any]) -> str:
    what = (
        f"JourneyTalks windows of {CONTEXT} characters, batch {BATCH}, "
        f"d_model {MODEL['n_embd']}, {MODEL['n_head']} heads, {MODEL['n_layer']} "
        f"layers, AdamW lr {LR:g}; an epoch is {WINDOWS // BATCH} steps"
    )
    lines = report_header(results, what)[:-2] + [""]
    c = results["training"]
    steps = WINDOWS // BATCH
    for k, v in c["impls"].items():
        acc = " ".join(f"{a * 100:.1f}" for a in v["test_accuracy"])
        lines.append(
            f"{k:10} {v['median'] / steps * 1e3:7.1f} ms/step (min "
            f"{v['min'] / steps * 1e3:.1f}, max {v['max'] / steps * 1e3:.1f}, CPU "
            f"{v['median_cpu'] / steps * 1e3:.1f})   next-char accuracy % {acc}"
        )
    lines += [ratio_line("tinytorch", other, r) for other, r in c["ratios"].items()]
    a = c["accuracy"]
    lines.append(
        f"accuracy: largest gap {a['largest_gap_points']:.2f} points   goal <= "
        f"{a['goal']}: {'meets' if a['ok'] else 'MISSES'}"
    )
    lines.append(
        ("DISTURBED: " if c["disturbed"] else "quiet: ")
        + c["disturbed_why"]
        + f"; load average median {c['load_average']['median']:.2f}"
    )
    g = results["generation"]
    lines.append("")
    for length in (64, 256):
        cache = median(g["seconds_per_token"][f"{length} cache"]) * 1e3
        full = median(g["seconds_per_token"][f"{length} recompute"]) * 1e3
        lines.append(
            f"generation from a {length}-token prompt: {cache:.2f} ms/token with "
            f"the KV cache, {full:.2f} without: x{g[f'speedup_{length}']:.1f}"
        )
    lines.append(
        f"same tokens with and without the cache: {g['identical']}; goal x"
        f"{CACHE_GOAL:g} from 256 with identical output: "
        f"{'meets' if g['ok'] else 'MISSES'}"
    )
    return "\n".join(lines + report_notes(results | {"configs": [c]}))


def main(args: Any) -> int:
    rounds, epochs = (1, 2) if args.quick else (args.rounds, args.epochs)
    torch, why = load_torch(args.threads, not args.no_torch)
    impls = IMPLS if torch is not None else IMPLS[:2]
    train_text, test_text = corpus_text()
    x, y = windows(train_text, WINDOWS, args.seed)
    test = windows(test_text, WINDOWS, args.seed + 1)
    results: dict[str, Any] = {
        "machine": machine_info(args.threads), "commit": git_commit(),
        "torch": f"{torch.__version__}, {torch.get_num_threads()} thread(s)"
        if torch is not None else why,
        "rounds": rounds, "epochs": epochs,
    }  # fmt: skip
    print(f"PyTorch {results['torch']}", flush=True)
    measured = run_interleaved(
        impls,
        lambda impl, seed: start_run(impl, seed, x, y),
        len(x),
        test,
        rounds,
        epochs,
        args.seed,
        lambda s: print(s, flush=True),
    )
    results["training"] = summarize(measured, GOALS, ACCURACY_GOAL)
    results["generation"] = generation(test_text, args.seed, 2 if args.quick else 5)
    print()
    print(format_report(results))
    out = args.out or (
        None if args.quick else Path(__file__).with_name("results_gpt.json")
    )
    if out is not None:
        write_results(out, results)
        print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(ARGS))
