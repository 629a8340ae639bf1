"""The transformer's layers and model: embeddings, layer norm, attention, the block,
the GPT and its KV cache, against numpy and gradcheck (the ops themselves are in the
registry of test_ops.py)."""

from __future__ import annotations

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import nn
from tinytorch.models import GPT, GPTConfig
from tinytorch.nn import functional as F

TINY = GPTConfig(block_size=12, vocab_size=9, n_layer=2, n_head=2, n_embd=8)


def _ids(shape: tuple[int, ...], high: int = 9, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, high, shape)


def values(t: tt.Tensor) -> np.ndarray:
    return t.detach().numpy()


# ---------------------------------------------------------------- Embedding


def test_embedding_picks_rows_and_adds_up_the_gradient_of_a_repeated_id() -> None:
    tt.manual_seed(0)
    emb = nn.Embedding(5, 3)
    ids = np.array([[4, 1, 4], [4, 0, 2]])
    out = emb(tt.tensor(ids))
    np.testing.assert_array_equal(values(out), values(emb.weight)[ids])
    grad = np.random.default_rng(1).standard_normal((2, 3, 3)).astype(np.float32)
    out.backward(tt.tensor(grad))
    expected = np.zeros((5, 3), np.float32)
    np.add.at(expected, ids.ravel(), grad.reshape(-1, 3))
    np.testing.assert_allclose(values(emb.weight.grad), expected, rtol=1e-6)
    assert emb.weight.grad[3].tolist() == [0, 0, 0]  # an unused id gets nothing


def test_the_padding_row_starts_at_zero_and_never_learns() -> None:
    emb = nn.Embedding(4, 2, padding_idx=0)
    assert emb.weight[0].tolist() == [0, 0]
    emb(tt.tensor([0, 1, 0])).sum().backward()
    assert emb.weight.grad[0].tolist() == [0, 0] and emb.weight.grad[1].tolist() == [1, 1]


@pytest.mark.parametrize(
    ("ids", "error", "match"),
    [
        (np.array([0.0, 1.0]), RuntimeError, "'indices' to have one of the following scalar types: Long, Int"),
        (np.array([0, 5]), IndexError, "index out of range in self"),
        (np.array([-1]), IndexError, "index out of range in self"),
    ],
)  # fmt: skip
def test_embedding_refuses_bad_ids(ids, error, match) -> None:
    with pytest.raises(error, match=match):
        nn.Embedding(5, 3)(tt.tensor(ids))
    with pytest.raises(TypeError, match="must be Tensor, not ndarray"):
        nn.Embedding(5, 3)(ids)


def test_embedding_weight_must_be_a_matrix() -> None:
    with pytest.raises(tt.ShapeError, match="'weight' must be 2-D"):
        F.embedding(tt.tensor([0]), tt.tensor(np.ones(3)))


# ---------------------------------------------------------------- LayerNorm


def test_layer_norm_module_normalises_each_position_and_learns_scale_and_shift() -> (
    None
):
    x = tt.tensor(np.random.default_rng(0).standard_normal((2, 3, 4)) * 5 + 2)
    norm = nn.LayerNorm(4)
    y = values(norm(x))
    np.testing.assert_allclose(y.mean(axis=-1), 0, atol=1e-5)
    np.testing.assert_allclose(y.var(axis=-1), 1, atol=1e-3)
    assert [p.shape for p in norm.parameters()] == [(4,), (4,)]
    assert repr(norm) == "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)"
    assert list(nn.LayerNorm(4, elementwise_affine=False).parameters()) == []


def test_layer_norm_gradients_against_central_differences() -> None:
    norm = nn.LayerNorm((2, 3)).double()
    x = tt.tensor(
        np.random.default_rng(2).standard_normal((4, 2, 3)),
        dtype=np.float64,
        requires_grad=True,
    )
    with tt.no_grad():
        norm.weight[...] = np.arange(6).reshape(2, 3) / 3
    assert tt.gradcheck(
        lambda a, w, b: F.layer_norm(a, (2, 3), w, b, 1e-5), [x, norm.weight, norm.bias]
    )


def test_layer_norm_with_a_bias_but_no_weight() -> None:
    x = np.random.default_rng(3).standard_normal((2, 4)).astype(np.float32)
    bias = tt.tensor([1.0, 2.0, 3.0, 4.0])
    plain = values(F.layer_norm(tt.tensor(x), 4))
    np.testing.assert_allclose(
        values(F.layer_norm(tt.tensor(x), 4, bias=bias)), plain + values(bias), rtol=1e-6
    )


def test_layer_norm_names_shapes_that_do_not_fit() -> None:
    with pytest.raises(tt.ShapeError, match=r"Given normalized_shape=\[5\], expected input with shape \[\*, 5\], but got input of size\[2, 4\]"):
        F.layer_norm(tt.tensor(np.ones((2, 4))), 5)
    with pytest.raises(tt.ShapeError, match=r"but got weight of shape \[3\]"):
        F.layer_norm(tt.tensor(np.ones((2, 4))), 4, tt.tensor(np.ones(3)))


# ---------------------------------------------------------------- attention


def test_attention_masks_agree_boolean_float_and_causal() -> None:
    rng = np.random.default_rng(4)
    q, k, v = (tt.tensor(rng.standard_normal((2, 3, 5, 4))) for _ in range(3))
    allowed = np.tri(5, dtype=bool)
    causal = values(F.scaled_dot_product_attention(q, k, v, is_causal=True))
    boolean = values(F.scaled_dot_product_attention(q, k, v, tt.tensor(allowed)))
    additive = values(F.scaled_dot_product_attention(q, k, v, tt.tensor(np.where(allowed, 0.0, -1e9))))
    np.testing.assert_allclose(boolean, causal, rtol=1e-6)
    np.testing.assert_allclose(additive, causal, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(causal[..., 0, :], values(v)[..., 0, :], rtol=1e-6)  # sees itself only


def test_attention_refuses_a_mask_and_causal_together_and_bad_shapes() -> None:
    x = tt.tensor(np.ones((1, 2, 3)))
    with pytest.raises(RuntimeError, match="Explicit attn_mask should not be set when is_causal=True"):
        F.scaled_dot_product_attention(x, x, x, tt.ones(2, 2, dtype=tt.bool), is_causal=True)
    with pytest.raises(tt.ShapeError, match=r"query \(1, 2, 3\), key \(1, 2, 4\)"):
        F.scaled_dot_product_attention(x, tt.tensor(np.ones((1, 2, 4))), x)


def test_causal_self_attention_never_looks_ahead() -> None:
    tt.manual_seed(5)
    attn = nn.CausalSelfAttention(8, 2)
    x = np.random.default_rng(5).standard_normal((2, 6, 8)).astype(np.float32)
    changed = x.copy()
    changed[:, 4:] += 10  # the future of positions 0..3
    before, after = values(attn(tt.tensor(x))), values(attn(tt.tensor(changed)))
    np.testing.assert_allclose(after[:, :4], before[:, :4], rtol=1e-5, atol=1e-6)
    assert not np.allclose(after[:, 4:], before[:, 4:])
    weights = attn.weights(tt.tensor(x))
    assert weights.shape == (2, 2, 6, 6)
    np.testing.assert_allclose(weights.sum(axis=-1), 1, rtol=1e-5)
    assert (np.triu(weights, k=1) == 0).all()


def test_causal_self_attention_checks_its_settings_and_input() -> None:
    with pytest.raises(
        ValueError, match="embed_dim 6 must be divisible by num_heads 4"
    ):
        nn.CausalSelfAttention(6, 4)
    with pytest.raises(
        tt.ShapeError, match=r"must be \(batch, time, 8\), got \(2, 8\)"
    ):
        nn.CausalSelfAttention(8, 2)(tt.tensor(np.ones((2, 8))))


def test_transformer_block_gradients_against_central_differences() -> None:
    tt.manual_seed(6)
    block = nn.TransformerBlock(4, 2).double()
    x = tt.tensor(
        np.random.default_rng(6).standard_normal((2, 3, 4)),
        dtype=np.float64,
        requires_grad=True,
    )
    params = list(block.parameters())

    def f(x, *weights):
        return block(x)

    assert tt.gradcheck(f, [x, *params[:6]])


def test_kv_cache_checks_capacity_and_grad_mode() -> None:
    cache = nn.KVCache(3)
    k = tt.tensor(np.ones((1, 1, 2, 4)))
    with pytest.raises(RuntimeError, match="no_grad"):
        cache.update(k, k)
    with tt.no_grad():
        keys, _ = cache.update(k, k)
        assert keys.shape == (1, 1, 2, 4) and cache.length == 2
        with pytest.raises(
            ValueError, match="2 positions cached, 2 more exceed the capacity of 3"
        ):
            cache.update(k, k)


# ---------------------------------------------------------------- GPT


def test_gpt_scores_every_position_and_refuses_a_context_too_long() -> None:
    tt.manual_seed(7)
    model = GPT(TINY)
    assert model(_ids((3, 5))).shape == (3, 5, 9)
    with pytest.raises(ValueError, match="13 positions exceed block_size 12"):
        model(_ids((1, 13)))
    with pytest.raises(tt.ShapeError, match=r"\(batch, time\) token ids"):
        model(_ids((5,)))
    d, layers = TINY.n_embd, TINY.n_layer
    per_block = 4 * (d * d + d) + 2 * 2 * d + (d * 4 * d + 4 * d) + (4 * d * d + d)
    expected = (TINY.vocab_size + TINY.block_size) * d + layers * per_block + 2 * d
    assert sum(p.numel() for p in model.parameters()) == expected + d * TINY.vocab_size
    assert [n for n, _ in model.named_parameters()][2:4] == ["blocks.0.ln_1.weight", "blocks.0.ln_1.bias"]
    gelu = model.blocks[0].mlp[1]  # GPT-2's GELU, the tanh approximation: what the milestone trains with
    assert isinstance(gelu, nn.GELU) and gelu.approximate == "tanh"


@pytest.mark.parametrize("top_k", [1, None, 3])
def test_generation_with_the_kv_cache_gives_the_same_tokens(top_k) -> None:
    """Greedy and sampled, and past the block size, where the window slides."""
    tt.manual_seed(8)
    model = GPT(TINY)
    prompt = _ids((2, 4), seed=8)
    runs = []
    for use_cache in (True, False):
        tt.manual_seed(9)  # the same random draws for sampling
        runs.append(
            values(model.generate(prompt, 14, temperature=0.8, top_k=top_k, use_cache=use_cache))
        )
    assert runs[0].shape == (2, 18)
    np.testing.assert_array_equal(runs[0], runs[1])
    np.testing.assert_array_equal(runs[0][:, :4], prompt)


def test_the_cache_computes_the_same_scores_as_the_whole_sequence() -> None:
    tt.manual_seed(10)
    model = GPT(TINY).eval()
    ids = _ids((2, 7), seed=10)
    with tt.no_grad():
        whole = values(model(ids))
        caches = [nn.KVCache(TINY.block_size) for _ in range(TINY.n_layer)]
        parts = [values(model(ids[:, :4], caches))] + [values(model(ids[:, t : t + 1], caches)) for t in range(4, 7)]
    np.testing.assert_allclose(
        np.concatenate(parts, axis=1), whole, rtol=1e-4, atol=1e-5
    )


def test_generate_checks_its_settings_and_restores_training_mode() -> None:
    model = GPT(TINY)
    with pytest.raises(ValueError, match="temperature must be a finite number in"):
        model.generate(_ids((1, 2)), 3, temperature=0)
    with pytest.raises(ValueError, match="top_k must be an integer >= 1"):
        model.generate(_ids((1, 2)), 3, top_k=0)
    model.generate(_ids((1, 2)), 2)
    assert model.training


def test_attention_maps_are_the_weights_each_layer_used() -> None:
    tt.manual_seed(11)
    model = GPT(TINY)
    maps = model.attention_maps(_ids((1, 6), seed=11))
    assert len(maps) == TINY.n_layer and maps[0].shape == (1, TINY.n_head, 6, 6)
    for weights in maps:
        np.testing.assert_allclose(weights.sum(axis=-1), 1, rtol=1e-5)


def test_a_tiny_gpt_learns_to_continue_a_repeating_pattern() -> None:
    tt.manual_seed(12)
    model = GPT(GPTConfig(block_size=8, vocab_size=4, n_layer=1, n_head=2, n_embd=16))
    optimizer = tt.optim.AdamW(model.parameters(), lr=1e-2)
    seq = np.tile([0, 1, 2, 3], 3)
    x, y = seq[None, :8], seq[None, 1:9]
    first = None
    for _ in range(60):
        loss = F.cross_entropy(model(x).reshape(-1, 4), tt.tensor(y.reshape(-1)))
        first = first if first is not None else loss.item()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.item() < first / 10
    assert model.generate(seq[None, :3], 5, top_k=1).tolist() == [
        [0, 1, 2, 3, 0, 1, 2, 3]
    ]
