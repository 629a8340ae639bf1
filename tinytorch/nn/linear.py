"""Linear: the fully connected layer, y = x W^T + b; and Identity, which passes its
input through (a placeholder where a layer is optional).

Book: book/modules/03_layers.md
"""

from __future__ import annotations

import math
from typing import Any

from .._tensor import Tensor
from ..checks import check_int
from . import functional as F
from . import init
from .module import Module
from .parameter import _fresh


class Identity(Module):
    """The input itself; takes (and ignores) any arguments, as PyTorch's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """y = x W^T + b, with W of shape (out_features, in_features) as in PyTorch.

    W and b start uniform in ±1/sqrt(in_features), PyTorch's rule (see `nn.init`).
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        check_int("Linear", "in_features", in_features, low=0)
        check_int("Linear", "out_features", out_features, low=0)
        self.in_features, self.out_features = in_features, out_features
        # column-major, so x @ weight.T reads a row-major (in, out) matrix: OpenBLAS's
        # fast path (about 30 % at batch 32)
        shape = (out_features, in_features)
        self.weight = _fresh(shape, device, dtype, order="F")
        self.register_parameter(
            "bias", _fresh((out_features,), device, dtype) if bias else None
        )
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's initialisation: weight and bias uniform in ±1/sqrt(in_features)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )
