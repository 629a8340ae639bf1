"""Tensor and reverse-mode autograd.

Each primitive op is one `Function` with its forward and backward side by side. Composite ops (sub, div, mean,
softmax, log_softmax, ...) are built from primitives on the `Tensor` class and get their gradients for free.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

DEFAULT_FLOAT = np.float32
_grad_enabled = True
_rng = np.random.default_rng(0)


class ShapeError(ValueError):
    """Raised when an op gets inputs whose shapes do not fit together; the message names the op and the shapes."""


@contextlib.contextmanager
def no_grad() -> Iterator[None]:
    """Run without recording a graph (evaluation, optimizer steps); also usable as a decorator."""
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, False
    try:
        yield
    finally:
        _grad_enabled = previous


def is_grad_enabled() -> bool:
    """True unless inside `no_grad()`."""
    return _grad_enabled


def manual_seed(seed: int) -> None:
    """Seed tinytorch's random generator (randn, layer initialisation, dropout, shuffling)."""
    global _rng
    _rng = np.random.default_rng(seed)


def rng() -> np.random.Generator:
    """The generator that `manual_seed` resets; everything random in tinytorch draws from it."""
    return _rng


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum `grad` back down to `shape`, undoing numpy broadcasting (the rule every binary op's backward needs)."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(i + extra for i, n in enumerate(shape) if n == 1 and grad.shape[i + extra] != 1)
    return grad.sum(axis=axes).reshape(shape)


class Function:
    """One primitive op: `forward` maps arrays to an array, `backward` maps the output's grad to each input's grad."""

    inputs: tuple[Tensor, ...]
    needs_input_grad: tuple[bool, ...]

    def forward(ctx, *arrays: np.ndarray, **params: Any) -> np.ndarray:
        """Compute the output from the inputs' arrays; save on `ctx` what backward will need."""
        raise NotImplementedError

    def backward(ctx, grad: np.ndarray) -> Sequence[np.ndarray | None]:
        """Given d(loss)/d(output), return d(loss)/d(input) for each input (None where not needed)."""
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs: Tensor, **params: Any) -> Tensor:
        """Run forward; record this node in the graph only if grad mode is on and some input needs a grad."""
        ctx = cls()
        data = ctx.forward(*[t.data for t in inputs], **params)
        if _grad_enabled:
            needs = tuple([t.requires_grad for t in inputs])
            if True in needs:
                ctx.inputs, ctx.needs_input_grad = inputs, needs
                return Tensor._wrap(data, ctx)
        return Tensor._wrap(data, None)


def _check_broadcast(op: str, a: np.ndarray, b: np.ndarray) -> None:
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ShapeError(f"{op}: shapes {a.shape} and {b.shape} cannot be broadcast together") from None


# ----------------------------------------------------------------------------------------------- primitive ops


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
    """a ** exponent for a constant exponent."""

    def forward(ctx, a, exponent: float):
        ctx.a, ctx.exponent = a, exponent
        return a**exponent

    def backward(ctx, grad):
        return (grad * ctx.exponent * ctx.a ** (ctx.exponent - 1),)


class MatMul(Function):
    """a @ b, numpy's matmul rules (vectors, matrices, batches)."""

    def forward(ctx, a, b):
        if a.ndim == 0 or b.ndim == 0 or a.shape[-1] != b.shape[0 if b.ndim == 1 else -2]:
            raise ShapeError(f"matmul: shapes {a.shape} and {b.shape} do not match (inner dimensions differ)")
        ctx.a, ctx.b = a, b
        return a @ b

    def backward(ctx, grad):
        a, b = ctx.a, ctx.b
        a2 = a.reshape(1, -1) if a.ndim == 1 else a  # a vector acts as a one-row matrix on the left...
        b2 = b.reshape(-1, 1) if b.ndim == 1 else b  # ...and as a one-column matrix on the right
        grad = grad.reshape(np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]) + (a2.shape[-2], b2.shape[-1]))
        return (
            unbroadcast(grad @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape) if ctx.needs_input_grad[0] else None,
            unbroadcast(np.swapaxes(a2, -1, -2) @ grad, b2.shape).reshape(b.shape) if ctx.needs_input_grad[1] else None,
        )


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
        return a * ctx.mask  # (not np.maximum: the product keeps the dtype and reuses the mask)

    def backward(ctx, grad):
        return (grad * ctx.mask,)


class Sigmoid(Function):
    """1 / (1 + e ** -a)."""

    def forward(ctx, a):
        ctx.out = 0.5 * (1 + np.tanh(0.5 * a))  # the tanh form never overflows, unlike 1 / (1 + exp(-a))
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


class Sum(Function):
    """Sum over axes."""

    def forward(ctx, a, axis, keepdims: bool):
        ctx.shape, ctx.axis, ctx.keepdims = a.shape, axis, keepdims
        return np.asarray(a.sum(axis=axis, keepdims=keepdims))

    def backward(ctx, grad):
        if not ctx.keepdims and ctx.axis is not None:
            grad = np.expand_dims(grad, ctx.axis)
        return (np.broadcast_to(grad, ctx.shape).copy(),)


class Max(Function):
    """Maximum over axes."""

    def forward(ctx, a, axis, keepdims: bool):
        ctx.a, ctx.axis, ctx.keepdims = a, axis, keepdims
        ctx.out = a.max(axis=axis, keepdims=True)
        return ctx.out if keepdims else np.squeeze(ctx.out, axis=axis)

    def backward(ctx, grad):
        if not ctx.keepdims:
            grad = np.expand_dims(grad, ctx.axis if ctx.axis is not None else tuple(range(ctx.a.ndim)))
        winners = ctx.a == ctx.out  # ties share the gradient equally
        return (grad * winners / winners.sum(axis=ctx.axis, keepdims=True),)


class Reshape(Function):
    """Same elements, new shape."""

    def forward(ctx, a, shape: tuple[int, ...]):
        ctx.shape = a.shape
        try:
            return a.reshape(shape)
        except ValueError:
            raise ShapeError(f"reshape: cannot reshape {a.shape} ({a.size} elements) into {shape}") from None

    def backward(ctx, grad):
        return (grad.reshape(ctx.shape),)


class Transpose(Function):
    """Permute axes."""

    def forward(ctx, a, axes: tuple[int, ...] | None):
        ctx.axes = axes
        return np.transpose(a, axes)

    def backward(ctx, grad):
        return (np.transpose(grad, None if ctx.axes is None else np.argsort(ctx.axes)),)


class Index(Function):
    """a[index], basic or advanced indexing."""

    def forward(ctx, a, index):
        ctx.shape, ctx.dtype, ctx.index = a.shape, a.dtype, index
        return a[index]

    def backward(ctx, grad):
        full = np.zeros(ctx.shape, dtype=ctx.dtype)
        np.add.at(full, ctx.index, grad)  # add.at, not +=, so repeated indices accumulate
        return (full,)


# ----------------------------------------------------------------------------------------------------- Tensor


def _topological_order(root: Tensor) -> list[Tensor]:
    """Every op result that leads to `root`, inputs before outputs (leaves left out); iterative, so deep graphs work."""
    order: list[Tensor] = []
    visited: set[int] = set()
    stack: list[tuple[Tensor, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif id(node) not in visited:
            visited.add(id(node))
            stack.append((node, True))
            stack.extend([(p, False) for p in node._ctx.inputs if p.requires_grad and p._ctx is not None])
    return order


class Tensor:
    """An n-dimensional array that remembers how it was computed, so `backward()` can fill in gradients."""

    __slots__ = ("data", "grad", "requires_grad", "_ctx")
    __array_ufunc__ = None  # make `ndarray + Tensor` call Tensor.__radd__ instead of numpy's ufunc

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None) -> None:
        self.data = _as_array(data, dtype)
        self.grad: np.ndarray | None = None
        self.requires_grad = requires_grad
        self._ctx: Function | None = None
        if requires_grad and not np.issubdtype(self.data.dtype, np.floating):
            raise TypeError(f"only floating-point tensors can require grad, got dtype {self.data.dtype}")

    @classmethod
    def _wrap(cls, data: np.ndarray, ctx: Function | None) -> Tensor:
        """Wrap an op's result without the conversions of __init__ (the hot path of every op)."""
        out = cls.__new__(cls)
        out.data, out.grad, out.requires_grad, out._ctx = data, None, ctx is not None, ctx
        return out

    # ------------------------------------------------------------------------------------------- autograd
    def backward(self, grad: Any = None) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's `.grad` (leaves are tensors created with requires_grad)."""
        if not self.requires_grad:
            raise RuntimeError("backward() on a tensor that does not require grad: no input had requires_grad=True")
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward() without a gradient needs a scalar, but this tensor has shape {self.shape}; "
                    "reduce it first (e.g. .sum() or .mean()) or pass backward(grad) of the same shape"
                )
            grad = np.ones_like(self.data)
        grad = np.asarray(grad.data if isinstance(grad, Tensor) else grad, dtype=self.dtype)
        if grad.shape != self.shape:
            raise ShapeError(f"backward: gradient of shape {grad.shape} given for a tensor of shape {self.shape}")
        if self._ctx is None:  # backward() on a leaf: its own grad
            self.grad = grad if self.grad is None else self.grad + grad
            return
        grads = {id(self): grad}  # grads of op results, summed over their uses, until their node is processed
        for node in reversed(_topological_order(self)):
            g = grads.pop(id(node))
            for parent, parent_grad in zip(node._ctx.inputs, node._ctx.backward(g), strict=True):
                if parent_grad is None or not parent.requires_grad:
                    continue
                if parent._ctx is None:  # a leaf: accumulate straight into .grad
                    parent.grad = parent_grad if parent.grad is None else parent.grad + parent_grad
                    continue
                key = id(parent)
                grads[key] = parent_grad if key not in grads else grads[key] + parent_grad

    def detach(self) -> Tensor:
        """The same data, cut off from the graph."""
        return Tensor._wrap(self.data, None)

    # ---------------------------------------------------------------------------------------- properties
    @property
    def shape(self) -> tuple[int, ...]:
        """The array's shape."""
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        """The array's dtype (float32 unless asked otherwise)."""
        return self.data.dtype

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return self.data.ndim

    @property
    def T(self) -> Tensor:
        """Reverse the axes (a matrix's transpose)."""
        return self.transpose()

    def numpy(self) -> np.ndarray:
        """The underlying numpy array (shared, not copied)."""
        return self.data

    def item(self) -> float | int:
        """The value of a one-element tensor as a Python number."""
        return self.data.item()

    def float(self) -> Tensor:
        """A float32 copy (graph-free)."""
        return Tensor(self.data, dtype=np.float32)

    def double(self) -> Tensor:
        """A float64 copy (graph-free), e.g. for gradcheck."""
        return Tensor(self.data, dtype=np.float64)

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        grad = ", requires_grad=True" if self.requires_grad else ""
        return f"tensor({np.array2string(self.data, separator=', ', prefix='tensor(')}{grad})"

    # ----------------------------------------------------------------------------------------- arithmetic
    def _other(self, other: Any, op: str) -> Tensor:
        """Turn a number or array into a tensor of this dtype; refuse mixing float32 with float64 silently."""
        if isinstance(other, Tensor):
            if other.dtype != self.dtype and other.dtype.kind == self.dtype.kind == "f":
                raise TypeError(
                    f"{op}: dtypes {self.dtype} and {other.dtype} differ; convert one with .float() or .double()"
                )
            return other
        return Tensor._wrap(np.asarray(other, dtype=self.dtype if self.dtype.kind == "f" else None), None)

    def __add__(self, other: Any) -> Tensor:
        return Add.apply(self, self._other(other, "add"))

    def __mul__(self, other: Any) -> Tensor:
        return Mul.apply(self, self._other(other, "mul"))

    def __matmul__(self, other: Any) -> Tensor:
        return MatMul.apply(self, self._other(other, "matmul"))

    def __rmatmul__(self, other: Any) -> Tensor:
        return MatMul.apply(self._other(other, "matmul"), self)

    def __pow__(self, exponent: float) -> Tensor:
        if isinstance(exponent, Tensor):
            raise TypeError("tensor ** tensor is not supported; use exp(b * log(a))")
        return Pow.apply(self, exponent=exponent)

    def __rpow__(self, base: float) -> Tensor:
        return (self * float(np.log(base))).exp()

    def __neg__(self) -> Tensor:
        return self * -1.0

    def __sub__(self, other: Any) -> Tensor:
        return self + -self._other(other, "sub")

    def __rsub__(self, other: Any) -> Tensor:
        return self._other(other, "sub") + -self

    def __truediv__(self, other: Any) -> Tensor:
        return self * self._other(other, "div") ** -1

    def __rtruediv__(self, other: Any) -> Tensor:
        return self._other(other, "div") * self**-1

    __radd__ = __add__
    __rmul__ = __mul__

    # -------------------------------------------------------------------------------------- elementwise
    def exp(self) -> Tensor:
        """e ** x, elementwise."""
        return Exp.apply(self)

    def log(self) -> Tensor:
        """Natural logarithm, elementwise."""
        return Log.apply(self)

    def relu(self) -> Tensor:
        """max(x, 0), elementwise."""
        return ReLU.apply(self)

    def sigmoid(self) -> Tensor:
        """1 / (1 + e ** -x), elementwise."""
        return Sigmoid.apply(self)

    def tanh(self) -> Tensor:
        """Hyperbolic tangent, elementwise."""
        return Tanh.apply(self)

    def clip(self, min: float | None = None, max: float | None = None) -> Tensor:
        """Clamp into [min, max]; the gradient flows only where the value was not clamped."""
        return Clip.apply(self, low=min, high=max)

    # --------------------------------------------------------------------------------------- reductions
    def sum(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """Sum over `axis` (all axes by default)."""
        return Sum.apply(self, axis=axis, keepdims=keepdims)

    def mean(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """Mean over `axis` (all axes by default)."""
        axes = range(self.ndim) if axis is None else np.atleast_1d(axis)
        count = int(np.prod([self.shape[a] for a in axes]))
        return self.sum(axis=axis, keepdims=keepdims) * (1.0 / count)

    def max(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """Maximum over `axis` (all axes by default); ties share the gradient."""
        return Max.apply(self, axis=axis, keepdims=keepdims)

    def softmax(self, axis: int = -1) -> Tensor:
        """exp(x) / sum(exp(x)) along `axis`, shifted by the max so that it never overflows."""
        e = (self - self.max(axis=axis, keepdims=True).detach()).exp()  # the shift cancels, so no grad needed
        return e / e.sum(axis=axis, keepdims=True)

    def log_softmax(self, axis: int = -1) -> Tensor:
        """log(softmax(x)) computed stably as z - log(sum(exp(z))) with z = x - max(x)."""
        z = self - self.max(axis=axis, keepdims=True).detach()
        return z - z.exp().sum(axis=axis, keepdims=True).log()

    # ------------------------------------------------------------------------------------------- shape
    def reshape(self, *shape: int | tuple[int, ...]) -> Tensor:
        """The same elements in a new shape (one dimension may be -1)."""
        target = shape[0] if len(shape) == 1 and isinstance(shape[0], tuple | list) else shape
        return Reshape.apply(self, shape=tuple(target))

    def transpose(self, *axes: int) -> Tensor:
        """Permute the axes (reverse them when none are given)."""
        return Transpose.apply(self, axes=axes or None)

    def __getitem__(self, index: Any) -> Tensor:
        if isinstance(index, Tensor):
            index = index.data
        elif isinstance(index, tuple):
            index = tuple(i.data if isinstance(i, Tensor) else i for i in index)
        return Index.apply(self, index=index)


def _as_array(data: Any, dtype: Any) -> np.ndarray:
    """Floats become float32 unless a dtype is given; integers and booleans keep their kind."""
    if isinstance(data, Tensor):
        data = data.data
    array = np.array(data, dtype=dtype)
    if dtype is None and array.dtype.kind == "f" and array.dtype != DEFAULT_FLOAT:
        array = array.astype(DEFAULT_FLOAT)
    return array


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """A new tensor holding a copy of `data` (float32 for floats unless `dtype` says otherwise)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def zeros(*shape: int, requires_grad: bool = False, dtype: Any = DEFAULT_FLOAT) -> Tensor:
    """A tensor of zeros."""
    return Tensor(np.zeros(shape, dtype=dtype), requires_grad=requires_grad, dtype=dtype)


def ones(*shape: int, requires_grad: bool = False, dtype: Any = DEFAULT_FLOAT) -> Tensor:
    """A tensor of ones."""
    return Tensor(np.ones(shape, dtype=dtype), requires_grad=requires_grad, dtype=dtype)


def randn(*shape: int, requires_grad: bool = False, dtype: Any = DEFAULT_FLOAT) -> Tensor:
    """Standard normal samples from tinytorch's seeded generator."""
    return Tensor(_rng.standard_normal(shape, dtype=np.dtype(dtype).type), requires_grad=requires_grad, dtype=dtype)
