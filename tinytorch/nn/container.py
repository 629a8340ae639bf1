"""Sequential: modules applied one after another.

Book: book/modules/03_layers.md
"""

from __future__ import annotations

from collections.abc import Iterator

from .._tensor import Tensor
from .module import Module


class Sequential(Module):
    """Apply modules one after another; layer i is model[i], named "i" as in PyTorch."""

    def __init__(self, *layers: Module) -> None:
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(
                    f"Sequential: item {i} is a {type(layer).__name__}, not "
                    f"a Module (did you pass a class instead of an instance?)"
                )
        self.layers = list(layers)

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The layers, named by position ("0", "1", ...)."""
        return ((str(i), layer) for i, layer in enumerate(self.layers))

    def forward(self, x: Tensor) -> Tensor:
        for layer in self.layers:
            x = layer(x)
        return x

    def __getitem__(self, i: int) -> Module:
        return self.layers[i]

    def __len__(self) -> int:
        return len(self.layers)
