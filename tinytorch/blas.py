"""Matrix products, as PyTorch's "BLAS and LAPACK operations": ``x @ w`` is
``tinytorch.matmul(x, w)``, numpy's rules for vectors, matrices and batches.

Book: book/modules/05_autograd.md
"""

from __future__ import annotations

from typing import Any

from . import ops
from ._tensor import Tensor, method
from .pointwise import operands, operator


@method
def matmul(input: Tensor, other: Any) -> Tensor:
    """The matrix product: vectors, matrices and (broadcast) batches of them."""
    return ops.MatMul.apply(*operands(input, other))


Tensor.__matmul__ = operator(matmul)
Tensor.__rmatmul__ = operator(matmul, reflected=True)
