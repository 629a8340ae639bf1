"""The exercises of book/modules/13_transformers.md, done as a student would."""

from __future__ import annotations

import tinytorch as torch
from tinytorch import nn
from tinytorch.models import GPT, GPTConfig


def test_layer_norm_forgets_the_scale() -> None:
    torch.manual_seed(0)
    norm = nn.LayerNorm(128)
    x = torch.randn(4, 128)
    with torch.no_grad():
        assert torch.allclose(norm(x * 1000 + 7), norm(x), atol=1e-4)


def test_the_residual_stream_carries_the_gradient() -> None:
    torch.manual_seed(0)
    block = nn.TransformerBlock(d_model=16, nhead=2)
    with torch.no_grad():
        for layer in (block.attn.out_proj, block.mlp[2]):
            layer.weight.zero_()
            layer.bias.zero_()
    x = torch.randn(2, 6, 16, requires_grad=True)
    block(x).sum().backward()
    assert torch.equal(x.grad, torch.ones_like(x))  # straight down the sum
    assert block.mlp[2].weight.grad.abs().sum().item() > 0  # the zeroed layer learns
    assert block.attn.out_proj.weight.grad.abs().sum().item() > 0
    assert block.mlp[0].weight.grad.abs().sum().item() == 0  # behind a zero layer


def count(config: GPTConfig) -> int:
    return sum(p.numel() for p in GPT(config).parameters())


def test_one_more_block_costs_twelve_d_squared() -> None:
    d = 32
    small = GPTConfig(vocab_size=20, block_size=16, n_layer=2, n_head=4, n_embd=d)
    large = GPTConfig(vocab_size=20, block_size=16, n_layer=3, n_head=4, n_embd=d)
    assert count(large) - count(small) == 12 * d * d + 13 * d


def test_layer_norm_ignores_the_batch_batch_norm_does_not() -> None:
    torch.manual_seed(0)
    x = torch.randn(8, 16) * 3 + 1
    layer, batch = nn.LayerNorm(16), nn.BatchNorm1d(16)
    with torch.no_grad():
        assert torch.allclose(layer(x[:2])[0], layer(x)[0])
        assert not torch.allclose(batch(x[:2])[0], batch(x)[0])


def test_a_gpt_never_reads_ahead() -> None:
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=20, block_size=16, n_layer=2, n_head=2, n_embd=16))
    tokens = torch.randint(0, 20, (1, 10))
    changed = tokens.clone()
    changed[0, 6:] = (changed[0, 6:] + 1) % 20  # rewrite the last four tokens
    with torch.no_grad():
        before, after = model(tokens), model(changed)
    assert torch.allclose(before[:, :6], after[:, :6], atol=1e-6)
    assert not torch.allclose(before[:, 6:], after[:, 6:])
