"""Matrix products, as PyTorch's "BLAS and LAPACK operations": ``x @ w`` is
``tinytorch.matmul(x, w)`` (numpy's rules for vectors, matrices and batches), the
stricter ``mm``, ``bmm`` and ``dot``, ``outer``, and ``einsum``.

Book: book/modules/05_autograd.md
"""

from __future__ import annotations

import string
from typing import Any

import numpy as np

from . import dtypes, ops
from ._tensor import Tensor, method
from .pointwise import operator


@method
def matmul(input: Tensor, other: Any) -> Tensor:
    """The matrix product: vectors, matrices and (broadcast) batches of them. Both
    of one dtype, as PyTorch asks."""
    if type(other) is not Tensor:
        other = _as_tensor(other)
    if other._data.dtype != input._data.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{input.dtype.name} != {other.dtype.name}")  # fmt: skip
    return ops.MatMul.apply(input, other)


def _as_tensor(value: Any) -> Tensor:
    if isinstance(value, Tensor):
        return value
    if not isinstance(value, np.ndarray):
        raise TypeError(f"matmul: expected a tensor, got {type(value).__name__}")
    return Tensor._wrap(dtypes.as_array(value), None)


Tensor.__matmul__ = operator(matmul)
Tensor.__rmatmul__ = lambda self, other: (  # type: ignore[assignment]
    matmul(_as_tensor(other), self) if isinstance(other, np.ndarray) else NotImplemented
)


def _ndim(name: str, t: Tensor, ndim: int, what: str) -> None:
    if t.ndim != ndim:
        raise RuntimeError(f"{name} must be a {what}")


@method
def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """The product of two matrices (no broadcasting)."""
    _ndim("self", input, 2, "matrix")
    _ndim("mat2", mat2, 2, "matrix")
    return matmul(input, mat2)


@method
def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """The products of two batches of matrices of one batch size (no
    broadcasting)."""
    _ndim("batch1", input, 3, "3D tensor")
    _ndim("batch2", mat2, 3, "3D tensor")
    if input.shape[0] != mat2.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got "
                           f"{input.shape[0]} and {mat2.shape[0]}")  # fmt: skip
    return matmul(input, mat2)


@method
def dot(input: Tensor, tensor: Tensor) -> Tensor:
    """The dot product of two vectors of one length and dtype."""
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and "
                           f"{tensor.ndim}D tensors")  # fmt: skip
    if input.shape != tensor.shape:
        raise RuntimeError(f"inconsistent tensor size, expected tensor "
                           f"[{input.shape[0]}] and src [{tensor.shape[0]}] to have "
                           f"the same number of elements")  # fmt: skip
    if input.dtype != tensor.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{input.dtype.name} and {tensor.dtype.name}")  # fmt: skip
    return matmul(input, tensor)


@method
def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """The outer product of two vectors: out[i, j] = input[i] * vec2[j]."""
    return input.reshape(-1, 1) * vec2.reshape(1, -1)


def einsum(equation: str, *operands: Any) -> Tensor:
    """Products and sums named by letters, as numpy's and PyTorch's einsum:
    einsum("bij,bjk->bik", a, b) is a batch of matrix products; "..." stands for
    broadcast dimensions, and without "->" the output is the letters used once, in
    alphabetical order. The operands meet in their promoted dtype."""
    if len(operands) == 1 and isinstance(operands[0], list | tuple):
        operands = tuple(operands[0])
    tensors = [o if isinstance(o, Tensor) else _as_tensor(o) for o in operands]
    dt = dtypes.common(*tensors)
    explicit = _explicit(equation, [t.ndim for t in tensors])
    return ops.Einsum.apply(*(t._as(dt) for t in tensors), equation=explicit)


def _explicit(equation: str, ndims: list[int]) -> str:
    """The equation with its output letters written out and "..." replaced by
    letters of its own, so that backward can name every dimension."""
    equation = equation.replace(" ", "")
    inputs, arrow, output = equation.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(ndims):
        raise RuntimeError(f"einsum(): {len(ndims)} operands given for the "
                           f"{len(terms)} terms of {equation!r}")  # fmt: skip
    named = [c for c in equation if c.isalpha()]
    spare = [c for c in string.ascii_letters if c not in named]
    spans = [n - len(term.replace("...", ""))
             for term, n in zip(terms, ndims, strict=True)]  # fmt: skip
    broadcast = "".join(spare[: max([s for s, t in zip(spans, terms, strict=True)
                                     if "..." in t], default=0)])  # fmt: skip
    written = [term.replace("...", broadcast[len(broadcast) - span :] if span else "")
               for term, span in zip(terms, spans, strict=True)]  # fmt: skip
    if arrow:
        output = output.replace("...", broadcast)
    else:
        letters = "".join(terms).replace(".", "")
        output = broadcast + "".join(sorted(c for c in set(letters)
                                            if letters.count(c) == 1))  # fmt: skip
    for term, n in zip(written, ndims, strict=True):
        if len(term) != n:
            raise RuntimeError(f"einsum(): the term {term!r} has {len(term)} letters "
                               f"for an operand of {n} dimensions")  # fmt: skip
    return ",".join(written) + "->" + output
