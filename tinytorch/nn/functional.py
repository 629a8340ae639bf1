"""The function namespace, as PyTorch's ``torch.nn.functional`` (import it as F):
layers, activations and losses as plain functions. The modules call these.

This file holds the activations, linear, dropout, embeddings and attention;
normalisation (functional_norm.py), convolution and padding (functional_conv.py),
pooling (functional_pool.py) and the losses (functional_loss.py) join the namespace
at the end.

Book: book/modules/02_activations.md
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import compatibility, ops, random
from .._tensor import Tensor
from ..checks import ShapeError


def _constant(values: np.ndarray, like: Tensor) -> Tensor:
    """A tensor outside the graph holding `values` in `like`'s dtype."""
    return Tensor._wrap(np.asarray(values, like._data.dtype), None)


def _floating(op: str, input: Tensor) -> None:
    if not input.is_floating_point():
        raise NotImplementedError(f"\"{op}\" not implemented for '{input.dtype.name}'")


def _maybe_inplace(input: Tensor, inplace: bool, fn: Callable[..., Tensor], *args: Any
                   ) -> Tensor:  # fmt: skip
    """fn(input, *args), or with inplace=True the same written into `input`."""
    return input._inplace(fn, *args) if inplace else fn(input, *args)


# ---------------------------------------------------------------------- linear


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """input @ weight.T + bias, as one node (see `ops.Linear`)."""
    if input.dtype != weight.dtype:
        raise RuntimeError(
            f"mat1 and mat2 must have the same dtype, but got {input.dtype.name} and "
            f"{weight.dtype.name}: convert the input (x.to({weight.dtype!r}), pixel "
            f"values scaled into [0, 1]) or the model (model.to({input.dtype!r}))"
        )
    if bias is None:
        return ops.Linear.apply(input, weight)
    return ops.Linear.apply(input, weight, bias)


# ----------------------------------------------------------------- activations


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0)."""
    return input.relu_() if inplace else input.relu()


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + e ** -x)."""
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent."""
    return input.tanh()


def _leaky_relu(x: Tensor, negative_slope: float) -> Tensor:
    return x * _constant(np.where(x._data > 0, 1, negative_slope), x)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False
               ) -> Tensor:  # fmt: skip
    """x where x > 0, else negative_slope * x: a ReLU whose negative side still
    learns a little."""
    return _maybe_inplace(input, inplace, _leaky_relu, negative_slope)


def _elu(x: Tensor, alpha: float) -> Tensor:
    below = x._data <= 0  # exp(x) - 1 is computed only there, so it never overflows
    return x * _constant(~below, x) + alpha * ((x * _constant(below, x)).exp() - 1)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x where x > 0, else alpha (e ** x - 1): smooth, and negative down to -alpha."""
    return _maybe_inplace(input, inplace, _elu, alpha)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x Φ(x), Φ the standard normal distribution function: exactly by default, or
    in GPT-2's tanh approximation with approximate="tanh" (see `ops.GELU`)."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _floating("GeluKernelImpl", input)
    return ops.GELU.apply(input, approximate=approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x) (also called swish)."""
    _floating("silu_cpu", input)
    return _maybe_inplace(input, inplace, lambda x: x * x.sigmoid())


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + e ** (beta x)) / beta, a smooth ReLU; x itself where beta x >
    threshold. Computed as max(z, 0) + log(1 + e ** -|z|), which never overflows."""
    _floating("softplus_cpu", input)
    z = input * beta
    up = _constant(z._data >= 0, z)  # one mask for both kinks, so that at 0 the
    soft = (z * up + (z * (2 * up - 1)).neg().exp().add(1).log()) / beta  # slope is 1/2
    linear = z._data > threshold
    return input * _constant(linear, input) + soft * _constant(~linear, input)


def _softmax_dim(name: str, ndim: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change "
        f"the call to include dim=X as an argument.",
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:  # fmt: skip
    """Probabilities along `dim` that sum to one."""
    dim = _softmax_dim("softmax", input.ndim) if dim is None else dim
    return input.softmax(dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
                dtype: Any = None) -> Tensor:  # fmt: skip
    """log(softmax(x)) along `dim`, computed stably."""
    dim = _softmax_dim("log_softmax", input.ndim) if dim is None else dim
    return input.log_softmax(dim, dtype=dtype)


# --------------------------------------------------------------------- dropout


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
            ) -> Tensor:  # fmt: skip
    """Zero each value with probability p and scale the rest by 1/(1-p), while
    `training` (True unless said, as in PyTorch); the input itself otherwise."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    keep = random.rng().random(input.shape, dtype=np.float32) >= p
    scale = _constant(keep / (1 - p) if p < 1 else keep, input)
    return _maybe_inplace(input, inplace, lambda x: x * scale)


# ------------------------------------------------------------------ embeddings


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False
              ) -> Tensor:  # fmt: skip
    """Rows of `weight` (num_embeddings, embedding_dim) picked by the integer ids
    of `input`, any shape; a row picked twice gets both gradients (see
    `ops.Index`), and the row `padding_idx` none."""
    if not isinstance(input, Tensor):
        raise TypeError(
            f"embedding(): argument 'indices' must be Tensor, not "
            f"{type(input).__name__}"
        )
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError(
            "embedding's max_norm, scale_grad_by_freq and "
            "sparse are not part of tinytorch"
        )
    if input._data.dtype not in (np.int64, np.int32):
        raise RuntimeError(
            f"Expected tensor for argument #1 'indices' to have one of "
            f"the following scalar types: Long, Int; but got "
            f"{input.type()} instead (while checking arguments for "
            f"embedding)"
        )
    if weight.ndim != 2:
        raise ShapeError("'weight' must be 2-D")
    ids = input._data
    if ids.size and (ids.min() < 0 or ids.max() >= len(weight)):
        raise IndexError("index out of range in self")
    if padding_idx is not None:  # its row takes part, but learns nothing
        row = padding_idx % len(weight)
        weight = ops.IndexPut.apply(weight, weight[row].detach(), index=row)
    return weight[ids]


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices (int64, any shape) as rows of zeros with a one at the index:
    one more dimension, of size num_classes (the largest index + 1 if -1)."""
    if tensor._data.dtype != np.int64:
        raise RuntimeError(
            "one_hot is only applicable to index tensor of type LongTensor."
        )
    ids = tensor._data
    if ids.size and ids.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    classes = int(ids.max()) + 1 if num_classes == -1 and ids.size else num_classes
    if ids.size and ids.max() >= classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return Tensor._wrap((ids[..., None] == np.arange(classes)).astype(np.int64), None)


# ------------------------------------------------------------------- attention


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Tensor | np.ndarray | None = None,
                                 dropout_p: float = 0.0, is_causal: bool = False,
                                 scale: float | None = None, enable_gqa: bool = False
                                 ) -> Tensor:  # fmt: skip
    """softmax(query @ key^T * scale + mask) @ value over (..., time, dim) tensors,
    scale 1/sqrt(dim) by default. A boolean `attn_mask` says which keys each query
    may see (True: take part), a float one is added to the scores; `is_causal` lets
    query i see keys 0..i only. dropout_p > 0 drops attention weights (always: pass
    0 in evaluation)."""
    if (
        query.ndim < 2
        or query.shape[-1] != key.shape[-1]
        or (key.shape[:-1] != value.shape[:-1])
    ):
        q, k, v = (tuple(t.shape) for t in (query, key, value))
        raise ShapeError(
            f"scaled_dot_product_attention: query {q}, key {k} and value {v} must be "
            f"(..., L, E), (..., S, E) and (..., S, Ev)"
        )
    if enable_gqa:
        raise NotImplementedError(
            "scaled_dot_product_attention(enable_gqa=True) is not part of tinytorch"
        )
    scale = float(scale) if scale is not None else 1 / math.sqrt(query.shape[-1])
    shape = (query.shape[-2], key.shape[-2])
    mask = _attention_mask(attn_mask, is_causal, shape, query._data.dtype)
    if dropout_p == 0:
        return ops.ScaledDotProductAttention.apply(
            query, key, value, mask=mask, scale=scale
        )
    scores = query @ key.transpose(-2, -1) * scale  # the composition, with dropout
    if mask is not None:
        scores = scores + _constant(mask, scores)
    return dropout(scores.softmax(-1), dropout_p) @ value


def _attention_mask(attn_mask: Tensor | np.ndarray | None, is_causal: bool,
                    shape: tuple[int, int], dtype: np.dtype
                    ) -> np.ndarray | None:  # fmt: skip
    """The mask as numbers to add to the scores: 0 where a query may look, -inf
    where it may not."""
    if attn_mask is not None and is_causal:
        raise RuntimeError(
            "_scaled_dot_product_attention: Explicit attn_mask should "
            "not be set when is_causal=True"
        )
    if attn_mask is None and not is_causal:
        return None
    mask = getattr(attn_mask, "_data", attn_mask)  # a Tensor's array, or the array
    allowed = np.tri(*shape, dtype=bool) if is_causal else np.asarray(mask)
    if allowed.dtype != bool:
        return allowed.astype(dtype)
    return np.where(allowed, 0, -np.inf).astype(dtype)


# ---------------------------------------------------- the rest of the namespace

from .functional_conv import conv1d, conv2d, pad  # noqa: E402
from .functional_loss import (  # noqa: E402
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    l1_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
)
from .functional_norm import batch_norm, layer_norm, normalize  # noqa: E402
from .functional_pool import (  # noqa: E402
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    avg_pool1d,
    avg_pool2d,
    max_pool1d,
    max_pool2d,
)

__all__ = [
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "avg_pool1d", "avg_pool2d",
    "batch_norm", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "conv1d", "conv2d", "cross_entropy", "dropout", "elu", "embedding", "gelu",
    "huber_loss", "l1_loss", "layer_norm", "leaky_relu", "linear", "log_softmax",
    "max_pool1d", "max_pool2d", "mse_loss", "nll_loss", "normalize", "one_hot", "pad",
    "relu", "scaled_dot_product_attention", "sigmoid", "silu", "smooth_l1_loss",
    "softmax", "softplus", "tanh",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    """A PyTorch name this module does not offer: an error that says so."""
    compatibility.missing(__name__, name)
