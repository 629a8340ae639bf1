"""Tensor: an array that remembers how it was computed, and the factories.

Named like PyTorch's ``torch/_tensor.py``: ``tinytorch.tensor`` is the function that
makes a tensor, so no module may carry that name. Its methods call the primitive ops
of ``ops/``; ``autograd.py`` records them and runs the backward pass.

Book: book/modules/01_tensor.md
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from . import autograd, ops, random
from .checks import ShapeError, check_axes, check_permutation, check_sizes
from .dtypes import DEFAULT_FLOAT, as_array, promote


class Tensor:
    """An n-dimensional array that remembers how it was computed, so that
    `backward()` can fill in the gradients of the tensors it came from."""

    __slots__ = ("_data", "grad", "requires_grad", "_ctx", "_version")
    __array_ufunc__ = None  # `ndarray + Tensor` calls Tensor.__radd__, not numpy

    def __init__(
        self, data: Any, requires_grad: bool = False, dtype: Any = None
    ) -> None:
        self._data = as_array(data, dtype)
        self.grad: np.ndarray | None = None
        self.requires_grad = bool(requires_grad)
        self._ctx: autograd.Function | None = None
        self._version = 0
        if requires_grad and self._data.dtype.kind != "f":
            raise TypeError(
                f"only floating-point tensors can require grad, got {self._data.dtype}"
            )

    @classmethod
    def _wrap(cls, data: np.ndarray, ctx: autograd.Function | None) -> Tensor:
        """Wrap an op's result without __init__'s conversions (every op's hot path)."""
        out = cls.__new__(cls)
        out._data, out.grad, out._ctx, out._version = data, None, ctx, 0
        out.requires_grad = ctx is not None
        return out

    # ------------------------------------------------------------------ autograd
    def backward(self, grad: Any = None) -> None:
        """Accumulate d(self)/d(leaf) into the `.grad` of every leaf that needs one."""
        if not self.requires_grad:
            raise RuntimeError(
                "backward() on a tensor that does not require grad: no input of the "
                "computation had requires_grad=True (or it ran inside no_grad())"
            )
        if grad is None:
            if self._data.size != 1:
                raise RuntimeError(
                    f"backward() without a gradient needs a scalar, but this tensor "
                    f"has shape {self.shape}; reduce it first (e.g. .sum() or "
                    f".mean()) or pass backward(grad) of the same shape"
                )
            grad = np.ones_like(self._data)
        grad = np.asarray(grad._data if isinstance(grad, Tensor) else grad, self.dtype)
        if grad.shape != self.shape:
            raise ShapeError(
                f"backward: gradient of shape {grad.shape} given for a tensor of "
                f"shape {self.shape}"
            )
        autograd.backward(self, grad)

    def detach(self) -> Tensor:
        """The same values, cut off from the graph."""
        return Tensor._wrap(self._data, None)

    # ---------------------------------------------------------------- properties
    @property
    def data(self) -> np.ndarray:
        """The values, as a read-only numpy view.

        Read-only so that autograd sees every change: edit a tensor with `t[i] = v`
        or `t -= v` (inside `no_grad()` for one that requires grad), or assign
        `t.data = new_array`.
        """
        view = self._data.view()
        view.flags.writeable = False
        return view

    @data.setter
    def data(self, values: Any) -> None:
        array = as_array(values, getattr(values, "dtype", None))
        if array.shape != self.shape:
            raise ShapeError(
                f"tensor.data = ...: new values of shape {array.shape} for a tensor of "
                f"shape {self.shape}"
            )
        if self.requires_grad and array.dtype.kind != "f":
            raise TypeError(
                f"tensor.data = ...: {array.dtype} values for a tensor that "
                f"requires grad (it must stay floating-point)"
            )
        self._data = array
        self._version += 1

    @property
    def shape(self) -> tuple[int, ...]:
        """The array's shape."""
        return self._data.shape

    @property
    def dtype(self) -> np.dtype:
        """The array's dtype (float32 unless asked otherwise)."""
        return self._data.dtype

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return self._data.ndim

    @property
    def T(self) -> Tensor:
        """The axes reversed (a matrix's transpose)."""
        return self.transpose()

    def numpy(self) -> np.ndarray:
        """The values as a read-only numpy view (no copy)."""
        return self.data

    def item(self) -> float | int | bool:
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise ValueError(
                f"item(): the tensor has {self._data.size} elements, not 1"
            )
        return self._data.item()

    def float(self) -> Tensor:
        """A float32 copy (graph-free)."""
        return Tensor(self._data, dtype=np.float32)

    def double(self) -> Tensor:
        """A float64 copy (graph-free), e.g. for gradcheck."""
        return Tensor(self._data, dtype=np.float64)

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    def __repr__(self) -> str:
        grad = ", requires_grad=True" if self.requires_grad else ""
        values = np.array2string(self._data, separator=", ", prefix="tensor(")
        return f"tensor({values}{grad})"

    # ---------------------------------------------------------------- arithmetic
    def _pair(self, other: Any, op: str) -> tuple[Tensor, Tensor]:
        """Both operands as tensors of one dtype (`dtypes.promote`)."""
        given = isinstance(other, Tensor)
        if not given:
            other = Tensor._wrap(as_array(other, None), None)
        a, b = promote(self.dtype, other.dtype, given, op)
        return (
            self if a == self.dtype else self._cast(a),
            other if b == other.dtype else other._cast(b),
        )

    def _cast(self, dtype: np.dtype) -> Tensor:
        """The same values in another dtype, for an operand that needs no gradient."""
        return Tensor._wrap(self._data.astype(dtype), None)

    def __add__(self, other: Any) -> Tensor:
        return ops.Add.apply(*self._pair(other, "add"))

    def __mul__(self, other: Any) -> Tensor:
        return ops.Mul.apply(*self._pair(other, "mul"))

    __radd__ = __add__  # a + b == b + a, bit for bit
    __rmul__ = __mul__

    def __matmul__(self, other: Any) -> Tensor:
        return ops.MatMul.apply(*self._pair(other, "matmul"))

    def __rmatmul__(self, other: Any) -> Tensor:
        a, b = self._pair(other, "matmul")
        return ops.MatMul.apply(b, a)

    def __pow__(self, exponent: float) -> Tensor:
        if isinstance(exponent, Tensor):
            raise TypeError(
                "tensor ** tensor is not supported; use (b * a.log()).exp()"
            )
        return ops.Pow.apply(self._float_for(), exponent=exponent)

    def __rpow__(self, base: float) -> Tensor:
        return (self._float_for() * float(np.log(base))).exp()

    def __neg__(self) -> Tensor:
        if self.dtype == np.bool_:
            raise TypeError("negation of a boolean tensor is not supported (as in "
                            "PyTorch); use ~ on its numpy values, or 1 - t")
        return self * -1

    def __sub__(self, other: Any) -> Tensor:
        a, b = self._pair(other, "sub")
        return a + -b

    def __rsub__(self, other: Any) -> Tensor:
        a, b = self._pair(other, "sub")
        return b + -a

    def __truediv__(self, other: Any) -> Tensor:
        a, b = self._pair(other, "div")
        return a._float_for() * b._float_for() ** -1

    def __rtruediv__(self, other: Any) -> Tensor:
        a, b = self._pair(other, "div")
        return b._float_for() * a._float_for() ** -1

    def _float_for(self) -> Tensor:
        """Itself if floating-point, else a float32 copy (as PyTorch does for ints)."""
        return self if self.dtype.kind == "f" else self._cast(np.dtype(DEFAULT_FLOAT))

    # --------------------------------------------------------- in-place editing
    def __setitem__(self, index: Any, value: Any) -> None:
        self._edit("item assignment", operator.setitem, _index(index), value)

    def __iadd__(self, other: Any) -> Tensor:
        return self._edit("+=", np.add, other)

    def __isub__(self, other: Any) -> Tensor:
        return self._edit("-=", np.subtract, other)

    def __imul__(self, other: Any) -> Tensor:
        return self._edit("*=", np.multiply, other)

    def __itruediv__(self, other: Any) -> Tensor:
        return self._edit("/=", np.divide, other)

    def _edit(self, what: str, fn: Any, *args: Any) -> Tensor:
        """Change the values in place, counting the change so autograd can tell."""
        if autograd.enabled and self.requires_grad:
            raise RuntimeError(
                f"{what} on a tensor that requires grad would change a value the graph"
                f" may need; do it inside `with tinytorch.no_grad():` (e.g. a manual "
                f"weight update), or compute a new tensor instead"
            )
        args = tuple(a._data if isinstance(a, Tensor) else a for a in args)
        try:
            if fn is operator.setitem:
                self._data[args[0]] = args[1]
            else:
                fn(self._data, args[0], out=self._data, casting="same_kind")
        except (TypeError, ValueError) as err:  # numpy's casting and shape refusals
            raise TypeError(f"{what}: cannot store the result in this {self.dtype} "
                            f"tensor of shape {self.shape} ({err}); compute a new "
                            f"tensor instead") from None
        self._version += 1
        return self

    # --------------------------------------------------------------- elementwise
    def exp(self) -> Tensor:
        """e ** x, elementwise."""
        return ops.Exp.apply(self._float_for())

    def log(self) -> Tensor:
        """Natural logarithm, elementwise."""
        return ops.Log.apply(self._float_for())

    def relu(self) -> Tensor:
        """max(x, 0), elementwise."""
        return ops.ReLU.apply(self)

    def sigmoid(self) -> Tensor:
        """1 / (1 + e ** -x), elementwise."""
        return ops.Sigmoid.apply(self._float_for())

    def tanh(self) -> Tensor:
        """Hyperbolic tangent, elementwise."""
        return ops.Tanh.apply(self._float_for())

    def clip(self, min: float | None = None, max: float | None = None) -> Tensor:
        """Clamp into [min, max]; the gradient flows only where nothing was clamped."""
        return ops.Clip.apply(self, low=min, high=max)

    # ---------------------------------------------------------------- reductions
    def sum(
        self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
    ) -> Tensor:
        """Sum over `axis` (all axes by default)."""
        return ops.Sum.apply(
            self, axis=check_axes("sum", axis, self.ndim), keepdims=keepdims
        )

    def mean(
        self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
    ) -> Tensor:
        """Mean over `axis` (all axes by default) of a floating-point tensor."""
        if self.dtype.kind != "f":
            raise TypeError(
                f"mean: needs a floating-point tensor, got {self.dtype}; "
                f"convert it with .float()"
            )
        axes = check_axes("mean", axis, self.ndim)
        chosen = range(self.ndim) if axes is None else np.atleast_1d(axes)
        count = int(np.prod([self.shape[a] for a in chosen]))
        if count == 0:
            raise ValueError(f"mean: no elements to average over (shape {self.shape})")
        return self.sum(axis=axes, keepdims=keepdims) * (1 / count)

    def max(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """Maximum over `axis` (all axes by default); ties share the gradient."""
        if self._data.size == 0:
            raise ValueError(
                f"max: no elements to take the maximum of (shape {self.shape})"
            )
        return ops.Max.apply(
            self, axis=check_axes("max", axis, self.ndim), keepdims=keepdims
        )

    def softmax(self, axis: int = -1) -> Tensor:
        """exp(x) / sum(exp(x)) along `axis`, shifted by the max: it never overflows."""
        axis = check_axes("softmax", axis, self.ndim)
        return ops.Softmax.apply(self._float_for(), axis=axis)

    def log_softmax(self, axis: int = -1) -> Tensor:
        """log(softmax(x)), computed stably as z - log(sum(exp(z))), z = x - max(x)."""
        axis = check_axes("log_softmax", axis, self.ndim)
        z = self - self.max(axis=axis, keepdims=True).detach()
        return z - z.exp().sum(axis=axis, keepdims=True).log()

    # --------------------------------------------------------------------- shape
    def reshape(self, *shape: int | tuple[int, ...]) -> Tensor:
        """The same elements in a new shape (one dimension may be -1)."""
        if len(shape) == 1 and isinstance(shape[0], tuple | list):
            shape = tuple(shape[0])
        return ops.Reshape.apply(self, shape=tuple(shape))

    def transpose(self, *axes: int) -> Tensor:
        """Permute the axes (reverse them when none are given)."""
        return ops.Transpose.apply(self, axes=check_permutation(axes, self.ndim))

    def __getitem__(self, index: Any) -> Tensor:
        return ops.Index.apply(self, index=_index(index))


def _index(index: Any) -> Any:
    """An index with any tensors in it replaced by their arrays."""
    if isinstance(index, tuple):
        return tuple(i._data if isinstance(i, Tensor) else i for i in index)
    return index._data if isinstance(index, Tensor) else index


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """A new tensor holding a copy of `data` (floats as float32 unless `dtype` says)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def zeros(
    *shape: int, requires_grad: bool = False, dtype: Any = DEFAULT_FLOAT
) -> Tensor:
    """A tensor of zeros."""
    array = np.zeros(check_sizes("zeros", shape), dtype)
    return Tensor(array, requires_grad=requires_grad, dtype=dtype)


def ones(
    *shape: int, requires_grad: bool = False, dtype: Any = DEFAULT_FLOAT
) -> Tensor:
    """A tensor of ones."""
    array = np.ones(check_sizes("ones", shape), dtype)
    return Tensor(array, requires_grad=requires_grad, dtype=dtype)


def randn(
    *shape: int, requires_grad: bool = False, dtype: Any = DEFAULT_FLOAT
) -> Tensor:
    """Standard normal samples from tinytorch's seeded generator."""
    draw = random.rng().standard_normal
    array = draw(check_sizes("randn", shape), dtype=np.dtype(dtype).type)
    return Tensor(array, requires_grad=requires_grad, dtype=dtype)
