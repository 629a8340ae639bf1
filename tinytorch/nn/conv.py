"""Conv1d and Conv2d: one small filter per output channel, slid over every position
of the input; the layers that put locality back into vision (LeCun et al., 1989).

Book: book/modules/09_convolutions.md
"""

from __future__ import annotations

import math
from typing import Any

from .._tensor import Tensor
from ..checks import check_int
from . import functional as F
from . import init
from .functional_conv import _ints
from .module import Module
from .parameter import _fresh

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """A weight (out_channels, in_channels / groups, *kernel_size) and a bias
    (out_channels,), as in PyTorch.

    Each output sees only a kernel-sized patch, and every position shares the same
    weights. They start uniform in ±1/sqrt(fan_in), fan_in = in_channels / groups *
    the kernel's size: PyTorch's rule (`nn.init`).
    """

    dims: int  # 1 or 2

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any,
                 stride: Any = 1, padding: Any = 0, dilation: Any = 1, groups: int = 1,
                 bias: bool = True, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        name, n = type(self).__name__, self.dims
        for setting, value in (
            ("in_channels", in_channels),
            ("out_channels", out_channels),
        ):
            check_int(name, setting, value, low=0)
        check_int(name, "groups", groups)
        for what, channels in (("in", in_channels), ("out", out_channels)):
            if channels % groups:
                raise ValueError(f"{what}_channels must be divisible by groups")
        if isinstance(padding, str) and padding not in ("same", "valid"):
            raise ValueError(
                f"Invalid padding string {padding!r}, should be one of "
                f"{{'valid', 'same'}}"
            )
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                f"padding_mode must be one of {list(_PADDING_MODES)}, but "
                f"got padding_mode='{padding_mode}'"
            )
        self.in_channels, self.out_channels, self.groups = (
            in_channels,
            out_channels,
            groups,
        )
        self.kernel_size = _ints(kernel_size, n, "kernel_size")
        self.stride, self.dilation = (
            _ints(stride, n, "stride"),
            _ints(dilation, n, "dilation"),
        )
        if padding == "same" and any(s != 1 for s in self.stride):
            raise ValueError("padding='same' is not supported for strided convolutions")
        self.padding = (
            padding if isinstance(padding, str) else _ints(padding, n, "padding")
        )
        self.padding_mode = padding_mode
        shape = (out_channels, in_channels // groups, *self.kernel_size)
        self.weight = _fresh(shape, device, dtype)
        self.register_parameter(
            "bias", _fresh((out_channels,), device, dtype) if bias else None
        )
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's initialisation: weight and bias uniform in ±1/sqrt(fan_in)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        conv = F.conv1d if self.dims == 1 else F.conv2d
        padding = self.padding
        if self.padding_mode != "zeros":  # pad first, then convolve without padding
            input = F.pad(input, self._sides(), mode=self.padding_mode)
            padding = 0
        return conv(
            input,
            self.weight,
            self.bias,
            self.stride,
            padding,
            self.dilation,
            self.groups,
        )

    def _sides(self) -> tuple[int, ...]:
        """F.pad's sizes, last dimension first: (left, right, top, bottom)."""
        sides: list[int] = []
        for i in reversed(range(self.dims)):
            if self.padding == "valid":
                sides += [0, 0]
            elif self.padding == "same":
                total = self.dilation[i] * (self.kernel_size[i] - 1)
                sides += [total // 2, total - total // 2]
            else:
                sides += [self.padding[i]] * 2
        return tuple(sides)

    def extra_repr(self) -> str:
        n, text = (
            self.dims,
            (
                f"{self.in_channels}, {self.out_channels}, kernel_size="
                f"{self.kernel_size}, stride={self.stride}"
            ),
        )
        if self.padding != (0,) * n:
            text += f", padding={self.padding}"
        if self.dilation != (1,) * n:
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


class Conv1d(_ConvNd):
    """Sequences (N, in_channels, L) to (N, out_channels, OL), or one sequence
    (in_channels, L)."""

    dims = 1


class Conv2d(_ConvNd):
    """Images (N, in_channels, H, W) to (N, out_channels, OH, OW), or one image
    (in_channels, H, W)."""

    dims = 2
