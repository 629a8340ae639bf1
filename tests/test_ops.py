"""Every op, from one registry: forward against numpy, backward against float64 central differences."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinytorch as tt
from tinytorch.nn import functional as F


@dataclass(frozen=True)
class Op:
    name: str
    tiny: Callable[..., tt.Tensor]
    ref: Callable[..., np.ndarray]
    arity: int = 1
    domain: str = "any"  # any | positive | away_from_zero | distinct
    broadcast: bool = False  # binary ops get mutually broadcastable shapes
    min_dims: int = 0


def _np_log_softmax(x: np.ndarray) -> np.ndarray:
    z = x - x.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def _np_gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))


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
    Op("gelu", F.gelu, _np_gelu),
    Op("clip", lambda a: a.clip(-0.5, 0.5), lambda a: np.clip(a, -0.5, 0.5), domain="away_from_half"),
    Op("sum", lambda a: a.sum(), np.sum),
    Op("sum_axis0", lambda a: a.sum(axis=0), lambda a: a.sum(axis=0), min_dims=1),
    Op("sum_last_keepdims", lambda a: a.sum(axis=-1, keepdims=True), lambda a: a.sum(-1, keepdims=True), min_dims=1),
    Op("mean", lambda a: a.mean(), np.mean),
    Op("mean_axis0", lambda a: a.mean(axis=0), lambda a: a.mean(axis=0), min_dims=1),
    Op("max", lambda a: a.max(), np.max, domain="distinct"),
    Op("max_last", lambda a: a.max(axis=-1), lambda a: a.max(axis=-1), domain="distinct", min_dims=1),
    Op("max_keep", lambda a: a.max(0, keepdims=True), lambda a: a.max(0, keepdims=True), 1, "distinct", min_dims=1),
    Op("softmax", lambda a: a.softmax(), lambda a: np.exp(_np_log_softmax(a)), min_dims=1),
    Op("log_softmax", lambda a: a.log_softmax(), _np_log_softmax, min_dims=1),
    Op("reshape", lambda a: a.reshape(-1), lambda a: a.reshape(-1)),
    Op("transpose", lambda a: a.transpose(), np.transpose),
    Op("T", lambda a: a.T, lambda a: a.T),
    Op("index_first", lambda a: a[0], lambda a: a[0], min_dims=1),
    Op("index_repeated", lambda a: a[np.array([0, 0, -1])], lambda a: a[np.array([0, 0, -1])], min_dims=1),
    Op("index_slice", lambda a: a[..., ::2], lambda a: a[..., ::2], min_dims=1),
]


def _values(draw: st.DrawFn, shape: tuple[int, ...], domain: str) -> np.ndarray:
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    size = int(np.prod(shape))
    if domain == "positive":
        x = rng.uniform(0.5, 2.0, size)
    elif domain == "away_from_zero":  # keep off ReLU's kink, where the derivative is undefined
        x = rng.choice([-1.0, 1.0], size) * rng.uniform(0.1, 2.0, size)
    elif domain == "away_from_half":  # keep off the clip bounds
        x = rng.choice([-1.0, 1.0], size) * rng.choice([rng.uniform(0, 0.4), rng.uniform(0.6, 2)], size)
    elif domain == "distinct":  # ties in max would make the gradient ill-defined for finite differences
        x = rng.permutation(size) * 0.1 + rng.uniform(0, 0.01, size)
    else:
        x = rng.uniform(-2.0, 2.0, size)
    return x.reshape(shape)


@st.composite
def op_inputs(draw: st.DrawFn, op: Op) -> list[np.ndarray]:
    if op.arity == 2 and op.broadcast:
        shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4)).input_shapes
    else:
        shapes = [draw(hnp.array_shapes(min_dims=max(op.min_dims, 0), max_dims=3, min_side=1, max_side=4))] * op.arity
        if op.min_dims == 0 and draw(st.booleans()):
            shapes = [()] * op.arity
    return [_values(draw, shape, op.domain) for shape in shapes]


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_forward_matches_numpy(op: Op, data: st.DataObject) -> None:
    arrays = data.draw(op_inputs(op))
    out = op.tiny(*[tt.tensor(a) for a in arrays])
    expected = op.ref(*[a.astype(np.float32) for a in arrays])
    assert out.dtype == np.float32, f"{op.name} changed float32 to {out.dtype}"
    np.testing.assert_allclose(out.data, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_backward_matches_central_differences(op: Op, data: st.DataObject) -> None:
    arrays = data.draw(op_inputs(op))
    inputs = [tt.tensor(a, requires_grad=True, dtype=np.float64) for a in arrays]
    assert tt.gradcheck(op.tiny, inputs)


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


@pytest.mark.parametrize(
    ("shape_a", "shape_b"),
    [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)), ((2, 3, 4), (4, 5)), ((2, 3, 4), (2, 4, 5))],
)
def test_matmul_shapes_forward_and_backward(shape_a: tuple[int, ...], shape_b: tuple[int, ...]) -> None:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(shape_a), rng.standard_normal(shape_b)
    out = tt.tensor(a) @ tt.tensor(b)
    np.testing.assert_allclose(out.data, (a @ b).astype(np.float32), rtol=1e-5, atol=1e-5)
    inputs = [tt.tensor(a, requires_grad=True, dtype=np.float64), tt.tensor(b, requires_grad=True, dtype=np.float64)]
    assert tt.gradcheck(lambda x, y: x @ y, inputs)


def test_linear_function_matches_matmul_and_gradcheck() -> None:
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal((5, 3)), rng.standard_normal((4, 3)), rng.standard_normal(4)
    out = F.linear(tt.tensor(x), tt.tensor(w), tt.tensor(b))
    np.testing.assert_allclose(out.data, (x @ w.T + b).astype(np.float32), rtol=1e-5, atol=1e-5)
    inputs = [tt.tensor(v, requires_grad=True, dtype=np.float64) for v in (x, w, b)]
    assert tt.gradcheck(F.linear, inputs)
    assert tt.gradcheck(lambda x, w: F.linear(x, w), inputs[:2])


def test_losses_gradcheck() -> None:
    rng = np.random.default_rng(2)
    logits = tt.tensor(rng.standard_normal((6, 4)), requires_grad=True, dtype=np.float64)
    classes = np.array([0, 3, 1, 1, 2, 0])
    assert tt.gradcheck(lambda z: F.cross_entropy(z, classes), [logits])
    prob = tt.tensor(rng.uniform(0.1, 0.9, (6, 1)), requires_grad=True, dtype=np.float64)
    target = tt.tensor(rng.integers(0, 2, (6, 1)), dtype=np.float64)
    assert tt.gradcheck(lambda p: F.binary_cross_entropy(p, target), [prob])
    z = tt.tensor(rng.choice([-1, 1], (6, 1)) * rng.uniform(0.1, 3, (6, 1)), requires_grad=True, dtype=np.float64)
    assert tt.gradcheck(lambda z: F.binary_cross_entropy_with_logits(z, target), [z])
    pred = tt.tensor(rng.standard_normal((6, 2)), requires_grad=True, dtype=np.float64)
    assert tt.gradcheck(lambda p: F.mse_loss(p, tt.tensor(np.ones((6, 2)), dtype=np.float64)), [pred])
