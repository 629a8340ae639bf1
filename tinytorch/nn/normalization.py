"""LayerNorm: each position's features normalised by their own statistics, the same
in training and evaluation (Ba et al., 2016), as transformers use.

Book: book/modules/13_transformers.md
"""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from ..checks import check_int
from . import functional as F
from . import init
from .module import Module
from .parameter import _fresh


class LayerNorm(Module):
    """Normalise over the last axes (`normalized_shape`), then scale by `weight`
    (ones at first) and shift by `bias` (zeros at first)."""

    def __init__(self, normalized_shape: int | tuple[int, ...], eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        shape = (
            (normalized_shape,)
            if isinstance(normalized_shape, int)
            else tuple(normalized_shape)
        )
        for size in shape:
            check_int("LayerNorm", "normalized_shape", size, low=0)
        self.normalized_shape, self.eps = shape, eps
        self.elementwise_affine = elementwise_affine
        affine = elementwise_affine
        self.register_parameter(
            "weight", _fresh(shape, device, dtype) if affine else None
        )
        has_bias = affine and bias
        self.register_parameter(
            "bias", _fresh(shape, device, dtype) if has_bias else None
        )
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Ones for the weight, zeros for the bias: at first, plain normalisation."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(
            input, self.normalized_shape, self.weight, self.bias, self.eps
        )

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine="
            f"{self.elementwise_affine}, bias={self.bias is not None}"
        )
