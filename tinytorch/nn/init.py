"""Initial weights, as PyTorch's ``torch.nn.init``: the rules layers start from.

Linear and Conv2d both start uniform in ±1/sqrt(fan_in), fan_in being the inputs
each output sums over (in_features, or in_channels * kh * kw). That is PyTorch's
default, written there as kaiming_uniform_(weight, a=sqrt(5)): the bound
gain * sqrt(3 / fan_in) with gain sqrt(2 / (1 + a**2)) is exactly 1/sqrt(fan_in).
Outputs then start near the scale of one input, whatever the layer's width.

Book: book/modules/03_layers.md
"""

from __future__ import annotations

import math

import numpy as np

from .. import random
from .._tensor import Tensor
from ..autograd import no_grad


def fan_in(shape: tuple[int, ...]) -> int:
    """How many inputs each output of a weight of this shape sums over: a Linear's
    (out, in) gives in; a Conv2d's (out, in, kh, kw) gives in * kh * kw."""
    if len(shape) < 2:
        raise ValueError(f"fan_in: needs a weight of 2 or more dimensions, got {shape}")
    return int(np.prod(shape[1:]))


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """Fill `tensor` in place with draws from U(a, b), from tinytorch's generator."""
    with no_grad():
        tensor[...] = random.rng().uniform(a, b, tensor.shape)
    return tensor


def kaiming_uniform_(tensor: Tensor, a: float = 0.0) -> Tensor:
    """Fill `tensor` in place from U(±gain * sqrt(3 / fan_in)), gain sqrt(2/(1+a²))
    (He et al., 2015, for a leaky ReLU of slope a; a=0 is the ReLU's rule)."""
    bound = math.sqrt(2 / (1 + a * a)) * math.sqrt(3 / fan_in(tensor.shape))
    return uniform_(tensor, -bound, bound)
