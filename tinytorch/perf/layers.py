"""Which layers the systems tools act on, and how they find them by name.

Quantization and pruning work per output channel: one row of a Linear weight
(out_features, in_features), one filter of a Conv2d weight (out_channels,
in_channels, kh, kw). A layer joins `CHANNEL_LAYERS` when its weight keeps its output
channels along axis 0, as both do.

Book: book/modules/15_quantization.md
"""

from __future__ import annotations

from ..nn import Conv2d, Linear, Module, Parameter

CHANNEL_LAYERS: tuple[type[Module], ...] = (Linear, Conv2d)


def channel_weights(model: Module) -> dict[str, Parameter]:
    """The weights of the model's channel layers, by parameter name ("0.weight")."""
    if not isinstance(model, Module):
        raise TypeError(f"expected a tinytorch Module, got {type(model).__name__}")
    weights = {
        f"{name}.weight" if name else "weight": module.weight
        for name, module in model.named_modules()
        if isinstance(module, CHANNEL_LAYERS)
    }
    if not weights:
        kinds = ", ".join(kind.__name__ for kind in CHANNEL_LAYERS)
        raise ValueError(f"{type(model).__name__} has no layer to act on ({kinds})")
    return weights
