"""Initial weights, as PyTorch's ``torch.nn.init``: each function fills a tensor in
place (outside the graph) from tinytorch's seeded generator and returns it.

Linear and Conv2d start uniform in ±1/sqrt(fan_in), fan_in being the inputs each
output sums over (in_features, or in_channels * kh * kw). That is PyTorch's
default, written there as kaiming_uniform_(weight, a=sqrt(5)): the bound
gain * sqrt(3 / fan_in) with gain sqrt(2 / (1 + a**2)) is exactly 1/sqrt(fan_in).
Outputs then start near the scale of one input, whatever the layer's width.

Book: book/modules/03_layers.md
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .. import random
from .._tensor import Tensor
from ..autograd import no_grad

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
           "conv_transpose2d", "conv_transpose3d", "sigmoid")  # fmt: skip
_GAINS = {"tanh": 5.0 / 3, "relu": math.sqrt(2.0), "selu": 3.0 / 4} | dict.fromkeys(
    _LINEAR, 1
)  # the linear ones: the int 1, as PyTorch returns


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The factor that keeps activations' variance steady through `nonlinearity`
    (He et al., 2015): sqrt(2) for ReLU, sqrt(2 / (1 + slope²)) for a leaky one."""
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, int | float):
            raise ValueError(f"negative_slope {slope} not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity not in _GAINS:
        raise ValueError(f"Unsupported nonlinearity {nonlinearity}")
    return _GAINS[nonlinearity]


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """The inputs each output sums over, and the outputs each input feeds: a
    Linear's (out, in) gives (in, out); a Conv2d's (out, in, kh, kw) gives
    (in * kh * kw, out * kh * kw)."""
    if tensor.ndim < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with "
            "fewer than 2 dimensions"
        )
    receptive = int(np.prod(tensor.shape[2:]))
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fill(tensor: Tensor, values: Any, generator: Any = None) -> Tensor:
    """`tensor` with `values` written in, in place and outside the graph."""
    if generator is not None:
        raise NotImplementedError(
            "nn.init: generator= is not part of tinytorch; "
            "seed its generator with tinytorch.manual_seed"
        )
    if tensor.numel() == 0:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return tensor
    with no_grad():
        tensor[...] = values() if callable(values) else values
    return tensor


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Any = None
             ) -> Tensor:  # fmt: skip
    """Fill with draws from U(a, b)."""
    return _fill(tensor, lambda: random.rng().uniform(a, b, tensor.shape), generator)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Any = None
            ) -> Tensor:  # fmt: skip
    """Fill with draws from N(mean, std²) (float32 draws for a float32 tensor)."""
    dtype = np.float32 if tensor._data.dtype == np.float32 else np.float64

    def draw() -> np.ndarray:
        return random.rng().standard_normal(tensor.shape, dtype) * std + mean

    return _fill(tensor, draw, generator)


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, generator: Any = None) -> Tensor:  # fmt: skip
    """Fill with draws from N(mean, std²) kept only inside [a, b] (drawn again
    until they fall there)."""

    def draw() -> np.ndarray:
        values = random.rng().normal(mean, std, tensor.shape)
        outside = (values < a) | (values > b)
        while outside.any():
            values[outside] = random.rng().normal(mean, std, int(outside.sum()))
            outside = (values < a) | (values > b)
        return values

    return _fill(tensor, draw, generator)


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with `val`."""
    return _fill(tensor, val)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with ones."""
    return _fill(tensor, 1)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with zeros."""
    return _fill(tensor, 0)


def eye_(tensor: Tensor) -> Tensor:
    """Fill a matrix with the identity (ones on the diagonal)."""
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _fill(tensor, np.eye(*tensor.shape))


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """U(±gain * sqrt(6 / (fan_in + fan_out))) (Glorot and Bengio, 2010): the
    variance kept both forward and backward, for tanh and sigmoid networks."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """N(0, gain² * 2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(
            f"Mode {mode} not supported, please use one of fan_in, fan_out"
        )
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor: Tensor, a: float = 0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator: Any = None
                     ) -> Tensor:  # fmt: skip
    """U(±gain * sqrt(3 / fan)) (He et al., 2015): for ReLU networks; the gain is
    that of a leaky ReLU of slope `a` unless `nonlinearity` names another."""
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator: Any = None
                    ) -> Tensor:  # fmt: skip
    """N(0, gain² / fan) (He et al., 2015)."""
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


def orthogonal_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """A (semi-)orthogonal matrix times `gain`, from the QR decomposition of a
    normal draw (Saxe et al., 2013); dimensions after the first are flattened."""
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    rows, cols = tensor.shape[0], tensor.numel() // max(tensor.shape[0], 1)

    def draw() -> np.ndarray:
        flat = random.rng().standard_normal((rows, cols))
        q, r = np.linalg.qr(flat.T if rows < cols else flat)
        q *= np.sign(np.diag(r))  # a unique decomposition: the distribution is uniform
        return gain * (q.T if rows < cols else q).reshape(tensor.shape)

    return _fill(tensor, draw, generator)
