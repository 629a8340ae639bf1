"""Every primitive op: one `Function` each, forward and backward side by side.

Everything else (sub, div, mean, softmax, the losses, ...) is composed from these and
gets its gradient for free. Grouped as: elementwise, reductions, movement, products,
and the fused ops, which a composition would compute exactly as well but slower.
Always referred to as ``ops.X``: ``ops.ReLU`` is the op, ``nn.ReLU`` the module.

Book: book/under_the_hood.md
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .autograd import Function
from .checks import ShapeError, check_windows


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum `grad` back down to `shape`, undoing numpy broadcasting: the rule every
    binary op's backward needs (a bias (10,) added to a batch (64, 10) gets (10,))."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    stretched = [
        i + extra for i, n in enumerate(shape) if n == 1 and grad.shape[i + extra] != 1
    ]
    return grad.sum(axis=tuple(range(extra)) + tuple(stretched)).reshape(shape)


def _check_broadcast(op: str, a: np.ndarray, b: np.ndarray) -> None:
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ShapeError(
            f"{op}: shapes {a.shape} and {b.shape} cannot be broadcast together"
        ) from None


# ---------------------------------------------------------------------- elementwise


class Add(Function):
    """a + b, with broadcasting."""

    def forward(ctx, a, b):
        if a.shape != b.shape:
            _check_broadcast("add", a, b)
        ctx.shapes = a.shape, b.shape
        return a + b

    def backward(ctx, grad):
        return unbroadcast(grad, ctx.shapes[0]), unbroadcast(grad, ctx.shapes[1])


class Mul(Function):
    """a * b, with broadcasting."""

    def forward(ctx, a, b):
        if a.shape != b.shape:
            _check_broadcast("mul", a, b)
        ctx.a, ctx.b = a, b
        return a * b

    def backward(ctx, grad):
        a, b = ctx.a, ctx.b
        return (
            unbroadcast(grad * b, a.shape) if ctx.needs_input_grad[0] else None,
            unbroadcast(grad * a, b.shape) if ctx.needs_input_grad[1] else None,
        )


class Pow(Function):
    """a ** exponent, for a constant exponent."""

    def forward(ctx, a, exponent: float):
        ctx.a, ctx.exponent = a, exponent
        return a**exponent

    def backward(ctx, grad):
        return (grad * ctx.exponent * ctx.a ** (ctx.exponent - 1),)


class Exp(Function):
    """e ** a."""

    def forward(ctx, a):
        ctx.out = np.exp(a)
        return ctx.out

    def backward(ctx, grad):
        return (grad * ctx.out,)


class Log(Function):
    """Natural logarithm."""

    def forward(ctx, a):
        ctx.a = a
        return np.log(a)

    def backward(ctx, grad):
        return (grad / ctx.a,)


class ReLU(Function):
    """max(a, 0)."""

    def forward(ctx, a):
        ctx.mask = a > 0
        return a * ctx.mask  # not np.maximum: keeps the dtype, reuses the mask

    def backward(ctx, grad):
        return (grad * ctx.mask,)


class Sigmoid(Function):
    """1 / (1 + e ** -a)."""

    def forward(ctx, a):
        ctx.out = 0.5 * (1 + np.tanh(0.5 * a))  # never overflows, unlike 1/(1+e^-a)
        return ctx.out

    def backward(ctx, grad):
        return (grad * ctx.out * (1 - ctx.out),)


class Tanh(Function):
    """Hyperbolic tangent."""

    def forward(ctx, a):
        ctx.out = np.tanh(a)
        return ctx.out

    def backward(ctx, grad):
        return (grad * (1 - ctx.out * ctx.out),)


class Clip(Function):
    """Clamp into [low, high]."""

    def forward(ctx, a, low: float | None, high: float | None):
        out = np.clip(a, low, high)
        ctx.inside = out == a
        return out

    def backward(ctx, grad):
        return (grad * ctx.inside,)


# ----------------------------------------------------------------------- reductions


class Sum(Function):
    """Sum over axes."""

    def forward(ctx, a, axis: int | tuple[int, ...] | None, keepdims: bool):
        ctx.shape, ctx.axis, ctx.keepdims = a.shape, axis, keepdims
        return np.asarray(a.sum(axis=axis, keepdims=keepdims))

    def backward(ctx, grad):
        if not ctx.keepdims and ctx.axis is not None:
            grad = np.expand_dims(grad, ctx.axis)
        return (np.broadcast_to(grad, ctx.shape).copy(),)


class Max(Function):
    """Maximum over axes; tied maxima share the gradient equally."""

    def forward(ctx, a, axis: int | tuple[int, ...] | None, keepdims: bool):
        ctx.a, ctx.axis, ctx.keepdims = a, axis, keepdims
        ctx.out = a.max(axis=axis, keepdims=True)
        return ctx.out if keepdims else np.squeeze(ctx.out, axis=axis)

    def backward(ctx, grad):
        if not ctx.keepdims:
            everything = tuple(range(ctx.a.ndim))
            grad = np.expand_dims(grad, everything if ctx.axis is None else ctx.axis)
        winners = ctx.a == ctx.out
        shares = grad / winners.sum(axis=ctx.axis, keepdims=True, dtype=grad.dtype)
        return (shares * winners,)


# ------------------------------------------------------------------------- movement


class Reshape(Function):
    """The same elements in another shape."""

    def forward(ctx, a, shape: tuple[int, ...]):
        ctx.shape = a.shape
        try:
            return a.reshape(shape)
        except (ValueError, TypeError):
            raise ShapeError(
                f"reshape: cannot reshape {a.shape} ({a.size} elements) into {shape}"
            ) from None

    def backward(ctx, grad):
        return (grad.reshape(ctx.shape),)


class Transpose(Function):
    """Permute the axes (given as a permutation of 0..ndim-1)."""

    def forward(ctx, a, axes: tuple[int, ...]):
        ctx.axes = axes
        return np.transpose(a, axes)

    def backward(ctx, grad):
        return (np.transpose(grad, np.argsort(ctx.axes)),)


class Index(Function):
    """a[index]: basic (ints, slices) or advanced (integer or boolean arrays)."""

    def forward(ctx, a, index):
        ctx.shape, ctx.dtype, ctx.index = a.shape, a.dtype, index
        try:
            return a[index]
        except IndexError as err:
            raise IndexError(
                f"index {index!r} for a tensor of shape {a.shape}: {err}"
            ) from None

    def backward(ctx, grad):
        full = np.zeros(ctx.shape, dtype=ctx.dtype)
        if _is_basic(ctx.index):  # ints and slices pick each element at most once
            full[ctx.index] = grad
        else:
            np.add.at(full, ctx.index, grad)  # not +=: repeated indices accumulate
        return (full,)


def _is_basic(index: object) -> bool:
    """True for an index of ints, slices, None and ...: it never repeats an element."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(p, int | slice | type(None) | type(Ellipsis)) for p in parts)


class Unfold(Function):
    """im2col: every kh x kw window of images (N, C, H, W), zero-padded and `stride`
    apart, as the columns of one matrix (C*kh*kw, OH*OW*N): a convolution is then one
    matrix product, a pooling layer one reduction.

    One copy of a strided view, with the images innermost: the copy, and backward's
    kh*kw strided slice-adds (col2im), run over contiguous rows of OW*N values, and
    `weight @ columns` is NCHW after a transpose that copies nothing.
    """

    def forward(ctx, x, kernel_size, stride, padding):
        check_windows("unfold", x.shape, kernel_size, padding)
        (kh, kw), (sh, sw), (ph, pw) = kernel_size, stride, padding
        padded = x.transpose(1, 2, 3, 0)  # (C, H, W, N)
        if ph or pw:
            padded = np.pad(padded, ((0, 0), (ph, ph), (pw, pw), (0, 0)))
        windows = sliding_window_view(padded, (kh, kw), axis=(1, 2))[:, ::sh, ::sw]
        ctx.shape, ctx.padded, ctx.windows = x.shape, padded.shape, windows.shape
        ctx.stride, ctx.padding = stride, padding
        columns = np.ascontiguousarray(windows.transpose(0, 4, 5, 1, 2, 3))
        return columns.reshape(x.shape[1] * kh * kw, -1)

    def backward(ctx, grad):
        (n, c, h, w), (sh, sw), (ph, pw) = ctx.shape, ctx.stride, ctx.padding
        _, oh, ow, _, kh, kw = ctx.windows  # (C, OH, OW, N, kh, kw)
        patches = grad.reshape(c, kh, kw, oh, ow, n)
        image = np.zeros(ctx.padded, grad.dtype)
        for i in range(kh):
            for j in range(kw):
                rows, columns = slice(i, i + sh * oh, sh), slice(j, j + sw * ow, sw)
                image[:, rows, columns] += patches[:, i, j]
        return (image[:, ph : ph + h, pw : pw + w].transpose(3, 0, 1, 2),)


# ------------------------------------------------------------------------- products


class MatMul(Function):
    """a @ b, numpy's rules: vectors, matrices and batches of matrices."""

    def forward(ctx, a, b):
        _check_matmul(a, b)
        ctx.a, ctx.b = a, b
        return a @ b

    def backward(ctx, grad):
        a, b = ctx.a, ctx.b
        a2 = a.reshape(1, -1) if a.ndim == 1 else a  # a vector: a one-row matrix...
        b2 = b.reshape(-1, 1) if b.ndim == 1 else b  # ...or a one-column one
        batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
        grad = grad.reshape(batch + (a2.shape[-2], b2.shape[-1]))
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = unbroadcast(grad @ np.swapaxes(b2, -1, -2), a2.shape).reshape(
                a.shape
            )
        if ctx.needs_input_grad[1]:
            grad_b = unbroadcast(np.swapaxes(a2, -1, -2) @ grad, b2.shape).reshape(
                b.shape
            )
        return grad_a, grad_b


def _check_matmul(a: np.ndarray, b: np.ndarray) -> None:
    problem = None
    if a.ndim == 0 or b.ndim == 0:
        problem = "both operands need at least one dimension"
    elif a.shape[-1] != b.shape[0 if b.ndim == 1 else -2]:
        problem = "inner dimensions differ"
    else:
        try:
            np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        except ValueError:
            problem = "batch dimensions cannot be broadcast"
    if problem:
        raise ShapeError(
            f"matmul: shapes {a.shape} and {b.shape} do not match ({problem})"
        )


# ---------------------------------------------------------------------- fused ops


class Linear(Function):
    """y = x @ W.T + b in one node (W in PyTorch's (out_features, in_features) layout).

    As one node it saves most of a training step's graph bookkeeping, and skips the
    gradient of the input data, which nobody needs.
    """

    def forward(ctx, x, weight, bias=None):
        _check_linear(x, weight)
        ctx.vector = x.ndim == 1  # an unbatched input: a batch of one
        x = x.reshape(1, -1) if ctx.vector else x
        ctx.x, ctx.weight = x, weight
        out = x @ weight.T
        if bias is not None:
            out += bias  # in place: `out` is fresh, so this saves an allocation
        return out[0] if ctx.vector else out

    def backward(ctx, grad):
        x, weight, needs = ctx.x, ctx.weight, ctx.needs_input_grad
        grad = grad.reshape(-1, grad.shape[-1])  # leading axes fold into one batch axis
        grad_x = None
        if needs[0]:  # skipped for the data: nothing needs its gradient
            shape = x.shape[1:] if ctx.vector else x.shape
            grad_x = (grad @ weight).reshape(shape)
        rows = x.reshape(-1, x.shape[-1])
        grad_w = (rows.T @ grad).T if needs[1] else None  # column-major, like weight
        if len(needs) == 2:
            return grad_x, grad_w
        return grad_x, grad_w, grad.sum(axis=0) if needs[2] else None


def _check_linear(x: np.ndarray, weight: np.ndarray) -> None:
    if x.ndim == 0:
        raise ShapeError(
            f"linear: the input is 0-d; it needs a last axis of "
            f"{weight.shape[1]} features"
        )
    if x.shape[-1] != weight.shape[1]:
        raise ShapeError(
            f"linear: input of shape {x.shape} has {x.shape[-1]} features, but the "
            f"weight {weight.shape} expects {weight.shape[1]}"
        )
    if x.dtype.kind != "f":
        raise TypeError(
            f"linear: the input is {x.dtype}, but layers compute in floating point; "
            f"convert the data, e.g. x.astype(np.{weight.dtype}) (and scale pixel "
            f"values into [0, 1])"
        )
    if x.dtype != weight.dtype:  # numpy would quietly compute everything in float64
        raise TypeError(
            f"linear: the input is {x.dtype} but the weight is {weight.dtype}; convert "
            f"the data (x.astype(np.{weight.dtype})) or the model "
            f"(model.to(np.{x.dtype}))"
        )


class CrossEntropy(Function):
    """Mean of -log softmax(logits)[target]: a stable log-softmax forward and
    (softmax - one_hot) / N backward, in one node."""

    def forward(ctx, logits, targets):
        n = len(logits)
        shifted = logits - logits.max(axis=1, keepdims=True)  # exp never overflows
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        ctx.rows, ctx.targets = np.arange(n), targets
        ctx.probs = np.divide(exp, total, out=exp)  # in place: exp is not needed again
        loss = (np.log(total).sum() - shifted[ctx.rows, targets].sum()) / n
        return np.asarray(loss, dtype=logits.dtype)

    def backward(ctx, grad):
        scale = grad / len(ctx.rows)
        d_logits = ctx.probs * scale
        d_logits[ctx.rows, ctx.targets] -= scale
        return (d_logits,)
