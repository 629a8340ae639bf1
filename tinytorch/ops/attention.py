"""The attention ops: softmax, and scaled dot-product attention as one node, each
with its backward by hand, because a composition writes its (batch, heads, time, time)
scores many times over (see each class).

Book: book/modules/12_attention.md
"""

from __future__ import annotations

import numpy as np

from ..autograd import Function


class Softmax(Function):
    """exp(a - max) / sum along `axis`; backward s * (g - sum(g * s)). Fused: five
    nodes on the (batch, heads, time, time) scores otherwise."""

    def forward(ctx, a, axis: int):
        e = a - a.max(axis=axis, keepdims=True)
        np.exp(e, out=e)
        e /= e.sum(axis=axis, keepdims=True)
        ctx.save_for_backward(e)
        ctx.axis = axis
        return e

    def backward(ctx, grad):
        (s,) = ctx.saved_tensors
        out = grad * s
        out -= s * out.sum(axis=ctx.axis, keepdims=True)
        return (out,)


class ScaledDotProductAttention(Function):
    """softmax(q k^T * scale + mask) v over (..., time, dim), one node.

    Fused: composed, it is seven nodes, each writing a (batch, heads, L, S) array.
    The scores are kept transposed, (..., S, L), so the softmax reduces over a
    non-contiguous axis, which numpy vectorises (3x faster than over the last one);
    the backward takes the softmax's row sums from the small output (FlashAttention's
    trick) rather than from the large weights.
    """

    def forward(ctx, q, k, v, *, mask: np.ndarray | None, scale: float):
        # q^T scaled, written contiguous: cheaper than scaling every score, and a
        # contiguous operand makes the product ~20 % faster
        q_t = np.empty((*q.shape[:-2], q.shape[-1], q.shape[-2]), q.dtype)
        np.multiply(np.swapaxes(q, -1, -2), scale, out=q_t)
        att = k @ q_t  # (..., S, L): key s's score for query l
        if mask is not None:
            att += np.swapaxes(mask, -1, -2)
        att -= att.max(axis=-2, keepdims=True)
        np.exp(att, out=att)
        att /= att.sum(axis=-2, keepdims=True)  # each query's weights sum to one
        out = np.swapaxes(att, -1, -2) @ v
        ctx.save_for_backward(q_t, k, v, att, out.copy())
        ctx.scale = scale
        return out

    def backward(ctx, grad):
        (q_t, k, v, att, out), needs = ctx.saved_tensors, ctx.needs_input_grad
        # the softmax's backward, att * (d_att - sum_s(d_att * att)), where the sum
        # over keys equals grad . out for each query
        d_att = v @ np.swapaxes(grad, -1, -2)  # (..., S, L)
        d_att -= np.einsum("...ld,...ld->...l", grad, out)[..., None, :]
        d_att *= att
        grad_q = None
        if needs[0]:
            grad_q = np.swapaxes(d_att, -1, -2) @ k
            grad_q *= ctx.scale
        return (
            grad_q,
            d_att @ np.swapaxes(q_t, -1, -2) if needs[1] else None,
            att @ grad if needs[2] else None,
        )
