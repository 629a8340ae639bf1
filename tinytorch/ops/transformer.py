"""The fused ops of a transformer block: GELU (exact, or its tanh approximation) and
layer norm, each one node with its backward by hand where the composition costs too
much (see each class).

Book: book/modules/13_transformers.md
"""

from __future__ import annotations

import math

import numpy as np

from ..autograd import Function

_C = math.sqrt(2 / math.pi)  # GELU's tanh approximation: tanh(_C (x + _A x^3))
_A = 0.044715
# The exact GELU's Φ(x) = 1 - erfc(x / √2) / 2, with erfc(y) = t Q(t) exp(-y²) and
# t = 1 / (1 + 0.4 y) for y >= 0: Abramowitz and Stegun's form (7.1.26), with a
# polynomial Q of degree 10 fitted here by least squares to Python's math.erfc,
# relative error below 7e-9 for every y (float32's precision is 6e-8; numpy has no
# erf). The coefficients are halved, and t's scale holds the 1/√2.
_T = 0.4 / math.sqrt(2)
_Q = (0.11283791629599668, 0.11283804505245668, 0.10380391662595342,
      0.08590235412713759, 0.05931016857902768, 0.04263805304311888,
      -0.024923961638450287, 0.07078823358242844, -0.1194265294799366,
      0.07099033771688618, -0.014758537264881525)  # fmt: skip
_PDF = 1 / math.sqrt(2 * math.pi)  # the normal density's factor


class GELU(Function):
    """x Φ(x), Φ the normal distribution function: exactly (approximate="none",
    PyTorch's default) or in the tanh approximation, 0.5 x (1 + tanh(√(2/π) (x +
    0.044715 x³))) (approximate="tanh", GPT-2's). Fused and computed in place:
    composed, the approximation's eight nodes took an eighth of a GPT training step
    (x ** 3 alone is ~100x slower than x * x * x in float32 numpy)."""

    def forward(ctx, a, approximate: str = "none"):
        ctx.approximate = approximate
        return (
            _tanh_forward(ctx, a) if approximate == "tanh" else _exact_forward(ctx, a)
        )

    def backward(ctx, grad):
        if ctx.approximate == "tanh":
            return (_tanh_backward(ctx, grad),)
        # d(a Φ(a))/da = Φ(a) + a φ(a), φ(a) = exp(-a²/2) / √(2π)
        a, cdf, density = ctx.saved_tensors
        slope = np.multiply(a, density, out=np.empty_like(a))
        slope *= _PDF
        slope += cdf
        slope *= grad
        return (slope,)


def _exact_forward(ctx: Function, a: np.ndarray) -> np.ndarray:
    t = np.abs(a, out=np.empty_like(a))  # an array even when 0-d
    t *= _T
    t += 1
    np.reciprocal(t, out=t)
    tail = np.multiply(t, _Q[-1], out=np.empty_like(a))
    for c in _Q[-2::-1]:  # Horner's rule, in place
        tail += c
        tail *= t
    density = np.square(a, out=t)  # t is not needed again
    density *= -0.5
    np.exp(density, out=density)  # exp(-a²/2), which φ(a) needs too
    tail *= density  # r = erfc(|a| / √2) / 2: Φ(a) = r for a < 0, 1 - r for a > 0
    np.copysign(tail, a, out=tail)
    cdf = np.subtract(~np.signbit(a), tail, out=tail)  # no 0.5 - (0.5 - r) to round
    ctx.save_for_backward(a, cdf, density)
    return a * cdf


def _tanh_forward(ctx: Function, a: np.ndarray) -> np.ndarray:
    half = np.square(a, out=np.empty_like(a))  # an array even when 0-d
    half *= _C * _A
    half += _C
    half *= a
    np.tanh(half, out=half)
    half *= 0.5
    half += 0.5  # h = (1 + tanh(u)) / 2, and the output is a h
    ctx.save_for_backward(a, half)
    return a * half


def _tanh_backward(ctx: Function, grad: np.ndarray) -> np.ndarray:
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
    return slope


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
