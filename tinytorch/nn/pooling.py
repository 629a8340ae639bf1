"""Pooling: each window of an image summed up by one number, its maximum or its
mean, so that later layers see more of the image at lower resolution.

Book: book/modules/09_convolutions.md
"""

from __future__ import annotations

from .._tensor import Tensor
from ..checks import check_pair
from . import functional as F
from .module import Module


class _Pool2d(Module):
    """Kernel and stride of a pooling layer; the stride is the kernel unless given."""

    def __init__(
        self,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] | None = None,
    ) -> None:
        name = type(self).__name__
        self.kernel_size = check_pair(name, "kernel_size", kernel_size)
        self.stride = (
            self.kernel_size if stride is None else check_pair(name, "stride", stride)
        )

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}"


class MaxPool2d(_Pool2d):
    """The maximum of each window; tied maxima share the gradient equally."""

    def forward(self, x: Tensor) -> Tensor:
        return F.max_pool2d(x, self.kernel_size, self.stride)


class AvgPool2d(_Pool2d):
    """The mean of each window."""

    def forward(self, x: Tensor) -> Tensor:
        return F.avg_pool2d(x, self.kernel_size, self.stride)
