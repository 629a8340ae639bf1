"""Exercises of book/modules/17_memoization.md, done as a student would."""

import pytest

import tinytorch as torch
from tinytorch import nn, perf
from tinytorch.models import GPT, GPTConfig

CONFIG = GPTConfig(block_size=64, vocab_size=16, n_layer=2, n_head=2, n_embd=16)


def gpt() -> GPT:
    torch.manual_seed(0)
    return GPT(CONFIG)


def generated(
    model: GPT, prompt: torch.Tensor, new: int, top_k: int | None, use_cache: bool
) -> torch.Tensor:
    torch.manual_seed(1)  # sampling draws the same random numbers both times
    return model.generate(prompt, new, top_k=top_k, use_cache=use_cache)


def test_the_cache_writes_the_same_tokens_greedy_and_sampled() -> None:
    model = gpt()
    prompt = torch.randint(0, CONFIG.vocab_size, (1, 8))
    for top_k in (1, None):
        with_cache = generated(model, prompt, 24, top_k, True)
        without = generated(model, prompt, 24, top_k, False)
        assert torch.equal(with_cache, without)


def test_past_the_block_size_the_window_slides_and_the_tokens_still_agree() -> None:
    model = gpt()
    prompt = torch.randint(0, CONFIG.vocab_size, (1, 8))
    new = CONFIG.block_size  # 8 + 64 tokens: more than the model's context
    with_cache = generated(model, prompt, new, None, True)
    assert with_cache.shape == (1, 8 + new)
    assert torch.equal(with_cache, generated(model, prompt, new, None, False))


def test_the_caches_bytes_are_keys_and_values_of_every_layer_and_position() -> None:
    model = gpt()
    caches = [nn.KVCache(CONFIG.block_size) for _ in model.blocks]
    with torch.no_grad():
        model(torch.randint(0, CONFIG.vocab_size, (1, 5)), caches)
    held = sum(c.keys.nbytes + c.values.nbytes for c in caches)
    assert held == 2 * CONFIG.n_layer * CONFIG.n_embd * 4 * CONFIG.block_size


def test_the_cache_refuses_to_run_while_gradients_are_recorded() -> None:
    model = gpt()
    caches = [nn.KVCache(CONFIG.block_size) for _ in model.blocks]
    with pytest.raises(RuntimeError, match="no_grad"):
        model(torch.randint(0, CONFIG.vocab_size, (1, 5)), caches)


def next_token_work(model: GPT, context: torch.Tensor, cached: bool) -> int:
    """The multiply-adds of the scores for the token after `context`."""
    with torch.no_grad():
        if not cached:
            with perf.profile(model) as prof:
                model(context)
            return prof.macs
        caches = [nn.KVCache(CONFIG.block_size) for _ in model.blocks]
        model(context[:, :-1], caches)
        with perf.profile(model) as prof:
            model(context[:, -1:], caches)
        return prof.macs


def test_with_the_cache_the_next_token_costs_far_less_and_grows_slowly() -> None:
    model = gpt()
    tokens = torch.randint(0, CONFIG.vocab_size, (1, 64))
    short, long = tokens[:, :16], tokens
    recomputed = [next_token_work(model, t, cached=False) for t in (short, long)]
    cached = [next_token_work(model, t, cached=True) for t in (short, long)]
    assert recomputed[1] > 3.5 * recomputed[0]  # four times the context: 4x work
    assert cached[1] < 1.5 * cached[0]  # only one query against more keys
    assert recomputed[1] > 20 * cached[1]
