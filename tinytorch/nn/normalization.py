"""BatchNorm2d: each channel normalised by its batch statistics while training, by
running averages of them in evaluation (Ioffe and Szegedy, 2015). LayerNorm: each
position's features normalised by their own statistics, the same in training and
evaluation (Ba et al., 2016), as transformers use.

Book: book/modules/09_convolutions.md
"""

from __future__ import annotations

from .._tensor import Tensor
from ..checks import ShapeError, check_int, check_number
from ..creation import ones, tensor, zeros
from . import functional as F
from .module import Buffer, Module, Parameter


class BatchNorm2d(Module):
    """Per channel of images (N, C, H, W): (x - mean) / sqrt(var + eps) * weight +
    bias, as PyTorch's.

    Training uses the batch's statistics and updates the buffers running_mean and
    running_var (by `momentum`, or as a cumulative average if it is None);
    evaluation (`model.eval()`) uses those. The buffers are saved by `state_dict`.
    """

    def __init__(
        self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1
    ) -> None:
        check_int("BatchNorm2d", "num_features", num_features)
        check_number("BatchNorm2d", "eps", eps, low=0, low_inclusive=False)
        if momentum is not None:
            check_number("BatchNorm2d", "momentum", momentum, 0, 1, high_inclusive=True)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.weight = Parameter(ones(num_features))
        self.bias = Parameter(zeros(num_features))
        self.running_mean = Buffer(zeros(num_features))
        self.running_var = Buffer(ones(num_features))
        self.num_batches_tracked = Buffer(tensor(0))  # int64

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim != 4 or x.shape[1] != self.num_features:
            raise ShapeError(
                f"BatchNorm2d: input of shape {x.shape}; it needs images (N, C, H, W) "
                f"with C = num_features = {self.num_features}"
            )
        momentum = self.momentum or 0.0
        if self.training:
            self.num_batches_tracked += 1
            if self.momentum is None:  # a cumulative average of every batch so far
                momentum = 1 / self.num_batches_tracked.item()
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight,
                            self.bias, self.training, momentum, self.eps)  # fmt: skip

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps:g}, momentum={self.momentum}"


class LayerNorm(Module):
    """Normalise over the last axes (`normalized_shape`), then scale by `weight`
    (ones at first) and shift by `bias` (zeros at first)."""

    def __init__(
        self,
        normalized_shape: int | tuple[int, ...],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
    ) -> None:
        shape = (
            (normalized_shape,)
            if isinstance(normalized_shape, int)
            else tuple(normalized_shape)
        )
        for size in shape:
            check_int("LayerNorm", "normalized_shape", size)
        check_number("LayerNorm", "eps", eps, low_inclusive=False)
        self.normalized_shape, self.eps = shape, eps
        self.weight = Parameter(ones(shape)) if elementwise_affine else None
        self.bias = Parameter(zeros(shape)) if elementwise_affine else None

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(
            input, self.normalized_shape, self.weight, self.bias, self.eps
        )

    def extra_repr(self) -> str:
        affine = f"elementwise_affine={self.weight is not None}"
        return f"{self.normalized_shape}, eps={self.eps:g}, {affine}"
