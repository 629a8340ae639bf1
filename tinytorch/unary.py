"""Functions of one number (``x.exp()``, ``torch.sin(x)``, ``x.floor_()``), applied
to every element. Integer tensors go into the functions that need floats (exp, sin,
sqrt, ...) as the default float dtype, as in PyTorch; rounding and sign keep their
dtype and have a zero gradient.

Book: book/modules/02_activations.md
"""

from __future__ import annotations

import numpy as np

from . import ops
from ._tensor import Tensor, inplace, method
from .pointwise import floating


def _unary(name: str, input: Tensor, **options: object) -> Tensor:
    return ops.Unary.apply(floating(input), name=name, **options)


def _same_dtype(name: str, input: Tensor, **options: object) -> Tensor:
    """Rounding and sign: integers come back as they are (sign of a bool too)."""
    if input._data.dtype.kind in "iub":
        signs = name == "sign" and input._data.dtype != np.bool_
        values = np.sign(input._data) if signs else input._data.copy()
        return Tensor._wrap(values, None)
    return ops.Unary.apply(input, name=name, **options)


@method
@inplace
def exp(input: Tensor) -> Tensor:
    """e ** x."""
    return ops.Exp.apply(floating(input))


@method
@inplace
def log(input: Tensor) -> Tensor:
    """Natural logarithm (-inf at 0, nan below)."""
    return ops.Log.apply(floating(input))


@method
@inplace
def log2(input: Tensor) -> Tensor:
    """Logarithm to base 2."""
    return _unary("log2", input)


@method
@inplace
def log10(input: Tensor) -> Tensor:
    """Logarithm to base 10."""
    return _unary("log10", input)


@method
@inplace
def log1p(input: Tensor) -> Tensor:
    """log(1 + x), accurate for small x."""
    return _unary("log1p", input)


@method
@inplace
def expm1(input: Tensor) -> Tensor:
    """e ** x - 1, accurate for small x."""
    return _unary("expm1", input)


@method
@inplace
def sqrt(input: Tensor) -> Tensor:
    """Square root."""
    return ops.Pow.apply(floating(input), exponent=0.5)


@method
@inplace
def rsqrt(input: Tensor) -> Tensor:
    """1 / sqrt(x)."""
    return ops.Pow.apply(floating(input), exponent=-0.5)


@method
@inplace
def reciprocal(input: Tensor) -> Tensor:
    """1 / x."""
    return ops.Pow.apply(floating(input), exponent=-1)


@method
@inplace
def square(input: Tensor) -> Tensor:
    """x * x (integers stay integers; booleans become int64, as in PyTorch)."""
    if input._data.dtype == np.bool_:
        input = input.long()
    return ops.Pow.apply(input, exponent=2)


@method
@inplace
def abs(input: Tensor) -> Tensor:  # noqa: A001 (PyTorch's name)
    """|x|; its gradient is sign(x), 0 at 0."""
    if input._data.dtype == np.bool_:
        raise NotImplementedError("\"abs_cpu\" not implemented for 'Bool'")
    sign = Tensor._wrap(np.sign(input._data), None)
    return ops.Mul.apply(input, sign)


Tensor.__abs__ = abs  # type: ignore[assignment]


@method
@inplace
def sign(input: Tensor) -> Tensor:
    """-1, 0 or 1: the sign of each value (0 for nan, as in PyTorch)."""
    return _same_dtype("sign", input)


@method
@inplace
def floor(input: Tensor) -> Tensor:
    """Rounded down to a whole number."""
    return _same_dtype("floor", input)


@method
@inplace
def ceil(input: Tensor) -> Tensor:
    """Rounded up to a whole number."""
    return _same_dtype("ceil", input)


@method
@inplace
def trunc(input: Tensor) -> Tensor:
    """Rounded toward zero (the fractional part dropped)."""
    return _same_dtype("trunc", input)


@method
@inplace
def round(input: Tensor, *, decimals: int = 0) -> Tensor:  # noqa: A001
    """Rounded to `decimals` places, halves to the even neighbour (2.5 -> 2)."""
    return _same_dtype("round", input, decimals=decimals)


@method
@inplace
def frac(input: Tensor) -> Tensor:
    """x - trunc(x): the fractional part, with x's sign."""
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f'"frac_cpu" not implemented for {input.dtype}')
    return input - trunc(input)


@method
@inplace
def sin(input: Tensor) -> Tensor:
    """Sine (radians)."""
    return _unary("sin", input)


@method
@inplace
def cos(input: Tensor) -> Tensor:
    """Cosine (radians)."""
    return _unary("cos", input)


@method
@inplace
def tan(input: Tensor) -> Tensor:
    """Tangent (radians)."""
    return _unary("tan", input)


@method
@inplace
def asin(input: Tensor) -> Tensor:
    """Inverse sine (nan outside [-1, 1])."""
    return _unary("asin", input)


@method
@inplace
def acos(input: Tensor) -> Tensor:
    """Inverse cosine (nan outside [-1, 1])."""
    return _unary("acos", input)


@method
@inplace
def atan(input: Tensor) -> Tensor:
    """Inverse tangent."""
    return _unary("atan", input)


@method
@inplace
def sinh(input: Tensor) -> Tensor:
    """Hyperbolic sine."""
    return _unary("sinh", input)


@method
@inplace
def cosh(input: Tensor) -> Tensor:
    """Hyperbolic cosine."""
    return _unary("cosh", input)


@method
@inplace
def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent."""
    return ops.Tanh.apply(floating(input))


@method
@inplace
def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + e ** -x)."""
    return ops.Sigmoid.apply(floating(input))


@method
@inplace
def relu(input: Tensor) -> Tensor:
    """max(x, 0)."""
    return ops.ReLU.apply(input)
