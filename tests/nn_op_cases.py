"""The op registry's entries for torch.nn's functions (test_ops.py runs them: forward
against numpy, backward against float64 central differences): the exact and tanh
GELU, binary cross-entropy (ops.BinaryCrossEntropy), and the compositions of F
that are new with PyTorch's meaning (activations, losses with weights, ignored
targets, smoothing and probabilities, padding, grouped and dilated convolution,
pooling with padding and ceil_mode, adaptive pooling).

Each entry is the keyword arguments of test_ops.Op: ``OPS += [Op(**c) for c in
NN_OPS]``; they replace OPS's old "gelu", "cross_entropy" and "embedding" entries
(tanh GELU, numpy targets and ids)."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch.nn import functional as F

_erf = np.vectorize(math.erf)


def _np_log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    z = x - x.max(axis=axis, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


def _np_gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1 + _erf(x / math.sqrt(2)))


def _np_gelu_tanh(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _classes(z) -> np.ndarray:
    """Fixed class targets for scores (N, C, ...): every class, and one ignored."""
    n, c = z.shape[0], z.shape[1]
    targets = np.arange(n * int(np.prod(z.shape[2:]))).reshape(n, *z.shape[2:]) % c
    targets.flat[-1] = -100 if targets.size > 1 else targets.flat[-1]
    return targets


def _like(values: np.ndarray, t: tt.Tensor) -> tt.Tensor:
    return tt.tensor(values, dtype=t.dtype)


def _np_nll(logp: np.ndarray, targets: np.ndarray, weight: np.ndarray) -> np.ndarray:
    kept = targets != -100
    safe = np.where(kept, targets, 0)
    picked = np.take_along_axis(logp, np.expand_dims(safe, 1), 1).squeeze(1)
    w = weight[safe] * kept
    return -(picked * w).sum() / w.sum()


WEIGHT = np.array([0.5, 2.0, 1.0, 3.0, 1.5])


def _cross_entropy(z: tt.Tensor) -> tt.Tensor:
    return F.cross_entropy(z, tt.tensor(_classes(z)))


def _np_cross_entropy(z: np.ndarray) -> np.ndarray:
    return _np_nll(_np_log_softmax(z, 1), _classes(z), np.ones(z.shape[1]))


def _cross_entropy_weighted(z: tt.Tensor) -> tt.Tensor:
    weight = _like(WEIGHT[: z.shape[1]], z)
    return F.cross_entropy(z, tt.tensor(_classes(z)), weight, label_smoothing=0.2)


def _np_cross_entropy_weighted(z: np.ndarray) -> np.ndarray:
    logp, targets, weight = _np_log_softmax(z, 1), _classes(z), WEIGHT[: z.shape[1]]
    kept = targets != -100
    view = (1, -1) + (1,) * (z.ndim - 2)
    smooth = -(logp * weight.reshape(view)).sum(1) * kept
    total = (weight[np.where(kept, targets, 0)] * kept).sum()
    return 0.8 * _np_nll(logp, targets, weight) + 0.2 / z.shape[1] * smooth.sum() / total


def _probabilities(shape: tuple[int, ...]) -> np.ndarray:
    p = np.random.default_rng(1).uniform(0.1, 1, shape)
    return p / p.sum(axis=1, keepdims=True)


def scores(draw: st.DrawFn) -> list[tuple[int, ...]]:
    """Scores (N, C) or (N, C, d): a batch of classes, or of sequences of them."""
    n, c = draw(st.integers(1, 4)), draw(st.integers(2, 5))
    return [(n, c) if draw(st.booleans()) else (n, c, draw(st.integers(1, 3)))]


def images(draw: st.DrawFn) -> list[tuple[int, ...]]:
    return [(draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(4, 7)), draw(st.integers(4, 7)))]


def grouped(draw: st.DrawFn) -> list[tuple[int, ...]]:
    n, groups, h, w = draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(4, 7)), draw(st.integers(5, 7))
    c, o = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    return [(n, c, h, w), (o, c // groups, 2, 3), (o,)]


def sequences(draw: st.DrawFn) -> list[tuple[int, ...]]:
    n, c, o = (draw(st.integers(1, 3)) for _ in range(3))
    return [(n, c, draw(st.integers(4, 8))), (o, c, 3), (o,)]


def _np_conv1d(x: np.ndarray, w: np.ndarray, b: np.ndarray, padding: int) -> np.ndarray:
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding)))
    k = w.shape[-1]
    windows = np.stack([x[..., i : i + k] for i in range(x.shape[-1] - k + 1)], axis=2)  # (N, C, L, k)
    return np.einsum("nclk,ock->nol", windows, w) + b[:, None]


def _np_grouped(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """conv2d, groups = C / w's channels, dilation 2 along the width, padding 1."""
    groups = x.shape[1] // w.shape[1]
    x = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    kh, kw = w.shape[2:]
    oh, ow = x.shape[2] - kh + 1, x.shape[3] - 2 * (kw - 1)
    out = np.zeros((x.shape[0], w.shape[0], oh, ow))
    per_in, per_out = w.shape[1], w.shape[0] // groups
    for g in range(groups):
        xs, ws = x[:, g * per_in : (g + 1) * per_in], w[g * per_out : (g + 1) * per_out]
        for i in range(oh):
            for j in range(ow):
                window = xs[:, :, i : i + kh, j : j + 2 * (kw - 1) + 1 : 2]
                out[:, g * per_out : (g + 1) * per_out, i, j] = np.tensordot(window, ws, axes=([1, 2, 3], [1, 2, 3]))
    return out + b[:, None, None]


def _np_pool(x: np.ndarray, k: int, s: int, p: int, ceil: bool, reduce, fill: float) -> np.ndarray:
    """Pooling as its definition says, PyTorch's output size (a window that starts in
    the padding or past it is dropped), padding filled with `fill`."""
    sizes = []
    for n in x.shape[2:]:
        count = (n + 2 * p - k + (s - 1 if ceil else 0)) // s + 1
        sizes.append(count - 1 if ceil and (count - 1) * s >= n + p else count)
    padded = np.pad(x, ((0, 0), (0, 0), (p, p + s), (p, p + s)), constant_values=fill)
    out = np.zeros((*x.shape[:2], *sizes))
    for i in range(sizes[0]):
        for j in range(sizes[1]):
            out[:, :, i, j] = reduce(padded[:, :, i * s : i * s + k, j * s : j * s + k])
    return out


def _np_avg_counted(x: np.ndarray) -> np.ndarray:
    """avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False): the mean of
    each window over the pixels of x it covers."""
    total = _np_pool(x, 3, 2, 1, True, lambda v: v.sum(axis=(2, 3)), 0.0)
    count = _np_pool(np.ones_like(x), 3, 2, 1, True, lambda v: v.sum(axis=(2, 3)), 0.0)
    return total / count


def _np_adaptive(x: np.ndarray, out: tuple[int, int]) -> np.ndarray:
    h, w = x.shape[2:]
    result = np.zeros((*x.shape[:2], *out))
    for i in range(out[0]):
        for j in range(out[1]):
            rows = slice(i * h // out[0], -(-(i + 1) * h // out[0]))
            cols = slice(j * w // out[1], -(-(j + 1) * w // out[1]))
            result[:, :, i, j] = x[:, :, rows, cols].mean(axis=(2, 3))
    return result


def _np_huber(d: np.ndarray, delta: float) -> np.ndarray:
    a = np.abs(d)
    return np.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta))


EMBEDDING_IDS = np.array([[0, 2, 0], [1, 0, 2]])  # id 0 three times: gradients add up

NN_OPS = [
    dict(name="gelu", tiny=F.gelu, ref=_np_gelu),
    dict(name="gelu_tanh", tiny=lambda a: F.gelu(a, approximate="tanh"), ref=_np_gelu_tanh),
    dict(name="leaky_relu", tiny=lambda a: F.leaky_relu(a, 0.2), ref=lambda a: np.where(a > 0, a, 0.2 * a),
         domain="away_from_zero"),
    dict(name="elu", tiny=lambda a: F.elu(a, 0.7), ref=lambda a: np.where(a > 0, a, 0.7 * np.expm1(np.minimum(a, 0))),
         domain="away_from_zero"),
    dict(name="silu", tiny=F.silu, ref=lambda a: a * _sigmoid(a)),
    dict(name="softplus", tiny=lambda a: F.softplus(a, beta=2.0, threshold=3.0),
         ref=lambda a: np.where(2 * a > 3, a, np.log1p(np.exp(2 * a)) / 2), domain="away_from_half"),
    dict(name="normalize", tiny=lambda a: F.normalize(a, dim=-1), ref=lambda a: a / np.maximum(
        np.sqrt((a * a).sum(-1, keepdims=True)), 1e-12), min_dims=1, domain="away_from_zero"),
    dict(name="embedding", tiny=lambda w: F.embedding(tt.tensor(EMBEDDING_IDS), w), ref=lambda w: w[EMBEDDING_IDS],
         shapes=lambda draw: [(3, draw(st.integers(1, 4)))]),
    # losses
    dict(name="mse_loss_weighted", tiny=lambda a, b: F.mse_loss(a, b, weight=b * b),
         ref=lambda a, b: ((a - b) ** 2 * b * b).sum() / (b * b).sum(), arity=2, min_dims=1),
    dict(name="l1_loss_sum", tiny=lambda a, b: F.l1_loss(a, b, reduction="sum"), ref=lambda a, b: np.abs(a - b).sum(),
         arity=2, domain="distinct"),
    dict(name="smooth_l1_loss", tiny=lambda a, b: F.smooth_l1_loss(a, b, reduction="none", beta=0.5),
         ref=lambda a, b: np.where(np.abs(a - b) < 0.5, (a - b) ** 2, np.abs(a - b) - 0.25), arity=2,
         domain="distinct"),
    dict(name="huber_loss", tiny=lambda a, b: F.huber_loss(a, b, delta=0.5), ref=lambda a, b: _np_huber(a - b, 0.5).mean(),
         arity=2, domain="distinct"),
    dict(name="binary_cross_entropy", tiny=lambda a, b: F.binary_cross_entropy(a.sigmoid(), b.sigmoid(), reduction="none"),
         ref=lambda a, b: -(_sigmoid(b) * np.log(_sigmoid(a)) + (1 - _sigmoid(b)) * np.log(1 - _sigmoid(a))), arity=2),
    dict(name="binary_cross_entropy_with_logits",
         tiny=lambda a, b: F.binary_cross_entropy_with_logits(a, b.sigmoid(), pos_weight=_like(np.full(a.shape[-1:], 2.0), a)),
         ref=lambda a, b: np.mean((1 - _sigmoid(b)) * a + (1 + _sigmoid(b)) * np.log1p(np.exp(-a))), arity=2, min_dims=1),
    dict(name="cross_entropy", tiny=_cross_entropy, ref=_np_cross_entropy, shapes=scores),
    dict(name="cross_entropy_weight_smoothing", tiny=_cross_entropy_weighted, ref=_np_cross_entropy_weighted, shapes=scores),
    dict(name="cross_entropy_probabilities",
         tiny=lambda z: F.cross_entropy(z, _like(_probabilities(z.shape), z), reduction="sum"),
         ref=lambda z: -(_np_log_softmax(z, 1) * _probabilities(z.shape)).sum(), shapes=scores),
    dict(name="nll_loss", tiny=lambda z: F.nll_loss(z, tt.tensor(_classes(z)), _like(WEIGHT[: z.shape[1]], z)),
         ref=lambda z: _np_nll(z, _classes(z), WEIGHT[: z.shape[1]]), shapes=scores),
    # padding, convolution, pooling
    dict(name="pad_constant", tiny=lambda a: F.pad(a, (1, -1, 2, 0), value=0.5),
         ref=lambda a: np.pad(a[..., :-1], [(0, 0)] * (a.ndim - 2) + [(2, 0), (1, 0)], constant_values=0.5),
         min_dims=2, shapes=lambda draw: [(2, 3, 4)]),
    dict(name="pad_reflect", tiny=lambda a: F.pad(a, (2, 1), mode="reflect"), ref=lambda a: np.pad(a, ((0, 0), (0, 0), (2, 1)),
         mode="reflect"), shapes=lambda draw: [(2, 2, draw(st.integers(3, 5)))]),
    dict(name="pad_replicate", tiny=lambda a: F.pad(a, (1, 2, 2, 1), mode="replicate"),
         ref=lambda a: np.pad(a, ((0, 0), (0, 0), (2, 1), (1, 2)), mode="edge"), shapes=lambda draw: [(1, 2, 3, 3)]),
    dict(name="pad_circular", tiny=lambda a: F.pad(a, (2, 1), mode="circular"), ref=lambda a: np.pad(a, ((0, 0), (0, 0), (2, 1)),
         mode="wrap"), shapes=lambda draw: [(2, 1, draw(st.integers(2, 5)))]),
    dict(name="conv1d", tiny=lambda x, w, b: F.conv1d(x, w, b, padding=1), ref=lambda x, w, b: _np_conv1d(x, w, b, 1),
         arity=3, shapes=sequences, example=((2, 3, 6), (4, 3, 3), (4,))),
    dict(name="conv2d_groups_dilation", tiny=lambda x, w, b: F.conv2d(x, w, b, padding=1, dilation=(1, 2),
         groups=x.shape[1] // w.shape[1]), ref=_np_grouped, arity=3, shapes=grouped, example=((2, 4, 5, 6), (6, 2, 2, 3), (6,))),
    dict(name="max_pool2d_padding_ceil", tiny=lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True),
         ref=lambda x: _np_pool(x, 3, 2, 1, True, lambda v: v.max(axis=(2, 3)), -np.inf), domain="distinct", shapes=images,
         example=((2, 3, 6, 5),)),
    dict(name="avg_pool2d_padding_ceil", tiny=lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
         ref=_np_avg_counted, shapes=images, example=((2, 3, 6, 5),)),
    dict(name="adaptive_avg_pool2d", tiny=lambda x: F.adaptive_avg_pool2d(x, (3, 2)), ref=lambda x: _np_adaptive(x, (3, 2)),
         shapes=images, example=((2, 3, 6, 5),)),
]  # fmt: skip
