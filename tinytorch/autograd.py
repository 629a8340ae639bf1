"""Autograd: grad mode, the Function base class and the backward pass.

Named like PyTorch's ``torch.autograd``. Every op records itself as a `Function`
node; `backward` walks those nodes from the loss back to the weights, applying the
chain rule. Each edge is checked on the way: a gradient has its input's shape and
dtype, and an input edited in place since the forward pass is an error, not a wrong
gradient.

Book: book/modules/05_autograd.md
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _tensor
from .checks import ShapeError

if TYPE_CHECKING:
    from ._tensor import Tensor

enabled = True  # grad mode: read by Function.apply on every op
# The engine's one hook: None, or a profiler (tinytorch.perf) that runs each forward,
# backward and module call itself to time it. Off, it costs one `is None` per op.
hook: Any = None


@contextlib.contextmanager
def no_grad() -> Iterator[None]:
    """Run without recording a graph (evaluation, optimizer steps); also a decorator."""
    global enabled
    previous, enabled = enabled, False
    try:
        yield
    finally:
        enabled = previous


def is_grad_enabled() -> bool:
    """True unless inside `no_grad()`."""
    return enabled


class Function:
    """One primitive op: `forward` maps arrays to an array, `backward` maps the
    output's gradient to one gradient per input (None where none is needed).

    Both take the node itself as `ctx`, where forward saves what backward needs::

        class Square(Function):
            def forward(ctx, a):
                ctx.a = a
                return a * a

            def backward(ctx, grad):
                return (2 * ctx.a * grad,)
    """

    inputs: tuple[Tensor, ...]
    needs_input_grad: tuple[bool, ...]
    versions: tuple[int, ...]  # of the inputs when forward ran: edits show at backward

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
        """The output from the inputs' arrays; save on `ctx` what backward needs."""
        raise NotImplementedError

    def backward(ctx, grad: np.ndarray) -> Sequence[np.ndarray | None]:
        """d(loss)/d(input) for each input, given d(loss)/d(output)."""
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs: Tensor, **params: Any) -> Tensor:
        """Run forward; record the node only in grad mode and if an input needs grad."""
        ctx = cls()
        try:
            arrays = [t._data for t in inputs]
        except AttributeError:
            kinds = ", ".join(type(t).__name__ for t in inputs)
            problem = (f"{cls.__name__}: its inputs must be tensors, got ({kinds}); "
                       f"wrap arrays with tinytorch.tensor(...)")
            raise TypeError(problem) from None
        if hook is None:
            data = ctx.forward(*arrays, **params)
        else:
            data = hook.forward(ctx, arrays, params)
        if type(data) is not np.ndarray:  # numpy gives scalars for 0-d results
            data = np.asarray(data)
        if enabled:
            needs = tuple([t.requires_grad for t in inputs])
            if True in needs:
                ctx.inputs, ctx.needs_input_grad = inputs, needs
                ctx.versions = tuple([t._version for t in inputs])
                return _tensor.Tensor._wrap(data, ctx)
        return _tensor.Tensor._wrap(data, None)


def backward(root: Tensor, grad: np.ndarray) -> None:
    """Accumulate d(root)/d(leaf) into the `.grad` of every leaf that needs one,
    visiting each op result after everything computed from it."""
    if root._ctx is None:  # a leaf: its own gradient
        root.grad = grad if root.grad is None else root.grad + grad
        return
    grads = {id(root): grad}  # summed over each op result's uses, until it is used
    for node in reversed(_topological_order(root)):
        ctx = node._ctx
        if tuple([t._version for t in ctx.inputs]) != ctx.versions:
            raise _edited_after_forward(ctx)
        if hook is None:
            parent_grads = ctx.backward(grads.pop(id(node)))
        else:
            parent_grads = hook.backward(ctx, grads.pop(id(node)))
        for i, (parent, g) in enumerate(zip(ctx.inputs, parent_grads, strict=True)):
            if g is None or not parent.requires_grad:
                continue
            if g.shape != parent._data.shape or g.dtype != parent._data.dtype:
                raise _wrong_gradient(ctx, i, g)
            if parent._ctx is None:  # a leaf: accumulate into its .grad
                parent.grad = g if parent.grad is None else parent.grad + g
            else:
                key = id(parent)
                grads[key] = g if key not in grads else grads[key] + g


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


def _edited_after_forward(ctx: Function) -> RuntimeError:
    """The error for a node whose input changed in place after its forward pass."""
    i, t = next(
        (i, t) for i, t in enumerate(ctx.inputs) if t._version != ctx.versions[i]
    )
    return RuntimeError(
        f"{type(ctx).__name__}: input {i} (shape {t.shape}) was modified in place "
        f"after the forward pass (version {t._version}, expected {ctx.versions[i]}), "
        f"so the gradients would be wrong; make the change before the forward pass, "
        f"or on a copy"
    )


def _wrong_gradient(ctx: Function, i: int, grad: np.ndarray) -> ShapeError:
    """The error for a backward that returns a gradient unlike its input."""
    t = ctx.inputs[i]
    return ShapeError(
        f"{type(ctx).__name__}.backward returned a gradient of shape {grad.shape} "
        f"({grad.dtype}) for input {i} of shape {t.shape} ({t.dtype})"
    )
