"""Milestone 06 (2018), part 3: generation, with a KV cache and in batches.

The GPT of milestone 05 writes greedily from held-out JourneyTalks prompts of each
length in CONTEXTS, NEW_TOKENS new characters each, with its KV cache and without
(every step recomputing the whole context): the seconds per generated token, the
speed-up, and whether the tokens are the same, greedy and sampled with one seed.
Then with the cache, BATCHES prompts of BATCH_PROMPT characters at once: tokens per
second against the batch size. Each measurement is the best of ROUNDS rounds, the
rounds interleaved (the cache first, then last) so that a busy moment of the
machine slows both sides alike.

The model is trained as milestone 05 trains it, with its recipe and its block of
128 characters (or its result reused, `trained=`), then grown to a block of BLOCK:
the trained weights, the position embeddings it learned for its 128 positions, the
rest as GPT initialises them. Training at the larger block itself costs about
twenty times as long per epoch on a 2-core machine (its quick run: over a minute);
the positions beyond 128 are untrained, which changes what is written there, not
what a token costs or whether the cache gives the same tokens.

    python milestones/06_2018_mlperf/03_generation_opts.py [--epochs 30]
        [--seed 0] [--quick] [--quiet] [--validation]

--epochs, --lr and --batch-size set the GPT's training (by default milestone 05's).
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

import tinytorch as tt
from tinytorch.models import GPT

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root
from milestones import load, splits  # noqa: E402
from milestones.cli import main  # noqa: E402
from milestones.results import Goal  # noqa: E402

NAME = "2018 MLPerf: generation"
TRAINS = "05_2017_transformer/01_vaswani_generation"  # the script that trains the GPT
EXPECTED = {"cache_speedup_256": (12.0, 40.0, "12-40× faster generation")}


def _goals(quick: bool) -> tuple[Goal, ...]:
    return (Goal("tokens_differing", low=0, high=0, quick=quick),
            Goal("cache_speedup_256", low=10.0, quick=quick))  # timed: never tested


GOALS = _goals(quick=False) + _goals(quick=True)
SETTINGS = load(TRAINS).SETTINGS  # the GPT's training
BLOCK = 512  # positions of the grown GPT: a 256-token prompt and its new tokens
CONTEXTS = (16, 32, 64, 128, 256)  # prompt lengths, in characters
NEW_TOKENS = 64  # generated per prompt
BATCHES = (1, 2, 4, 8, 16)  # prompts generated at once, with the cache
BATCH_PROMPT = 64  # characters of each prompt of a batch
ROUNDS = 3  # of every measurement; the best is kept


def grown(model: GPT, block_size: int) -> GPT:
    """`model` with room for `block_size` positions: its weights, the position
    embeddings of its own block, the others as GPT initialises them."""
    if block_size < model.config.block_size:
        raise ValueError(f"grown: block_size {block_size} is smaller than the "
                         f"model's {model.config.block_size}; pass a larger one")
    bigger = GPT(replace(model.config, block_size=block_size))
    positions = bigger.wpe.weight.detach().clone()
    positions[: model.config.block_size] = model.wpe.weight.detach()
    bigger.load_state_dict(model.state_dict() | {"wpe.weight": positions})
    return bigger


def _timed(model: GPT, prompt: tt.Tensor, **options: Any) -> tuple[np.ndarray, float]:
    """The generated ids and the seconds the call took."""
    start = time.perf_counter()
    ids = model.generate(prompt, NEW_TOKENS, **options).numpy()
    return ids, time.perf_counter() - start


def cache_speedups(model: GPT, prompts: tt.Tensor, seed: int) -> dict[str, Any]:
    """Seconds per generated token with and without the cache for each length of
    CONTEXTS (the first row of `prompts`, cut), and the tokens that differ."""
    best = {(n, cache): np.inf for n in CONTEXTS for cache in (True, False)}
    differing = 0
    for r in range(ROUNDS):
        for n in CONTEXTS:
            ids = {}
            for cache in (True, False) if r % 2 == 0 else (False, True):
                ids[cache], seconds = _timed(model, prompts[:1, :n], top_k=1,
                                             use_cache=cache)
                best[n, cache] = min(best[n, cache], seconds / NEW_TOKENS)
            differing += int((ids[True] != ids[False]).sum())
    for n in CONTEXTS:  # sampled: the same draws must pick the same tokens
        sampled = []
        for cache in (True, False):
            tt.manual_seed(seed)
            sampled.append(model.generate(prompts[:1, :n], NEW_TOKENS,
                                          use_cache=cache).numpy())
        differing += int((sampled[0] != sampled[1]).sum())
    cached = [best[n, True] for n in CONTEXTS]
    recomputed = [best[n, False] for n in CONTEXTS]
    return {"contexts": list(CONTEXTS), "cached_seconds": cached,
            "recomputed_seconds": recomputed,
            "speedups": [b / a for a, b in zip(cached, recomputed, strict=True)],
            "tokens_differing": differing}


def batch_throughput(model: GPT, prompts: tt.Tensor) -> dict[str, Any]:
    """Tokens per second with the cache for each batch size of BATCHES, the first
    rows of `prompts` cut to BATCH_PROMPT characters."""
    if len(prompts) < max(BATCHES):
        raise ValueError(f"batch_throughput: {len(prompts)} prompts, fewer than the "
                         f"largest batch, {max(BATCHES)}")
    best = dict.fromkeys(BATCHES, np.inf)
    for r in range(ROUNDS):
        for size in BATCHES if r % 2 == 0 else BATCHES[::-1]:
            _, seconds = _timed(model, prompts[:size, :BATCH_PROMPT], top_k=1)
            best[size] = min(best[size], seconds)
    return {"batch_sizes": list(BATCHES),
            "tokens_per_second": [size * NEW_TOKENS / best[size] for size in BATCHES]}


def run(quick: bool = False, quiet: bool = True, seed: int = 0,
        trained: dict[str, Any] | None = None, validation: bool = False,
        **overrides: Any) -> dict[str, Any]:
    """Train (or reuse) milestone 05's GPT, grow its block, time its generation."""
    source = load(TRAINS)
    if trained is None:
        trained = source.run(quick=quick, quiet=quiet, seed=seed,
                             validation=validation, **overrides)
    elif trained.get("name") != source.NAME:
        raise ValueError(f"trained is a result of {trained.get('name')!r}, not of "
                         f"{source.NAME!r}, the script that trains the GPT")
    tt.manual_seed(seed)  # the untrained positions' initialisation
    model = grown(trained["model"], BLOCK)
    _, _, prompts, _ = splits.journeytalks(seed, block_size=max(CONTEXTS)).tensors()
    cache = cache_speedups(model, prompts, seed)
    batching = batch_throughput(model, prompts)
    result = trained | cache | batching | {
        "name": NAME, "model": model, "block_size": BLOCK, "new_tokens": NEW_TOKENS,
        "rounds": ROUNDS, "params": sum(p.numel() for p in model.parameters()),
        "cache_speedup_256": cache["speedups"][CONTEXTS.index(256)],
        "batch_speedup": (batching["tokens_per_second"][-1]
                          / batching["tokens_per_second"][0]),
    }
    if not quiet:
        Console().print(generation_table(result))
    return result


def generation_table(result: dict[str, Any]) -> Table:
    """Milliseconds per token with and without the cache, per context; tokens per
    second per batch size."""
    table = Table(title=f"generation: {result['new_tokens']} new tokens per prompt",
                  caption=f"best of {result['rounds']} interleaved rounds")
    for column in ("prompt", "ms/token, cache", "ms/token, recompute", "speed-up"):
        table.add_column(column, justify="right")
    for n, a, b, ratio in zip(result["contexts"], result["cached_seconds"],
                              result["recomputed_seconds"], result["speedups"],
                              strict=True):
        table.add_row(f"{n} tokens", f"{a * 1e3:.3f}", f"{b * 1e3:.3f}",
                      f"{ratio:.1f}×")
    table.add_section()
    for size, rate in zip(result["batch_sizes"], result["tokens_per_second"],
                           strict=True):
        table.add_row(f"batch {size}", "", "", f"{rate:,.0f} tokens/s")
    return table


if __name__ == "__main__":
    main(run, EXPECTED, GOALS, SETTINGS)
