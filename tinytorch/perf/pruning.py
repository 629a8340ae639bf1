"""Magnitude pruning: zero the weights that matter least, and keep them zero.

`global_unstructured` zeroes the smallest |w| over all channel layers at once, so a
layer of larger weights keeps more of them; `ln_structured` zeroes whole output
channels (a Linear's units: a row of the weight and its bias) with the smallest L2
norm, layer by layer. Both prune in place and return the masks (True: kept), which
`keep_pruned` applies again after every optimizer step: fine-tuning cannot revive a
pruned weight, whatever the optimizer's momentum. Zeros make no product smaller, but
whole channels can go: `remove_pruned_channels` rebuilds the model without them.

Book: book/modules/16_compression.md
"""

from __future__ import annotations

import copy

import numpy as np

from .. import nn
from ..checks import check_number
from ..creation import tensor
from ..nn import Module, Parameter, Sequential
from ..optim import Optimizer
from .layers import CHANNEL_LAYERS, channel_weights

Masks = dict[str, np.ndarray]  # parameter name -> True where the entry is kept


def global_unstructured(model: Module, amount: float) -> Masks:
    """Zero the fraction `amount` of all channel-layer weights with the smallest
    magnitudes (exactly that many), and return the masks."""
    check_number("global_unstructured", "amount", amount, low=0, high=1)
    weights = channel_weights(model)
    magnitudes = np.concatenate([np.abs(w._data).ravel() for w in weights.values()])
    keep = np.ones(magnitudes.size, dtype=bool)
    pruned = round(amount * magnitudes.size)
    if pruned:
        keep[np.argpartition(magnitudes, pruned - 1)[:pruned]] = False
    masks, start, params = {}, 0, dict(model.named_parameters())
    for name, w in weights.items():
        masks[name] = keep[start : start + w._data.size].reshape(w.shape)
        start += w._data.size
    _zero([(params[k], ~keep) for k, keep in masks.items()])
    return masks


def ln_structured(
    model: Module, amount: float, n: float = 2, names: list[str] | None = None
) -> Masks:
    """Zero, in each named channel layer's weight ("0.weight"; by default every one
    but the last, whose channels are the model's outputs), the fraction `amount` of
    its output channels with the smallest L-n norm, and their biases."""
    check_number("ln_structured", "amount", amount, low=0, high=1)
    weights = channel_weights(model)
    names = list(weights)[:-1] if names is None else names
    unknown = sorted(set(names) - weights.keys())
    if unknown:
        raise KeyError(
            f"ln_structured: {unknown} are not channel-layer weights; "
            f"the model has {sorted(weights)}"
        )
    params, masks = dict(model.named_parameters()), {}
    for name in names:
        w = weights[name]._data
        norms = np.linalg.norm(w.reshape(len(w), -1), ord=n, axis=1)
        kept = np.ones(len(w), dtype=bool)
        pruned = round(amount * len(w))
        if pruned:
            kept[np.argpartition(norms, pruned - 1)[:pruned]] = False
        masks[name] = np.broadcast_to(kept.reshape(-1, *[1] * (w.ndim - 1)), w.shape)
        bias = name.removesuffix("weight") + "bias"
        if bias in params:
            masks[bias] = kept
    _zero([(params[k], ~keep) for k, keep in masks.items()])
    return masks


def keep_pruned(model: Module, masks: Masks, optimizer: Optimizer) -> None:
    """After every step of `optimizer`, zero the model's pruned entries again."""
    params = dict(model.named_parameters())
    unknown = sorted(masks.keys() - params.keys())
    if unknown:
        raise KeyError(f"keep_pruned: the model has no parameters {unknown}")
    pruned = [(params[name], ~keep) for name, keep in masks.items()]
    optimizer.register_step_post_hook(lambda *_: _zero(pruned))


def _zero(pruned: list[tuple[Parameter, np.ndarray]]) -> None:
    for p, where in pruned:
        np.putmask(p._data, where, 0)
        p._version[0] += 1  # changed in place: a graph that saved it is now stale


def sparsity(model: Module) -> float:
    """The fraction of the channel-layer weights that are zero."""
    weights = [w._data for w in channel_weights(model).values()]
    return sum(int((w == 0).sum()) for w in weights) / sum(w.size for w in weights)


# layers that map a channel of zeros to zeros, so that a channel pruned before them
# can be removed on both sides of them; and the sizes a channel layer states
ZERO_PRESERVING = (
    nn.ReLU,
    nn.Tanh,
    nn.GELU,
    nn.MaxPool2d,
    nn.AvgPool2d,
    nn.Flatten,
    nn.Dropout,
)
SIZES = {
    nn.Linear: ("in_features", "out_features"),
    nn.Conv2d: ("in_channels", "out_channels"),
}


def remove_pruned_channels(model: Sequential, masks: Masks) -> Sequential:
    """A smaller copy of `model` without the channels `ln_structured` zeroed: each
    pruned layer loses those outputs (weight rows, biases) and the next channel layer
    the inputs that read them (after a Flatten, a block per channel), so the products
    shrink. It computes what the pruned model computes."""
    if not isinstance(model, Sequential):
        raise TypeError(
            f"remove_pruned_channels: needs a Sequential, whose layers "
            f"run in order, got {type(model).__name__}"
        )
    unknown = sorted(masks.keys() - dict(model.named_parameters()).keys())
    if unknown:
        raise KeyError(f"remove_pruned_channels: the model has no parameters {unknown}")
    smaller, kept = copy.deepcopy(model), None  # kept: the last layer's outputs left
    for i, layer in enumerate(smaller):
        if not isinstance(layer, CHANNEL_LAYERS):
            if (
                kept is not None
                and not kept.all()
                and (not isinstance(layer, ZERO_PRESERVING))
            ):
                raise ValueError(
                    f"remove_pruned_channels: layer {i} "
                    f"({type(layer).__name__}) may not map a pruned "
                    f"channel's zeros to zeros; it cannot be removed"
                )
            continue
        weight = layer.weight._data
        if kept is not None:
            if weight.shape[1] % len(kept):
                raise ValueError(
                    f"remove_pruned_channels: layer {i} has "
                    f"{weight.shape[1]} inputs, not a block for each "
                    f"of the {len(kept)} channels before it"
                )
            weight = weight[:, np.repeat(kept, weight.shape[1] // len(kept))]
        kept = _kept_channels(masks.get(f"{i}.weight"), len(weight), i)
        layout = "F" if layer.weight._data.flags.f_contiguous else "C"  # as it was
        layer.weight = Parameter(tensor(np.asarray(weight[kept], order=layout)))
        if layer.bias is not None:
            layer.bias = Parameter(tensor(layer.bias._data[kept]))  # a copy, its dtype
        inputs, outputs = next(v for k, v in SIZES.items() if isinstance(layer, k))
        setattr(layer, inputs, weight.shape[1])
        setattr(layer, outputs, int(kept.sum()))
    if kept is not None and not kept.all():
        raise ValueError(
            "remove_pruned_channels: the last channel layer's outputs "
            "are the model's; prune them with names= that leave it out"
        )
    return smaller


def _kept_channels(mask: np.ndarray | None, channels: int, i: int) -> np.ndarray:
    if mask is None:
        return np.ones(channels, dtype=bool)
    rows = mask.reshape(channels, -1)
    kept = rows.all(axis=1)
    if (rows.any(axis=1) != kept).any():
        raise ValueError(
            f"remove_pruned_channels: the mask of {i}.weight prunes "
            f"single weights, not whole channels (ln_structured's)"
        )
    return kept
