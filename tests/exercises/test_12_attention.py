"""The exercises of book/modules/12_attention.md, done as a student would."""

from __future__ import annotations

import tinytorch as torch
import tinytorch.nn.functional as F
from tinytorch import nn


def test_zero_queries_average_the_past() -> None:
    torch.manual_seed(0)
    positions = 6
    v = torch.randn(positions, 3)
    q = torch.zeros(positions, 4)
    k = torch.randn(positions, 4)
    out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    for i in range(positions):
        assert torch.allclose(out[i], v[: i + 1].mean(dim=0), atol=1e-6)


def test_the_future_cannot_leak_into_the_past() -> None:
    torch.manual_seed(0)
    q, k, v = (torch.randn(1, 2, 5, 4) for _ in range(3))
    k2, v2 = k.clone(), v.clone()
    k2[..., -1, :] += 10.0  # rewrite the last position
    v2[..., -1, :] -= 10.0
    for causal, unchanged in ((True, True), (False, False)):
        before = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
        after = F.scaled_dot_product_attention(q, k2, v2, is_causal=causal)
        assert torch.allclose(before[..., :-1, :], after[..., :-1, :]) is unchanged


def mean_top_weight(scale: float | None, d: int = 256) -> float:
    torch.manual_seed(0)
    q, k = torch.randn(64, d), torch.randn(64, d)
    weights = F.scaled_dot_product_attention(q, k, torch.eye(64), scale=scale)
    return weights.max(dim=-1).values.mean().item()


def test_without_the_square_root_the_softmax_saturates() -> None:
    unscaled = [mean_top_weight(1.0, d) for d in (16, 64, 256)]
    scaled = [mean_top_weight(None, d) for d in (16, 64, 256)]
    assert unscaled[0] < unscaled[1] < unscaled[2]
    assert unscaled[2] > 0.85  # nearly all of each row's weight on one key
    assert max(scaled) < 0.2  # with 1/sqrt(d), the same spread at every size


def kept_bytes(length: int) -> int:
    q, k, v = (torch.randn(1, 4, length, 16, requires_grad=True) for _ in range(3))
    node = F.scaled_dot_product_attention(q, k, v, is_causal=True).grad_fn
    weights = node.saved_tensors[3]
    assert weights.shape == (1, 4, length, length)
    return weights.nbytes


def test_doubling_the_length_quadruples_the_memory() -> None:
    assert kept_bytes(128) == 4 * kept_bytes(64)


def test_heads_cost_no_parameters() -> None:
    counts = [sum(p.numel() for p in nn.CausalSelfAttention(64, h).parameters())
              for h in (1, 4, 8)]  # fmt: skip
    assert counts == [4 * (64 * 64 + 64)] * 3
