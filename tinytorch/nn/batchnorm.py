"""BatchNorm1d and BatchNorm2d: each channel normalised by its batch statistics
while training, by running averages of them in evaluation (Ioffe and Szegedy, 2015).

Book: book/modules/09_convolutions.md
"""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from ..checks import ShapeError, check_int
from ..creation import tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import _fresh


class _BatchNorm(Module):
    """Per channel (axis 1): (x - mean) / sqrt(var + eps) * weight + bias, as
    PyTorch's.

    Training uses the batch's statistics and, with track_running_stats, updates the
    buffers running_mean and running_var (by `momentum`, or as a cumulative average
    if it is None); evaluation (`model.eval()`) uses those. The buffers are saved by
    `state_dict`.
    """

    dims: tuple[int, ...]  # the input dimensions the layer takes

    def __init__(
        self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
        affine: bool = True, track_running_stats: bool = True, device: Any = None,
        dtype: Any = None, *, bias: bool = True,
    ) -> None:  # fmt: skip
        super().__init__()
        check_int(type(self).__name__, "num_features", num_features)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        shape = (num_features,)
        self.register_parameter(
            "weight", _fresh(shape, device, dtype) if affine else None
        )
        has_bias = affine and bias
        self.register_parameter(
            "bias", _fresh(shape, device, dtype) if has_bias else None
        )
        if track_running_stats:
            self.register_buffer("running_mean", _fresh(shape, device, dtype).detach())
            self.register_buffer("running_var", _fresh(shape, device, dtype).detach())
            self.register_buffer("num_batches_tracked", tensor(0))  # int64
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        """Running mean 0, variance 1, no batch counted."""
        if self.track_running_stats:
            init.zeros_(self.running_mean)
            init.ones_(self.running_var)
            init.zeros_(self.num_batches_tracked)

    def reset_parameters(self) -> None:
        """The running statistics reset, weight ones, bias zeros."""
        self.reset_running_stats()
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in self.dims:
            wanted = " or ".join(f"{d}D" for d in self.dims)
            raise ValueError(f"expected {wanted} input (got {input.ndim}D input)")
        if input.shape[1] != self.num_features:
            shape, name = tuple(input.shape), type(self).__name__
            raise ShapeError(f"{name}: input of shape {shape} has {shape[1]} channels, "
                             f"num_features is {self.num_features}")  # fmt: skip
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked += 1
            if self.momentum is None:  # a cumulative average of every batch so far
                momentum = 1 / self.num_batches_tracked.item()
        batch_stats = self.training or self.running_mean is None  # untracked: always
        return F.batch_norm(input, self.running_mean, self.running_var, self.weight,
                            self.bias, batch_stats, momentum, self.eps)  # fmt: skip

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")  # fmt: skip


class BatchNorm1d(_BatchNorm):
    """Batch norm of vectors (N, C) or sequences (N, C, L), per channel C."""

    dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch norm of images (N, C, H, W), per channel C."""

    dims = (4,)
