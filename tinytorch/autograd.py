"""Autograd: grad mode, the Function base class and the backward pass.

Named like PyTorch's ``torch.autograd``. Every op records itself as a `Function`
node; `backward` walks those nodes from the loss back to the weights, applying the
chain rule. Each edge is checked on the way: a gradient has its input's shape and
dtype, and a value saved for backward that was edited in place since is an error, not
a wrong gradient. A graph's saved values are freed by its backward pass unless
`retain_graph=True`, as in PyTorch.

Book: book/modules/05_autograd.md
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _tensor
from .checks import ShapeError

if TYPE_CHECKING:
    from ._tensor import Tensor


class _GradMode(threading.local):
    """Grad mode, one per thread as in PyTorch: on in every new thread."""

    enabled = True


_mode = _GradMode()
# The engine's one hook: None, or a profiler (tinytorch.perf) that runs each forward,
# backward and module call itself to time it. Off, it costs one `is None` per op.
hook: Any = None


def is_grad_enabled() -> bool:
    """True unless inside `no_grad()` (in this thread)."""
    return _mode.enabled


class no_grad:  # noqa: N801 (PyTorch's name, as the classes below)
    """Run without recording a graph (evaluation, optimizer steps): a context
    manager, or a decorator written @no_grad() or @no_grad."""

    mode = False  # grad mode inside the block

    def __new__(cls, fn: Callable[..., Any] | None = None) -> Any:
        if callable(fn):  # @no_grad without parentheses
            return _decorate(fn, cls)
        return super().__new__(cls)

    def __init__(self, fn: Callable[..., Any] | None = None) -> None:
        self.previous = _mode.enabled

    def __enter__(self) -> None:
        self.previous, _mode.enabled = _mode.enabled, self.mode

    def __exit__(self, *exc: object) -> None:
        _mode.enabled = self.previous

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        return _decorate(fn, lambda: copy.copy(self))


class enable_grad(no_grad):  # noqa: N801
    """Record graphs again inside a `no_grad()` block; also a decorator."""

    mode = True


class inference_mode(no_grad):  # noqa: N801
    """PyTorch's faster no_grad; in tinytorch it is `no_grad` (mode=False: off)."""

    def __new__(cls, mode: Any = True) -> Any:
        return no_grad.__new__(cls, mode if callable(mode) else None)

    def __init__(self, mode: bool = True) -> None:
        super().__init__()
        self.mode = not mode


class set_grad_enabled(no_grad):  # noqa: N801
    """Turn grad mode on or off: at once, and back on leaving a `with` block."""

    def __new__(cls, mode: bool) -> Any:
        return object.__new__(cls)

    def __init__(self, mode: bool) -> None:
        self.mode, self.previous = bool(mode), _mode.enabled
        _mode.enabled = self.mode

    def __enter__(self) -> None:
        return None  # the mode changed already, when the object was made

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        _mode.enabled = self.previous  # as a decorator it acts only when called
        return _decorate(fn, enable_grad if self.mode else no_grad)


def _decorate(fn: Callable[..., Any], make: Callable[[], Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        with make():
            return fn(*args, **kwargs)

    return run


FREED = (
    "Trying to backward through the graph a second time (or directly access saved "
    "tensors after they have already been freed). Saved intermediate values of the "
    "graph are freed when you call .backward(); specify retain_graph=True if you "
    "need to backward through the graph a second time"
)


class Function:
    """One primitive op: `forward` maps arrays to an array, `backward` maps the
    output's gradient to one gradient per input (None where none is needed).

    Both take the node itself as `ctx`; forward saves what backward needs with
    `ctx.save_for_backward`, and backward reads it back from `ctx.saved_tensors`::

        class Square(Function):
            def forward(ctx, a):
                ctx.save_for_backward(a)
                return a * a

            def backward(ctx, grad):
                (a,) = ctx.saved_tensors
                return (2 * a * grad,)

    `ctx.needs_input_grad` says, already in forward, which inputs need a gradient.
    """

    is_view = False  # True for ops whose result may share its input's memory
    inputs: tuple[Tensor, ...]
    needs_input_grad: tuple[bool, ...]
    saved: tuple[np.ndarray, ...] | None = ()  # None once freed by backward
    watched: list[tuple[list[int], int]]  # (version counter, version) of saved values

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in ("forward", "backward"):
            if isinstance(cls.__dict__.get(name), staticmethod | classmethod):
                raise TypeError(
                    f"{cls.__name__}.{name} is a {type(cls.__dict__[name]).__name__}; "
                    f"in tinytorch it is a plain method whose first argument is the "
                    f"node itself: `def {name}(ctx, ...)` without @staticmethod "
                    f"(see the Function docstring)"
                )

    def forward(ctx, *arrays: np.ndarray, **params: Any) -> np.ndarray:
        """The output from the inputs' arrays; save what backward needs."""
        raise NotImplementedError

    def backward(ctx, grad: np.ndarray) -> Sequence[np.ndarray | None]:
        """d(loss)/d(input) for each input, given d(loss)/d(output)."""
        raise NotImplementedError

    def save_for_backward(ctx, *arrays: np.ndarray) -> None:
        """Keep arrays for backward; an input or output among them is guarded
        against in-place edits until then."""
        ctx.saved = arrays

    @property
    def saved_tensors(ctx) -> tuple[np.ndarray, ...]:
        """What forward saved; an error once a backward pass has freed it."""
        if ctx.saved is None:
            raise RuntimeError(FREED)
        return ctx.saved

    def __repr__(self) -> str:
        return f"<{type(self).__name__}Backward>"

    @classmethod
    def apply(cls, *inputs: Tensor, **params: Any) -> Tensor:
        """Run forward; record the node only in grad mode and if an input needs grad."""
        ctx = cls()
        try:
            arrays = [t._data for t in inputs]
        except AttributeError:
            kinds = ", ".join(type(t).__name__ for t in inputs)
            problem = (
                f"{cls.__name__}: its inputs must be tensors, got ({kinds}); "
                f"wrap arrays with tinytorch.tensor(...)"
            )
            raise TypeError(problem) from None
        needs = tuple([t._requires_grad for t in inputs])
        record = _mode.enabled and True in needs
        ctx.needs_input_grad = needs if record else (False,) * len(needs)
        if hook is None:
            data = ctx.forward(*arrays, **params)
        else:
            data = hook.forward(ctx, arrays, params)
        if type(data) is not np.ndarray:  # numpy gives scalars for 0-d results
            data = np.asarray(data)
        out = _tensor.Tensor._wrap(data, ctx if record else None)
        if (
            cls.is_view
            and data.base is not None
            and np.may_share_memory(data, arrays[0])
        ):  # a view: edits through either are edits of both
            base = inputs[0] if inputs[0]._base is None else inputs[0]._base
            out._version, out._base = inputs[0]._version, base
        if record:
            ctx.inputs = inputs
            if ctx.saved:
                ctx.watched = _watch(ctx.saved, inputs, out)
        return out


def _watch(saved: tuple[Any, ...], inputs: tuple[Tensor, ...], out: Tensor) -> list:
    """(version counter, version now) of every input or output whose array was saved:
    backward compares them, so an in-place edit since is an error."""
    watched = []
    for s in saved:
        if s is out._data:
            watched.append((out._version, out._version[0]))
        else:
            for t in inputs:
                if s is t._data:
                    watched.append((t._version, t._version[0]))
                    break
    return watched


def backward(
    tensors: Tensor | Sequence[Tensor],
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Any = None,
) -> None:
    """Accumulate d(tensors)/d(leaf) into every leaf's `.grad`, as
    ``torch.autograd.backward``; `tensor.backward()` calls this."""
    if create_graph or inputs is not None:
        raise NotImplementedError(
            "backward(create_graph=..., inputs=...) is not part of tinytorch: it "
            "computes first derivatives into the leaves' .grad only"
        )
    many = isinstance(tensors, list | tuple)
    roots = list(tensors) if many else [tensors]
    grads = list(grad_tensors) if many and grad_tensors is not None else [grad_tensors]
    if len(grads) != len(roots):
        grads = [None] * len(roots) if grad_tensors is None else grads
    for root, grad in zip(roots, grads, strict=True):
        _run(root, _root_grad(root, grad), bool(retain_graph))


def _root_grad(root: Tensor, grad: Any) -> np.ndarray:
    if not root._requires_grad:
        raise RuntimeError(
            "element 0 of tensors does not require grad and does not have a grad_fn: "
            "no input of the computation had requires_grad=True (or it ran inside "
            "no_grad())"
        )
    if grad is None:
        if root._data.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for scalar outputs: this tensor "
                f"has shape {tuple(root.shape)}; reduce it first (.sum() or .mean()) "
                f"or pass backward(gradient) of the same shape"
            )
        return np.ones_like(root._data)
    values = np.array(getattr(grad, "_data", grad), root._data.dtype)  # a copy
    if values.shape != root._data.shape:
        raise ShapeError(
            f"backward: gradient of shape {values.shape} given for a tensor of "
            f"shape {root._data.shape}"
        )
    return values


def _run(root: Tensor, grad: np.ndarray, retain_graph: bool) -> None:
    """Visit each op result after everything computed from it, summing its gradient
    over its uses, and hand each leaf its share."""
    delivered: set[int] = set()  # arrays already some leaf's .grad in this pass
    if root._ctx is None:
        _accumulate(root, grad, delivered)
        return
    grads = {id(root): grad}
    for node in reversed(_topological_order(root)):
        ctx, g = node._ctx, grads.pop(id(node))
        if ctx.saved is None:
            raise RuntimeError(FREED)
        if ctx.saved:
            _check_versions(ctx)
        if node._retains:
            _accumulate(node, g, delivered)
        parent_grads = ctx.backward(g) if hook is None else hook.backward(ctx, g)
        if not retain_graph and ctx.saved:
            ctx.saved = None  # free what forward kept
        for i, (parent, pg) in enumerate(zip(ctx.inputs, parent_grads, strict=True)):
            if pg is None or not parent._requires_grad:
                continue
            if pg.shape != parent._data.shape or pg.dtype != parent._data.dtype:
                raise _wrong_gradient(ctx, i, pg)
            if parent._ctx is None:
                _accumulate(parent, pg, delivered)
            else:
                key = id(parent)
                grads[key] = pg if key not in grads else grads[key] + pg


def _accumulate(leaf: Tensor, g: np.ndarray, delivered: set[int]) -> None:
    """Add `g` to `leaf.grad`, in place as PyTorch does; a first gradient that is
    already another leaf's (an add hands both inputs the same array) is copied."""
    if leaf._grad is None:
        owner = id(g if g.base is None else g.base)
        if owner in delivered or not g.flags.writeable:
            g = g.copy()
        delivered.add(owner)
        leaf._grad = _tensor.Tensor._wrap(g, None)
        return
    old = leaf._grad._data
    if old.flags.writeable and old.shape == g.shape:
        np.add(old, g, out=old, casting="unsafe")
        leaf._grad._version[0] += 1
    else:
        leaf._grad._data = old + g


def _check_versions(ctx: Function) -> None:
    for counter, version in ctx.watched:
        if counter[0] != version:
            raise RuntimeError(
                f"one of the variables needed for gradient computation has been "
                f"modified by an inplace operation: an input or output of "
                f"{type(ctx).__name__} is at version {counter[0]}; expected version "
                f"{version} instead. Make the change before the forward pass, or on "
                f"a .clone()"
            )


def _topological_order(root: Tensor) -> list[Tensor]:
    """Every op result that leads to `root`, inputs before outputs (leaves left out).

    Iterative (an explicit stack), so a graph 10,000 ops deep works too.
    """
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
            parents = node._ctx.inputs
            stack.extend([(p, False) for p in parents if p._ctx is not None])
    return order


def _wrong_gradient(ctx: Function, i: int, grad: np.ndarray) -> ShapeError:
    """The error for a backward that returns a gradient unlike its input."""
    t = ctx.inputs[i]
    return ShapeError(
        f"{type(ctx).__name__}.backward returned a gradient of shape {grad.shape} "
        f"({grad.dtype}) for input {i} of shape {tuple(t.shape)} ({t._data.dtype})"
    )
