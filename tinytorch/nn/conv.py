"""Conv2d: one small filter per output channel, slid over every position of the
image; the layer that put locality back into vision (LeCun et al., 1989).

Book: book/modules/09_convolutions.md
"""

from __future__ import annotations

import math

from .._tensor import Tensor
from ..checks import check_int, check_pair
from ..creation import zeros
from . import functional as F
from . import init
from .module import Module, Parameter


class Conv2d(Module):
    """Images (N, in_channels, H, W) to (N, out_channels, OH, OW), with a weight
    (out_channels, in_channels, kh, kw) and a bias (out_channels,) as in PyTorch.

    Each output pixel sees only a kh x kw patch, and every position shares the same
    weights: in_channels * kh * kw * out_channels of them, whatever the image size.
    They start uniform in ±1/sqrt(in_channels * kh * kw), PyTorch's rule (`nn.init`).
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] = 0,
        bias: bool = True,
    ) -> None:
        check_int("Conv2d", "in_channels", in_channels)
        check_int("Conv2d", "out_channels", out_channels)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = check_pair("Conv2d", "kernel_size", kernel_size)
        self.stride = check_pair("Conv2d", "stride", stride)
        self.padding = check_pair("Conv2d", "padding", padding, low=0)
        shape = (out_channels, in_channels, *self.kernel_size)
        self.weight = init.kaiming_uniform_(Parameter(zeros(shape)), a=math.sqrt(5))
        self.bias = None
        if bias:
            bound = 1 / math.sqrt(init.fan_in(shape))
            self.bias = init.uniform_(Parameter(zeros(out_channels)), -bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding)

    def extra_repr(self) -> str:
        return (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, padding={self.padding}, "
            f"bias={self.bias is not None}"
        )
