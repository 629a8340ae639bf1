"""The fused ops of a transformer block: GELU and layer norm, each one node with its
backward by hand where the composition costs too much (see each class).

Book: book/modules/13_transformers.md
"""

from __future__ import annotations

import math

import numpy as np

from ..autograd import Function

_C = math.sqrt(2 / math.pi)  # GELU's tanh approximation: tanh(_C (x + _A x^3))
_A = 0.044715


class GELU(Function):
    """x Φ(x) in its tanh approximation, 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))).
    Fused and computed in place: composed, its eight nodes took an eighth of a GPT
    training step (x ** 3 alone is ~100x slower than x * x * x in float32 numpy)."""

    def forward(ctx, a):
        half = np.square(a, out=np.empty_like(a))  # an array even when 0-d
        half *= _C * _A
        half += _C
        half *= a
        np.tanh(half, out=half)
        half *= 0.5
        half += 0.5  # h = (1 + tanh(u)) / 2, and the output is a h
        ctx.save_for_backward(a, half)
        return a * half

    def backward(ctx, grad):
        # d(a h)/da = h + a h' = h + 2 a u' h (1 - h), with u' = C (1 + 3 A a^2)
        a, half = ctx.saved_tensors
        slope = np.square(a, out=np.empty_like(a))
        slope *= 6 * _C * _A
        slope += 2 * _C
        slope *= a
        slope *= half
        slope *= np.subtract(1, half, out=np.empty_like(half))
        slope += half
        slope *= grad
        return (slope,)


class LayerNorm(Function):
    """(a - mean) / sqrt(var + eps) over the last `dims` axes, times weight, plus
    bias. Fused: composed, its nine nodes cost more than the attention around them.
    Row means are products with a column of 1/n: BLAS beats numpy's reduction over a
    short last axis about 5x."""

    def forward(ctx, a, weight=None, bias=None, *, dims: int, eps: float):
        n = int(np.prod(a.shape[a.ndim - dims :]))
        rows = a.reshape(-1, n)
        ctx.average = np.full((n, 1), 1 / n, a.dtype)
        normed = rows - rows @ ctx.average
        # the variance, then 1 / sqrt of it (einsum: a row's dot product, no temporary)
        rstd = np.einsum("ij,ij->i", normed, normed)[:, None]
        rstd *= 1 / n
        rstd += eps
        np.reciprocal(np.sqrt(rstd, out=rstd), out=rstd)
        normed *= rstd
        ctx.shape = a.shape
        ctx.save_for_backward(normed, rstd, weight)
        out = normed if weight is None else normed * weight.reshape(-1)
        if bias is not None:
            out = (
                out + bias.reshape(-1)
                if weight is None
                else np.add(out, bias.reshape(-1), out=out)
            )
        return out.reshape(a.shape)

    def backward(ctx, grad):
        (normed, rstd, weight), needs = ctx.saved_tensors, ctx.needs_input_grad
        average = ctx.average
        grad = grad.reshape(normed.shape)
        grads = [None] * len(needs)
        if needs[0]:  # rstd (g - mean(g) - normed mean(g normed)), in place in g
            g = grad.copy() if weight is None else grad * weight.reshape(-1)
            mean_gn = np.einsum("ij,ij->i", g, normed)[:, None]
            mean_gn *= 1 / len(average)
            g -= g @ average
            g -= normed * mean_gn
            g *= rstd
            grads[0] = g.reshape(ctx.shape)
        if len(needs) > 1 and needs[1]:
            grads[1] = np.einsum("ij,ij->j", grad, normed).reshape(weight.shape)
        if len(needs) > 2 and needs[2]:
            grads[2] = (np.ones(len(grad), grad.dtype) @ grad).reshape(weight.shape)
        return grads
