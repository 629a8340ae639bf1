"""Tensor: an array that remembers how it was computed.

Named like PyTorch's ``torch/_tensor.py``. This file is the class itself: its
values, its place in the graph, conversions, Python's protocols, the indexing, and
in-place editing. The functions that are also methods (``x.sum()`` is
``tinytorch.sum(x)``), and the operators (``x + y`` is ``tinytorch.add(x, y)``), live
with their kind (``pointwise.py``, ``comparison.py``, ``reduction.py``, ...) and join
the class through `method`.

Book: book/modules/01_tensor.md
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from . import autograd, compatibility, dtypes, ops
from .checks import check_dim
from .devices import cpu, device


class Size(tuple):
    """A tensor's shape, as ``torch.Size``: a tuple of ints."""

    __slots__ = ()

    def numel(self) -> int:
        """The number of elements a tensor of this shape holds."""
        return int(np.prod(self, dtype=np.int64))

    def __repr__(self) -> str:
        return f"tinytorch.Size({list(self)})"


class Tensor:
    """An n-dimensional array that remembers how it was computed, so that
    `backward()` can fill in the gradients of the tensors it came from.

    ``Tensor(data)`` and ``Tensor(2, 3)`` keep PyTorch's old constructor (always the
    default float dtype); ``tinytorch.tensor(data)`` is the usual way to make one.
    """

    # _version is a one-element list shared by a tensor and its views, so an edit
    # through any of them is seen by every graph that saved one of them
    __slots__ = ("_data", "_grad", "_requires_grad", "_ctx", "_version", "_base",
                 "_retains")  # fmt: skip
    __array_priority__ = 1000  # `ndarray + Tensor` calls Tensor.__radd__, not numpy

    def __init__(self, *args: Any) -> None:
        many = not args or isinstance(args[0], int | np.integer)
        data = np.zeros(args or (0,), dtypes.default_float()) if many else args[0]
        if not many and len(args) > 1:
            raise TypeError("Tensor(data) takes one sequence, or sizes: Tensor(2, 3)")
        self._data = dtypes.as_array(data).astype(dtypes.default_float(), copy=False)
        self._grad = self._ctx = self._base = None
        self._requires_grad = self._retains = False
        self._version = [0]

    @classmethod
    def _wrap(cls, data: np.ndarray, ctx: autograd.Function | None) -> Tensor:
        """Wrap an op's result without __init__'s conversions (every op's hot path)."""
        out = cls.__new__(cls)
        out._data, out._grad, out._ctx, out._base = data, None, ctx, None
        out._requires_grad, out._retains, out._version = ctx is not None, False, [0]
        return out

    # ------------------------------------------------------------------ autograd
    def backward(
        self,
        gradient: Any = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Any = None,
    ) -> None:
        """Accumulate d(self)/d(leaf) into the `.grad` of every leaf that needs one."""
        autograd.backward(self, gradient, retain_graph, create_graph, inputs)

    @property
    def requires_grad(self) -> bool:
        """Whether gradients flow to this tensor (set it on leaves only)."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self._ctx is not None and not value:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you "
                "want to use a computed variable in a subgraph that doesn't require "
                "differentiation use var_no_grad = var.detach()."
            )
        if value and self._data.dtype.kind != "f":
            raise RuntimeError(
                f"only Tensors of floating point dtype can require gradients, not "
                f"{self.dtype}"
            )
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set requires_grad in place and return the tensor."""
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self) -> Tensor | None:
        """The gradient backward() accumulated here (a tensor), or None."""
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None and not isinstance(value, Tensor):
            raise TypeError(f"assigned grad expected to be a Tensor or None but got "
                            f"grad of type {type(value).__name__}")  # fmt: skip
        if value is not None and (
            value.shape != self.shape or value.dtype != self.dtype
        ):
            raise RuntimeError(f"assigned grad has shape {tuple(value.shape)} and "
                               f"{value.dtype}, the tensor {tuple(self.shape)} and "
                               f"{self.dtype}")  # fmt: skip
        self._grad = value

    @property
    def is_leaf(self) -> bool:
        """True unless computed by an op that recorded its inputs."""
        return self._ctx is None

    @property
    def grad_fn(self) -> autograd.Function | None:
        """The node that computed this tensor, or None for a leaf."""
        return self._ctx

    def retain_grad(self) -> None:
        """Keep this computed tensor's gradient in `.grad` too, as leaves do."""
        if not self._requires_grad:
            raise RuntimeError(
                "can't retain_grad on Tensor that has requires_grad=False"
            )
        self._retains = self._ctx is not None

    def detach(self) -> Tensor:
        """The same values and memory, cut off from the graph: an edit through it
        is an edit of this tensor, as autograd sees it."""
        out = Tensor._wrap(self._data, None)
        out._version, out._base = self._version, self._base
        return out

    def detach_(self) -> Tensor:
        """Cut this tensor off from the graph, in place."""
        self._ctx, self._requires_grad = None, False
        return self

    # -------------------------------------------------------------- what it holds
    @property
    def data(self) -> Tensor:
        """The values as a tensor outside the graph, sharing memory; edits through
        it are not tracked (PyTorch's `.data`; `.detach()` is the safe one)."""
        return Tensor._wrap(self._data, None)

    @data.setter
    def data(self, values: Tensor) -> None:
        if not isinstance(values, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got "
                            f"{type(values).__name__}")  # fmt: skip
        if self._requires_grad and values._data.dtype.kind != "f":
            raise RuntimeError("data set to a tensor that requires gradients must be "
                               "floating point")  # fmt: skip
        self._data = values._data

    @property
    def shape(self) -> Size:
        """The tensor's sizes."""
        return Size(self._data.shape)

    def size(self, dim: int | None = None) -> Size | int:
        """The shape, or the size of one dimension."""
        return (
            self.shape if dim is None else self._data.shape[check_dim(dim, self.ndim)]
        )

    @property
    def dtype(self) -> dtypes.dtype:
        """The element type (float32 unless asked otherwise)."""
        return dtypes.of(self._data)

    @property
    def device(self) -> device:
        """Always the CPU."""
        return cpu

    is_cuda = False

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return self._data.ndim

    def dim(self) -> int:
        """Number of dimensions."""
        return self._data.ndim

    def numel(self) -> int:
        """Number of elements."""
        return self._data.size

    def element_size(self) -> int:
        """Bytes per element."""
        return self._data.itemsize

    def is_floating_point(self) -> bool:
        """True for float16, float32 and float64 tensors."""
        return self._data.dtype.kind == "f"

    def is_contiguous(self) -> bool:
        """True if the elements lie in memory in row-major order."""
        return self._data.flags.c_contiguous

    # ---------------------------------------------------------------- conversions
    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        values = self.numpy()  # an error if it requires grad, as in PyTorch
        return values if dtype is None else values.astype(dtype, copy=False)

    def __array_wrap__(self, array: np.ndarray, context: Any = None,
                       return_scalar: bool = False) -> Tensor:  # fmt: skip
        return Tensor._wrap(np.asarray(array), None)  # np.exp(tensor) is a tensor

    # ------------------------------------------------------------ Python protocols
    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self._data)))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            many = "more than one value" if self._data.size else "no values"
            raise RuntimeError(f"Boolean value of Tensor with {many} is ambiguous")
        return bool(self._data)

    def __float__(self) -> float:
        return float(self._scalar())

    def __int__(self) -> int:
        return int(self._scalar())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError(
                "only integer tensors of a single element can be converted to an index"
            )
        return int(self._data)

    def _scalar(self) -> Any:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python "
                             "scalars")  # fmt: skip
        return self._data.reshape(()).item()

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return format(self._data.item(), spec)
        if spec:
            raise TypeError("unsupported format string passed to Tensor.__format__")
        return repr(self)

    def __hash__(self) -> int:
        return id(self)

    def __getattr__(self, name: str) -> Any:  # only for names the class lacks
        compatibility.missing("Tensor", name)

    def __contains__(self, element: Any) -> bool:
        return bool((self == element).any())

    def __repr__(self) -> str:
        values = np.array2string(self._data, separator=", ", prefix="tensor(")
        extra = ""
        shown_anyway = _SHOWN_WITHOUT_DTYPE | {dtypes.default_float()}
        if self._data.dtype not in shown_anyway:
            extra += f", dtype={self.dtype!r}"
        if self._ctx is not None:
            extra += f", grad_fn={self._ctx!r}"
        elif self._requires_grad:
            extra += ", requires_grad=True"
        return f"tensor({values}{extra})"

    def _as(self, dt: np.dtype) -> Tensor:
        """Itself if of dtype `dt`, else a differentiable cast."""
        return self if self._data.dtype == dt else ops.Copy.apply(self, dtype=dt)

    # --------------------------------------------------------- in-place editing
    def _inplace(self, compute: Callable[..., Tensor], *args: Any, **kw: Any) -> Tensor:
        """Make this tensor's values compute(self, ...), in its own memory, so that
        views see the change; the version counter records the edit.

        With gradients recorded the tensor takes over the result's place in the
        graph (PyTorch's in-place ops), and values the result's node saved from the
        old tensor are kept as copies, so its gradient stays right.
        """
        recorded = autograd.is_grad_enabled() and (
            self._requires_grad
            or any(getattr(a, "_requires_grad", False) for a in args)
        )
        if not self._data.flags.writeable:
            raise RuntimeError("unsupported operation: more than one element of the "
                               "written-to tensor refers to a single memory location "
                               "(an expanded tensor, say). Please clone() the tensor "
                               "before performing the operation.")  # fmt: skip
        if not recorded:
            with autograd.no_grad():
                result = compute(self, *args, **kw)
            _store(self, result._data)
            return self
        if self._ctx is None and self._requires_grad:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place "
                "operation. (Edit it inside `with tinytorch.no_grad():`, as optimizers "
                "do, or compute a new tensor instead.)"
            )
        if self._base is not None:
            raise RuntimeError(
                "an in-place change to a view of another tensor while gradients are "
                "recorded is not part of tinytorch (PyTorch rewrites the base tensor's "
                "history); change the base tensor itself, or work on a .clone()"
            )
        old = Tensor._wrap(self._data, self._ctx)  # the tensor as it was, in the graph
        old._version, old._requires_grad = self._version, self._requires_grad
        result = compute(old, *args, **kw)
        result = result._as(self._data.dtype) if _castable(result, self) else result
        _keep_old_values(result, old, args)
        _store(self, result._data)
        self._ctx, self._requires_grad = result._ctx, result._requires_grad
        return self


def _keep_old_values(result: Tensor, old: Tensor, args: tuple[Any, ...]) -> None:
    """In the nodes that computed `result` from `old`, replace the saved arrays that
    are `old`'s memory (about to be overwritten) by one copy of them."""
    copy: list[np.ndarray] = []
    given = {id(old), *(id(a) for a in args)}
    stack = [result]
    while stack:
        ctx = stack.pop()._ctx
        if ctx is None:
            continue
        if ctx.saved and any(s is old._data for s in ctx.saved):
            copy = copy or [old._data.copy()]
            ctx.saved = tuple(copy[0] if s is old._data else s for s in ctx.saved)
            ctx.watched = [w for w in ctx.watched if w[0] is not old._version]
        stack.extend(t for t in ctx.inputs if id(t) not in given)


def method(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Make a function a Tensor method as well: `tinytorch.sum(x)` is `x.sum()`."""
    setattr(Tensor, fn.__name__, fn)
    return fn


def inplace(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Add the in-place method `fn_` (x.clamp_(0) makes x its clamp(0))."""

    def edit(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(fn, *args, **kwargs)

    edit.__name__ = edit.__qualname__ = fn.__name__ + "_"
    edit.__doc__ = f"In place: the tensor becomes its own {fn.__name__}(...)."
    setattr(Tensor, edit.__name__, edit)
    return fn


def _castable(result: Tensor, target: Tensor) -> bool:
    """True if the result may be stored in the target's dtype (PyTorch's rule: not
    a float into an integer, not a number into a bool); else an error."""
    have, want = result._data.dtype, target._data.dtype
    if have != want and not np.can_cast(have, want, casting="same_kind"):
        have_name, want_name = dtypes.of(result._data).name, target.dtype.name
        raise RuntimeError(f"result type {have_name} can't be cast to the desired "
                           f"output type {want_name}")  # fmt: skip
    return have != want


def _store(target: Tensor, values: np.ndarray) -> None:
    _castable(Tensor._wrap(values, None), target)
    shape = target._data.shape
    if values.shape != shape and np.broadcast_shapes(values.shape, shape) != shape:
        raise RuntimeError(f"output with shape {list(shape)} doesn't match the "
                           f"broadcast shape {list(values.shape)}")  # fmt: skip
    np.copyto(target._data, values, casting="unsafe")
    target._version[0] += 1


_SHOWN_WITHOUT_DTYPE = {np.dtype(np.int64), np.dtype(np.bool_)}
