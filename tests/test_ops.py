"""Every op, from one registry: forward against numpy, backward against float64
central differences, on random (broadcasting) shapes; every `ops.Function` is in it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinytorch as tt
from tinytorch import ops
from tinytorch.nn import functional as F

from nn_op_cases import NN_OPS  # isort: skip

Shapes = Callable[[st.DrawFn], list[tuple[int, ...]]]


@dataclass(frozen=True)
class Op:
    name: str
    tiny: Callable[..., tt.Tensor]
    ref: Callable[..., np.ndarray]
    arity: int = 1
    domain: str = "any"  # any | positive | away_from_zero | away_from_half | distinct
    broadcast: bool = False  # binary ops get mutually broadcastable shapes
    min_dims: int = 0
    shapes: Shapes | None = None  # draws the inputs' shapes itself
    example: tuple[tuple[int, ...], ...] = ()  # a fixed case (default: (3, 4) each)


def _np_log_softmax(x: np.ndarray) -> np.ndarray:
    z = x - x.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def matmul_shapes(draw: st.DrawFn) -> list[tuple[int, ...]]:
    n, k, m, b = (draw(st.integers(1, 4)) for _ in range(4))
    return draw(st.sampled_from([
        [(k,), (k,)], [(k,), (k, m)], [(n, k), (k,)], [(n, k), (k, m)],
        [(b, n, k), (k, m)], [(b, n, k), (b, k, m)], [(1, n, k), (b, k, m)], [(k,), (b, k, m)],
    ]))  # fmt: skip


def linear_shapes(draw: st.DrawFn) -> list[tuple[int, ...]]:
    k, m = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    batch = draw(st.sampled_from([(), (3,), (2, 3)]))  # unbatched, a batch, batches
    return [(*batch, k), (m, k), (m,)]


def permuted_shapes(draw: st.DrawFn) -> list[tuple[int, ...]]:
    return [draw(hnp.array_shapes(min_dims=2, max_dims=3, max_side=4))]


def _mixed_sign_permutation(ndim: int) -> tuple[int, ...]:
    """A permutation written with negative axes where it can: (-1, 0) or (-1, 0, 1)."""
    return (-1, *range(ndim - 1))


def class_score_shapes(draw: st.DrawFn) -> list[tuple[int, ...]]:
    return [(draw(st.integers(1, 5)), draw(st.integers(2, 5)))]


def conv_shapes(draw: st.DrawFn) -> list[tuple[int, ...]]:
    n, c, o = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w = draw(st.integers(3, 6)), draw(st.integers(3, 6))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return [(n, c, h, w), (o, c, kh, kw), (o,)]


def image_shapes(draw: st.DrawFn) -> list[tuple[int, ...]]:
    return [(draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(3, 7)), draw(st.integers(3, 7)))]


def _np_conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Convolution as its definition says: at each output position, the window times the kernel, summed."""
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    kh, kw = w.shape[2:]
    oh, ow = (x.shape[2] - kh) // stride + 1, (x.shape[3] - kw) // stride + 1
    out = np.zeros((x.shape[0], w.shape[0], oh, ow), x.dtype)
    for i in range(oh):
        for j in range(ow):
            window = x[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw]
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3]))
    return out if b is None else out + b[:, None, None]


def _np_pool(x: np.ndarray, k: tuple[int, int], stride: tuple[int, int], reduce: Callable[..., np.ndarray]) -> np.ndarray:
    """Pooling as its definition says: each window reduced to one number."""
    oh, ow = (x.shape[2] - k[0]) // stride[0] + 1, (x.shape[3] - k[1]) // stride[1] + 1
    out = np.zeros((*x.shape[:2], oh, ow), x.dtype)
    for i in range(oh):
        for j in range(ow):
            rows, columns = slice(i * stride[0], i * stride[0] + k[0]), slice(j * stride[1], j * stride[1] + k[1])
            out[:, :, i, j] = reduce(x[:, :, rows, columns], axis=(2, 3))
    return out


def _np_batch_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    mean, var = x.mean(axis=(0, 2, 3), keepdims=True), x.var(axis=(0, 2, 3), keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-5) * w[:, None, None] + b[:, None, None]


OPS = [
    Op("add", lambda a, b: a + b, np.add, 2, broadcast=True),
    Op("sub", lambda a, b: a - b, np.subtract, 2, broadcast=True),
    Op("mul", lambda a, b: a * b, np.multiply, 2, broadcast=True),
    Op("div", lambda a, b: a / b, np.divide, 2, "positive", broadcast=True),
    Op("radd", lambda a: 2.5 + a, lambda a: 2.5 + a),
    Op("rsub", lambda a: 2.5 - a, lambda a: 2.5 - a),
    Op("rmul", lambda a: 2.5 * a, lambda a: 2.5 * a),
    Op("rdiv", lambda a: 2.5 / a, lambda a: 2.5 / a, domain="positive"),
    Op("neg", lambda a: -a, np.negative),
    Op("pow", lambda a: a**3, lambda a: a**3),
    Op("pow_fractional", lambda a: a**-1.5, lambda a: a**-1.5, domain="positive"),
    Op("rpow", lambda a: 2.0**a, lambda a: 2.0**a),
    Op("exp", lambda a: a.exp(), np.exp),
    Op("log", lambda a: a.log(), np.log, domain="positive"),
    Op("relu", lambda a: a.relu(), lambda a: np.maximum(a, 0), domain="away_from_zero"),
    Op("sigmoid", lambda a: a.sigmoid(), lambda a: 1 / (1 + np.exp(-a))),
    Op("tanh", lambda a: a.tanh(), np.tanh),
    Op(
        "clip",
        lambda a: a.clip(-0.5, 0.5),
        lambda a: np.clip(a, -0.5, 0.5),
        domain="away_from_half",
    ),
    Op("sum", lambda a: a.sum(), np.sum),
    Op("sum_axis0", lambda a: a.sum(axis=0), lambda a: a.sum(axis=0), min_dims=1),
    Op(
        "sum_last_keepdims",
        lambda a: a.sum(axis=-1, keepdims=True),
        lambda a: a.sum(-1, keepdims=True),
        min_dims=1,
    ),
    Op(
        "sum_two_axes",
        lambda a: a.sum(axis=(0, -1)),
        lambda a: a.sum(axis=(0, -1)),
        min_dims=2,
    ),
    Op("mean", lambda a: a.mean(), np.mean),
    Op("mean_axis0", lambda a: a.mean(axis=0), lambda a: a.mean(axis=0), min_dims=1),
    Op("max", lambda a: a.max(), np.max, domain="distinct"),
    Op(
        "max_last",
        lambda a: a.max(axis=-1).values,
        lambda a: a.max(axis=-1),
        domain="distinct",
        min_dims=1,
    ),
    Op(
        "max_keep",
        lambda a: a.max(0, keepdims=True).values,
        lambda a: a.max(0, keepdims=True),
        domain="distinct",
        min_dims=1,
    ),
    Op(
        "softmax",
        lambda a: a.softmax(-1),
        lambda a: np.exp(_np_log_softmax(a)),
        min_dims=1,
    ),
    Op("log_softmax", lambda a: a.log_softmax(-1), _np_log_softmax, min_dims=1),
    Op("reshape", lambda a: a.reshape(-1), lambda a: a.reshape(-1)),
    Op("transpose", lambda a: a.transpose(0, -1), lambda a: np.swapaxes(a, 0, -1), min_dims=1),
    Op(
        "permute_mixed_signs",
        lambda a: a.permute(*_mixed_sign_permutation(a.ndim)),
        lambda a: np.transpose(a, _mixed_sign_permutation(a.ndim)),
        shapes=permuted_shapes,
    ),
    Op("T", lambda a: a.T, lambda a: a.T),
    Op("index_first", lambda a: a[0], lambda a: a[0], min_dims=1),
    Op(
        "index_repeated",
        lambda a: a[np.array([0, 0, -1])],
        lambda a: a[np.array([0, 0, -1])],
        min_dims=1,
    ),
    Op("index_slice", lambda a: a[..., ::2], lambda a: a[..., ::2], min_dims=1),
    Op(
        "matmul",
        lambda a, b: a @ b,
        np.matmul,
        2,
        shapes=matmul_shapes,
        example=((3, 4), (4, 2)),
    ),
    Op(
        "linear",
        F.linear,
        lambda x, w, b: x @ w.T + b,
        3,
        shapes=linear_shapes,
        example=((3, 4), (2, 4), (2,)),
    ),
    Op(
        "linear_no_bias",
        lambda x, w: F.linear(x, w),
        lambda x, w: x @ w.T,
        2,
        shapes=lambda draw: linear_shapes(draw)[:2],
        example=((3, 4), (2, 4)),
    ),
    # convolution and pooling (milestone 04): all composed over ops.Unfold (im2col)
    Op("conv2d", F.conv2d, _np_conv2d, 3, shapes=conv_shapes, example=((2, 3, 6, 5), (4, 3, 3, 2), (4,))),
    Op(
        "conv2d_stride_padding",
        lambda x, w: F.conv2d(x, w, stride=2, padding=(1, 2)),
        lambda x, w: _np_conv2d(np.pad(x, ((0, 0), (0, 0), (0, 0), (1, 1))), w, stride=2, padding=1),
        2,
        shapes=lambda draw: conv_shapes(draw)[:2],
        example=((2, 3, 6, 5), (4, 3, 3, 2)),
    ),
    Op("max_pool2d", lambda x: F.max_pool2d(x, 2), lambda x: _np_pool(x, (2, 2), (2, 2), np.max), domain="distinct", shapes=image_shapes, example=((2, 3, 6, 5),)),
    Op(
        "max_pool2d_overlapping",
        lambda x: F.max_pool2d(x, 3, stride=1),
        lambda x: _np_pool(x, (3, 3), (1, 1), np.max),
        domain="distinct",
        shapes=image_shapes,
        example=((2, 3, 6, 5),),
    ),
    Op("avg_pool2d", lambda x: F.avg_pool2d(x, (2, 3), stride=(1, 2)), lambda x: _np_pool(x, (2, 3), (1, 2), np.mean), shapes=image_shapes, example=((2, 3, 6, 5),)),
    Op(
        "batch_norm",
        lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
        _np_batch_norm,
        3,
        shapes=lambda draw: [(3, c := draw(st.integers(1, 3)), 2, 2), (c,), (c,)],
        example=((3, 2, 2, 2), (2,), (2,)),
    ),
]



# --- the transformer's ops (milestone 05): softmax, layer norm, attention, embedding


def _np_layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, dims: int = 1) -> np.ndarray:
    axes = tuple(range(x.ndim - dims, x.ndim))
    centred = x - x.mean(axis=axes, keepdims=True)
    return centred / np.sqrt((centred**2).mean(axis=axes, keepdims=True) + 1e-5) * w + b


def _np_attention(q, k, v, allowed=None):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    return np.exp(_np_log_softmax(scores)) @ v


def norm_shapes(draw: st.DrawFn) -> list[tuple[int, ...]]:
    n = draw(st.integers(2, 5))
    batch = draw(st.sampled_from([(), (3,), (2, 3)]))
    return [(*batch, n), (n,), (n,)]


def attention_shapes(draw: st.DrawFn, extra_keys: tuple[int, int] = (-3, 3)) -> list[tuple[int, ...]]:
    batch = draw(st.sampled_from([(), (2,), (2, 3)]))
    length, dim, value_dim = (draw(st.integers(1, 4)) for _ in range(3))
    keys = max(1, length + draw(st.integers(*extra_keys)))
    return [(*batch, length, dim), (*batch, keys, dim), (*batch, keys, value_dim)]


def _lower_left(q, k):  # query i sees keys 0..i and the keys before the queries (a cache)
    length, keys = q.shape[-2], k.shape[-2]
    return np.arange(keys) <= np.arange(keys - length, keys)[:, None]


def _assigned(a: tt.Tensor, b: tt.Tensor, index: object = 1) -> tt.Tensor:
    """a computed tensor with b written into it: the graph records the assignment."""
    c = a * 1
    c[index] = b
    return c


def _np_assigned(a: np.ndarray, b: np.ndarray, index: object = 1) -> np.ndarray:
    c = a.copy()
    c[index] = b
    return c


OPS += [
    Op("softmax_axis0", lambda a: a.softmax(0), lambda a: np.exp(_np_log_softmax(a.T)).T, min_dims=1, shapes=permuted_shapes),
    Op("layer_norm", lambda x, w, b: F.layer_norm(x, x.shape[-1], w, b), _np_layer_norm, 3, shapes=norm_shapes, example=((3, 4), (4,), (4,))),
    Op("layer_norm_plain", lambda x: F.layer_norm(x, x.shape[-1]), lambda x: _np_layer_norm(x, 1, 0), min_dims=1, shapes=lambda draw: norm_shapes(draw)[:1]),
    Op("layer_norm_two_axes", lambda x, w, b: F.layer_norm(x, x.shape[-2:], w, b), lambda x, w, b: _np_layer_norm(x, w, b, dims=2), 3,
       shapes=lambda draw: [(2, 3, 4), (3, 4), (3, 4)], example=((2, 3, 4), (3, 4), (3, 4))),
    Op("attention", F.scaled_dot_product_attention, _np_attention, 3, shapes=attention_shapes, example=((2, 3, 4), (2, 5, 4), (2, 5, 3))),
    Op("attention_causal", lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True),
       lambda q, k, v: _np_attention(q, k, v, _lower_left(q, k)), 3, shapes=lambda draw: attention_shapes(draw, (0, 0)),
       example=((2, 3, 4), (2, 3, 4), (2, 3, 2))),
    Op("attention_mask", lambda q, k, v: F.scaled_dot_product_attention(q, k, v, _lower_left(q, k)),
       lambda q, k, v: _np_attention(q, k, v, _lower_left(q, k)), 3, shapes=lambda draw: attention_shapes(draw, (0, 3)),
       example=((2, 3, 4), (2, 5, 4), (2, 5, 3))),
    Op("clone", lambda a: a.clone(), np.copy),
    Op("setitem", _assigned, _np_assigned, 2, shapes=lambda draw: [(3, n := draw(st.integers(1, 4))), (n,)], example=((3, 4), (4,))),
    Op("setitem_repeated", lambda a, b: _assigned(a, b, np.array([0, 2, 0])), lambda a, b: _np_assigned(a, b, np.array([0, 2, 0])), 2,
       shapes=lambda draw: [(3, n := draw(st.integers(1, 4))), (n,)], example=((3, 4), (4,))),
    Op("index_two_arrays", lambda a: a[np.array([0, 0, 1]), np.array([1, 1, 0])], lambda a: a[np.array([0, 0, 1]), np.array([1, 1, 0])],
       shapes=lambda draw: [(2, 2)]),
]  # fmt: skip


# --- the everyday surface (issue 22): each new Function, and the compositions whose
# gradients are easiest to get wrong (tests/compat compares the rest with PyTorch's)


def _np_where(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.where(a > 0, a, b)


def _np_cumprod_zeros(a: np.ndarray) -> np.ndarray:
    return np.cumprod(np.where(np.abs(a) < 0.5, 0, a), axis=-1)


def _with_zeros(a: tt.Tensor) -> tt.Tensor:
    """a with its values near zero made exactly zero (a constant mask)."""
    return a.masked_fill(np.abs(a.detach().numpy()) < 0.5, 0.0)


SCATTER_INDEX = np.array([[0, 2, 0, 1], [2, 2, 1, 0]])  # rows 0 and 2 named twice
EINSUMS = {
    "bij,bkj->bik": ((2, 3, 2), (2, 2, 2)),
    "ii->i": ((3, 3),),
    "ij->": ((2, 3),),
    "...ij,jk->...ik": ((2, 2, 3), (3, 2)),
    "bi,bj->bij": ((1, 3), (2, 2)),
    "ij,jk,kl->il": ((2, 3), (3, 2), (2, 2)),
}


def _einsum_op(equation: str, shapes: tuple[tuple[int, ...], ...]) -> Op:
    return Op(
        f"einsum {equation}",
        lambda *t: tt.einsum(equation, *t),
        lambda *a: np.einsum(equation, *a),
        len(shapes),
        shapes=lambda draw: list(shapes),
        example=shapes,
    )


OPS += [
    Op("sin", tt.sin, np.sin),
    Op("acos", tt.acos, np.arccos, domain="unit"),
    Op("log1p", tt.log1p, np.log1p, domain="positive"),
    Op("expm1", tt.expm1, np.expm1),
    Op("floor", tt.floor, np.floor, domain="away_from_half"),
    Op("where", lambda a, b: tt.where(a > 0, a, b), _np_where, 2, "away_from_zero", broadcast=True),
    Op("tril", lambda a: a.tril(1), lambda a: np.tril(a, 1), min_dims=2, shapes=permuted_shapes),
    Op("maximum", tt.maximum, np.maximum, 2, "distinct", broadcast=True),
    # the bounds shifted off the values' grid (k/10 + [0, 0.01)), 0.05 down and 0.025 up: never equal to an input
    # (inputs drawn from one seed are equal) or to each other, where the gradient has no derivative
    Op("clamp_tensors", lambda a, lo, hi: a.clamp(lo - 0.05, hi + 0.025), lambda a, lo, hi: np.minimum(np.maximum(a, lo - 0.05), hi + 0.025), 3, "distinct",
       shapes=lambda draw: [(2, 3), (3,), (2, 1)], example=((2, 3), (3,), (2, 1))),
    # 3a + 0.1: never a whole multiple of b, where the remainder jumps (even when a and b are drawn equal)
    Op("remainder", lambda a, b: tt.remainder(3 * a + 0.1, b), lambda a, b: np.remainder(3 * a + 0.1, b), 2, "positive", broadcast=True),
    Op("fmod", lambda a, b: tt.fmod(3 * a + 0.1, -b), lambda a, b: np.fmod(3 * a + 0.1, -b), 2, "positive", broadcast=True),
    Op("lerp", lambda a, b, w: tt.lerp(a, b, w), lambda a, b, w: a + w * (b - a), 3, shapes=lambda draw: [(2, 3)] * 3,
       example=((2, 3),) * 3),
    Op("cat", lambda a, b: tt.cat([a, b, a], 1), lambda a, b: np.concatenate([a, b, a], 1), 2,
       shapes=lambda draw: [(2, draw(st.integers(1, 3))), (2, draw(st.integers(1, 3)))], example=((2, 3), (2, 1))),
    Op("expand", lambda a: a[:1].expand(2, 3, *a.shape[1:]), lambda a: np.broadcast_to(a[:1], (2, 3, *a.shape[1:])),
       min_dims=2, shapes=permuted_shapes),
    Op("repeat", lambda a: a.repeat(2, 1, 3), lambda a: np.tile(a, (2, 1, 3)), min_dims=2, shapes=permuted_shapes),
    Op("scatter_add", lambda a, src: a.scatter_add(0, tt.tensor(SCATTER_INDEX), src), lambda a, src: _np_scatter_add(a, src),
       2, shapes=lambda draw: [(3, 4), (2, 4)], example=((3, 4), (2, 4))),
    Op("scatter", lambda a, src: a.scatter(1, tt.tensor([[3], [0], [1]]), src), lambda a, src: _np_scatter(a, src), 2,
       shapes=lambda draw: [(3, 4), (3, 1)], example=((3, 4), (3, 1))),
    Op("sort", lambda a: a.sort(descending=True).values, lambda a: -np.sort(-a, -1), domain="distinct", min_dims=1),
    Op("prod", lambda a: a.prod(-1), lambda a: a.prod(-1), min_dims=1),
    Op("cumsum", lambda a: a.cumsum(-1), lambda a: np.cumsum(a, -1), min_dims=1),
    Op("cumprod", lambda a: a.cumprod(-1), lambda a: np.cumprod(a, -1), min_dims=1),
    Op("cumprod_zeros", lambda a: _with_zeros(a).cumprod(-1), _np_cumprod_zeros, domain="away_from_half", min_dims=1),
    Op("var", lambda a: a.var(-1), lambda a: a.var(-1, ddof=1), shapes=lambda draw: [(draw(st.integers(1, 3)), draw(st.integers(2, 4)))]),
    Op("logsumexp", lambda a: a.logsumexp(-1), lambda a: np.log(np.exp(a).sum(-1)), min_dims=1),
    Op("norm", lambda a: a.norm(dim=-1), lambda a: np.sqrt((a * a).sum(-1)), min_dims=1),
    Op("norm_3", lambda a: a.norm(3), lambda a: (np.abs(a) ** 3).sum() ** (1 / 3), domain="away_from_zero"),
    *(_einsum_op(equation, shapes) for equation, shapes in EINSUMS.items()),
]  # fmt: skip


def _np_scatter_add(a: np.ndarray, src: np.ndarray) -> np.ndarray:
    out = a.copy()
    np.add.at(out, (SCATTER_INDEX, np.arange(4)), src)
    return out


def _np_scatter(a: np.ndarray, src: np.ndarray) -> np.ndarray:
    out = a.copy()
    out[np.arange(3), [3, 0, 1]] = src[:, 0]
    return out


OPS += [Op(**c) for c in NN_OPS]  # torch.nn's functions (tests/nn_op_cases.py)


def _values(draw: st.DrawFn, shape: tuple[int, ...], domain: str) -> np.ndarray:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return _sample(rng, shape, domain)


def _sample(
    rng: np.random.Generator, shape: tuple[int, ...], domain: str
) -> np.ndarray:
    size = int(np.prod(shape))
    if domain == "positive":
        x = rng.uniform(0.5, 2.0, size)
    elif domain == "away_from_zero":  # off ReLU's kink, where no derivative exists
        x = rng.choice([-1.0, 1.0], size) * rng.uniform(0.1, 2.0, size)
    elif domain == "away_from_half":  # off the clip bounds
        magnitude = rng.choice([rng.uniform(0, 0.4), rng.uniform(0.6, 2)], size)
        x = rng.choice([-1.0, 1.0], size) * magnitude
    elif domain == "unit":  # inside (-1, 1): asin, acos, and tan away from its poles
        x = rng.uniform(-0.9, 0.9, size)
    elif domain == "distinct":  # ties in max make finite differences meaningless
        x = rng.permutation(size) * 0.1 + rng.uniform(0, 0.01, size)
    else:
        x = rng.uniform(-2.0, 2.0, size)
    return x.reshape(shape)


@st.composite
def op_inputs(draw: st.DrawFn, op: Op) -> list[np.ndarray]:
    if op.shapes is not None:
        shapes = op.shapes(draw)
    elif op.arity == 2 and op.broadcast:
        drawn = hnp.mutually_broadcastable_shapes(
            num_shapes=2, min_dims=0, max_dims=3, max_side=4
        )
        shapes = list(draw(drawn).input_shapes)
    else:
        shape = draw(
            hnp.array_shapes(min_dims=op.min_dims, max_dims=3, min_side=1, max_side=4)
        )
        shapes = [shape] * op.arity
        if op.min_dims == 0 and draw(st.booleans()):
            shapes = [()] * op.arity
    return [_values(draw, shape, op.domain) for shape in shapes]


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_forward_matches_numpy(op: Op, data: st.DataObject) -> None:
    arrays = data.draw(op_inputs(op))
    out = op.tiny(*[tt.tensor(a, dtype=tt.float32) for a in arrays])
    expected = op.ref(*[a.astype(np.float32) for a in arrays])
    assert out.dtype == np.float32, f"{op.name} changed float32 to {out.dtype}"
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.data, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_backward_matches_central_differences(op: Op, data: st.DataObject) -> None:
    arrays = data.draw(op_inputs(op))
    inputs = [tt.tensor(a, requires_grad=True, dtype=np.float64) for a in arrays]
    assert tt.gradcheck(op.tiny, inputs)


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_backward_keeps_float32(op: Op) -> None:
    """Every gradient of a float32 op is float32 (autograd refuses anything else), so
    training never drifts into float64."""
    rng = np.random.default_rng(0)
    shapes = op.example or ((3, 4),) * op.arity
    inputs = [tt.tensor(_sample(rng, s, op.domain), tt.float32, requires_grad=True) for s in shapes]
    out = op.tiny(*inputs)
    out.backward(np.ones(out.shape, np.float32))
    assert all(t.grad.dtype == np.float32 for t in inputs)


def _functions_in_graph(out: tt.Tensor) -> set[str]:
    found, stack = set(), [out]
    while stack:
        t = stack.pop()
        if t._ctx is not None:
            found.add(type(t._ctx).__name__)
            stack.extend(t._ctx.inputs)
    return found


def test_the_registry_exercises_every_function_in_ops() -> None:
    rng = np.random.default_rng(0)
    exercised: set[str] = set()
    for op in OPS:
        shapes = op.example or ((3, 4),) * op.arity
        inputs = [
            tt.tensor(_sample(rng, s, op.domain), requires_grad=True) for s in shapes
        ]
        exercised |= _functions_in_graph(op.tiny(*inputs))
    defined = {
        name
        for info in pkgutil.iter_modules(ops.__path__, "tinytorch.ops.")
        for name, obj in vars(importlib.import_module(info.name)).items()
        if inspect.isclass(obj) and issubclass(obj, tt.Function)
        and obj is not tt.Function
    }  # fmt: skip
    assert defined - exercised == set(), "add these ops to the registry"
    assert defined - set(ops.__all__) == set(), "export these from tinytorch/ops"


@pytest.mark.parametrize("exponent", [0, 1, 2, 3, -1, -2, 0.5, -0.5, 1.7, -1.5])
def test_power_shortcuts_agree_with_numpy(exponent: float) -> None:
    """The exponents computed by multiplication give numpy's values and gradients."""
    rng = np.random.default_rng(0)
    fractional = exponent != int(exponent)
    base = rng.uniform(0.5, 2, (3, 4)) if fractional else rng.uniform(-2, 2, (3, 4))
    base[np.abs(base) < 0.3] = 0.7  # away from zero, where negative powers blow up
    x = tt.tensor(base, requires_grad=True, dtype=np.float64)
    np.testing.assert_allclose((x**exponent).data, base**exponent, rtol=1e-12)
    assert not np.shares_memory((x**exponent).data, x.data)  # a new array, always
    assert tt.gradcheck(lambda a: a**exponent, [x])


def test_gradcheck_catches_a_wrong_backward() -> None:
    class WrongSquare(tt.Function):
        def forward(ctx, a):
            ctx.a = a
            return a * a

        def backward(ctx, grad):
            return (grad * ctx.a,)  # should be 2a

    x = tt.tensor([1.0, 2.0], requires_grad=True, dtype=np.float64)
    with pytest.raises(tt.GradcheckError, match=r"input 0 .* backward gives"):
        tt.gradcheck(WrongSquare.apply, [x])


def test_gradcheck_refuses_float32() -> None:
    with pytest.raises(TypeError, match="float64"):
        tt.gradcheck(lambda a: a.exp(), [tt.tensor([1.0], requires_grad=True)])


def test_gradcheck_compares_shapes_not_broadcast_values() -> None:
    """A gradient of the wrong shape is an error even where its values would
    broadcast to the right ones."""

    class Squeezed(tt.Function):
        def forward(ctx, a):
            return a.sum(axis=0)

        def backward(ctx, grad):
            return (grad,)  # (3,), but the input is (1, 3): broadcasts, yet is wrong

    x = tt.tensor(np.ones((1, 3)), requires_grad=True, dtype=np.float64)
    with pytest.raises(
        tt.ShapeError,
        match=r"Squeezed.backward returned a gradient "
        r"of shape \(3,\)",
    ):
        tt.gradcheck(Squeezed.apply, [x])
