"""The functions of one number that need no class of their own: one op, `Unary`,
and a table of each function with its derivative.

Book: book/modules/05_autograd.md
"""

from __future__ import annotations

import math

import numpy as np

from ..autograd import Function

_LN2, _LN10 = math.log(2), math.log(10)

# name: (the function, its derivative from the input a and the output, or None where
# the function is piecewise constant and the gradient is zero, as in PyTorch)
FUNCTIONS = {
    "sin": (np.sin, lambda a, out: np.cos(a)),
    "cos": (np.cos, lambda a, out: -np.sin(a)),
    "tan": (np.tan, lambda a, out: 1 + out * out),
    "asin": (np.arcsin, lambda a, out: 1 / np.sqrt(1 - a * a)),
    "acos": (np.arccos, lambda a, out: -1 / np.sqrt(1 - a * a)),
    "atan": (np.arctan, lambda a, out: 1 / (1 + a * a)),
    "sinh": (np.sinh, lambda a, out: np.cosh(a)),
    "cosh": (np.cosh, lambda a, out: np.sinh(a)),
    "log2": (np.log2, lambda a, out: 1 / (a * _LN2)),
    "log10": (np.log10, lambda a, out: 1 / (a * _LN10)),
    "log1p": (np.log1p, lambda a, out: 1 / (1 + a)),
    "expm1": (np.expm1, lambda a, out: out + 1),
    "sign": (lambda a: np.where(a == a, np.sign(a), 0), None),  # nan: 0, as PyTorch
    "floor": (np.floor, None),
    "ceil": (np.ceil, None),
    "trunc": (np.trunc, None),
    "round": (np.round, None),  # halves to even, as PyTorch
}


class Unary(Function):
    """FUNCTIONS[name] applied to every number; backward multiplies the gradient by
    the derivative from the table."""

    def forward(ctx, a, name: str, **options):
        function, ctx.derivative = FUNCTIONS[name]
        ctx.name = name
        with np.errstate(divide="ignore", invalid="ignore"):
            out = function(a, **options)
        if ctx.derivative is not None:
            ctx.save_for_backward(a, out)
        return out

    def backward(ctx, grad):
        if ctx.derivative is None:
            return (np.zeros_like(grad),)
        a, out = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return (grad * ctx.derivative(a, out),)

    def __repr__(self) -> str:
        return f"<{getattr(self, 'name', 'unary').capitalize()}Backward>"
