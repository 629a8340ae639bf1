"""Milestone 06 (2018), part 3: the KV cache and batched generation on milestone 05's
GPT, on its quick run (trained once per session). Tests assert the tokens and the
shape of the measurements, never a time or a speed-up."""

from __future__ import annotations

import numpy as np
import pytest
from milestone_checks import assert_goals
from test_milestone_cli import cli

import tinytorch as tt
from milestones import load
from tinytorch.models import GPT, GPTConfig

generation = load("06_2018_mlperf/03_generation_opts")
_runs: dict[str, dict] = {}


@pytest.fixture
def reused(quick_run):
    """The script's quick run on the session's quick GPT of milestone 05."""
    if "quick" not in _runs:
        trained = quick_run(generation.TRAINS)
        _runs["quick"] = generation.run(quick=True, trained=trained)
    return _runs["quick"]


def test_the_cache_gives_the_same_tokens_greedy_and_sampled(reused):
    assert reused["tokens_differing"] == 0
    assert_goals(generation, reused)  # the timed goal is left to the table


def test_the_timed_goal_is_not_asserted():
    timed = {"quick": True, "tokens_differing": 0, "cache_speedup_256": 0.0}
    assert_goals(generation, timed)
    with pytest.raises(AssertionError, match="missed its goals"):
        assert_goals(generation, timed | {"tokens_differing": 1})


def test_the_result_has_a_measurement_per_context_and_batch(reused):
    n, b = len(generation.CONTEXTS), len(generation.BATCHES)
    assert reused["contexts"] == list(generation.CONTEXTS)
    for key in ("cached_seconds", "recomputed_seconds", "speedups"):
        assert len(reused[key]) == n and all(np.isfinite(reused[key])), key
        assert all(v > 0 for v in reused[key]), key
    assert reused["batch_sizes"] == list(generation.BATCHES)
    assert len(reused["tokens_per_second"]) == b
    assert all(r > 0 for r in reused["tokens_per_second"])
    assert reused["cache_speedup_256"] == reused["speedups"][-1]
    assert reused["model"].config.block_size == generation.BLOCK
    for key in ("name", "test_data", "updates", "params", "seed", "quick"):
        assert key in reused, key


def test_growing_keeps_the_weights_and_the_learned_positions():
    tt.manual_seed(0)
    small = GPT(GPTConfig(block_size=8, vocab_size=11, n_layer=1, n_head=2, n_embd=8))
    big = generation.grown(small, 32)
    before, after = small.state_dict(), big.state_dict()
    assert after["wpe.weight"].shape == (32, 8)
    assert np.array_equal(after["wpe.weight"][:8], before["wpe.weight"])
    for name, value in before.items():
        if name != "wpe.weight":
            assert np.array_equal(after[name], value), name
    ids = tt.tensor([[3, 1, 4, 1, 5, 9, 2, 6]])
    with tt.no_grad():
        assert np.allclose(big(ids).numpy(), small(ids).numpy(), atol=1e-6)
    with pytest.raises(ValueError, match="smaller than the model's 8"):
        generation.grown(small, 4)


def test_a_result_of_another_script_is_refused():
    with pytest.raises(ValueError, match="not of '2017 GPT"):
        generation.run(quick=True, trained={"name": "something else"})


@pytest.mark.slow  # 10 s: trains the quick GPT in a fresh process
def test_the_quick_quiet_run_prints_only_the_results_table():
    done = cli("06_2018_mlperf/03_generation_opts", "--quick", "--quiet")
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and "epoch 1/" not in done.stdout
    assert "interleaved" not in done.stdout  # the generation table is not quiet
    assert "2018 MLPerf: generation" in done.stdout
    assert "tokens differing = 0" in done.stdout
