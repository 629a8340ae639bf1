"""Linear: the fully connected layer, y = x W^T + b.

Book: book/modules/03_layers.md
"""

from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor
from ..checks import check_int
from ..creation import zeros
from ..dtypes import default_float
from . import functional as F
from . import init
from .module import Module, Parameter


class Linear(Module):
    """y = x W^T + b, with W of shape (out_features, in_features) as in PyTorch.

    W and b start uniform in ±1/sqrt(in_features), PyTorch's rule (see `nn.init`).
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True) -> None:
        check_int("Linear", "in_features", in_features)
        check_int("Linear", "out_features", out_features)
        self.in_features, self.out_features = in_features, out_features
        # column-major, so x @ weight.T reads a row-major (in, out) matrix: OpenBLAS's
        # fast path (about 30 % at batch 32)
        weight = np.zeros((out_features, in_features), default_float(), order="F")
        self.weight = init.kaiming_uniform_(Parameter(weight), a=math.sqrt(5))
        self.bias = None
        if bias:
            bound = 1 / math.sqrt(in_features)
            self.bias = init.uniform_(Parameter(zeros(out_features)), -bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )
