"""Modules: objects that hold parameters and compute a forward pass, with PyTorch's names."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from .. import tensor as _tensor
from ..tensor import Tensor
from . import functional as F


class Parameter(Tensor):
    """A tensor that is a learnable weight: it always requires grad, and modules find it among their attributes."""

    __slots__ = ()

    def __init__(self, data: Any, dtype: Any = None) -> None:
        super().__init__(data, requires_grad=True, dtype=dtype)


class Module:
    """Base class: parameters and sub-modules assigned as attributes are discovered automatically."""

    training: bool = True

    def forward(self, *args: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any) -> Any:
        return self.forward(*args)

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Direct sub-modules, from attributes (and lists of modules)."""
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, list | tuple):
                yield from ((f"{name}.{i}", m) for i, m in enumerate(value) if isinstance(m, Module))

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs of this module and all sub-modules, each parameter once."""
        for name, value in vars(self).items():
            if isinstance(value, Parameter):
                yield prefix + name, value
        for name, child in self.named_children():
            yield from child.named_parameters(f"{prefix}{name}.")

    def parameters(self) -> list[Parameter]:
        """All learnable parameters, for an optimizer."""
        return [p for _, p in self.named_parameters()]

    def modules(self) -> Iterator[Module]:
        """This module and every module inside it."""
        yield self
        for _, child in self.named_children():
            yield from child.modules()

    def zero_grad(self) -> None:
        """Forget the gradients of the last backward pass."""
        for p in self.parameters():
            p.grad = None

    def train(self, mode: bool = True) -> Module:
        """Switch to training mode (dropout active) or, with mode=False, evaluation mode."""
        for m in self.modules():
            m.training = mode
        return self

    def eval(self) -> Module:
        """Switch to evaluation mode."""
        return self.train(False)

    def to(self, dtype: Any) -> Module:
        """Cast every parameter to `dtype` (float64 for gradcheck)."""
        for p in self.parameters():
            p.data, p.grad = p.data.astype(dtype), None
        return self

    def state_dict(self) -> dict[str, np.ndarray]:
        """A copy of every parameter's values, by name."""
        return {name: p.data.copy() for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Copy values into the parameters; names and shapes must match exactly."""
        params = dict(self.named_parameters())
        missing, unexpected = sorted(params.keys() - state.keys()), sorted(state.keys() - params.keys())
        if missing or unexpected:
            raise KeyError(f"load_state_dict: missing keys {missing}, unexpected keys {unexpected}")
        for name, p in params.items():
            value = np.asarray(state[name])
            if value.shape != p.shape:
                raise ValueError(f"load_state_dict: {name} has shape {p.shape} but the state has {value.shape}")
            p.data[...] = value

    def __repr__(self) -> str:
        children = "".join(f"\n({name}): {child!r}".replace("\n", "\n  ") for name, child in self.named_children())
        return f"{type(self).__name__}({self.extra_repr()}{children}{chr(10) if children else ''})"

    def extra_repr(self) -> str:
        return ""


class Linear(Module):
    """y = x W^T + b. W and b start uniform in ±1/sqrt(in_features), as in PyTorch, so outputs start near unit scale."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True) -> None:
        bound = 1 / math.sqrt(in_features)
        draw = _tensor.rng().uniform
        self.in_features, self.out_features = in_features, out_features
        # column-major, so x @ weight.T reads a row-major (in, out) matrix: OpenBLAS's fast path (~30 % at batch 32)
        self.weight = Parameter(np.asfortranarray(draw(-bound, bound, (out_features, in_features))))
        self.bias = Parameter(draw(-bound, bound, out_features)) if bias else None

    def forward(self, x: Tensor) -> Tensor:
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Sequential(Module):
    """Apply modules one after another."""

    def __init__(self, *layers: Module) -> None:
        self.layers = list(layers)

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The layers, named by position ("0", "1", ...) as in PyTorch."""
        return ((str(i), layer) for i, layer in enumerate(self.layers))

    def forward(self, x: Tensor) -> Tensor:
        for layer in self.layers:
            x = layer(x)
        return x

    def __getitem__(self, i: int) -> Module:
        return self.layers[i]

    def __len__(self) -> int:
        return len(self.layers)


class Flatten(Module):
    """(N, ...) -> (N, everything else), e.g. 1x28x28 images to 784-vectors."""

    def forward(self, x: Tensor) -> Tensor:
        return x.reshape(x.shape[0], -1)


class Dropout(Module):
    """Zero each value with probability p while training, and scale the rest by 1/(1-p); identity in eval mode."""

    def __init__(self, p: float = 0.5) -> None:
        if not 0 <= p < 1:
            raise ValueError(f"Dropout: p must be in [0, 1), got {p}")
        self.p = p

    def forward(self, x: Tensor) -> Tensor:
        if not self.training or self.p == 0:
            return x
        keep = _tensor.rng().random(x.shape, dtype=np.float32) >= self.p
        return x * (keep / (1 - self.p)).astype(x.dtype)

    def extra_repr(self) -> str:
        return f"p={self.p}"


class ReLU(Module):
    """max(x, 0)."""

    def forward(self, x: Tensor) -> Tensor:
        return x.relu()


class Sigmoid(Module):
    """1 / (1 + e ** -x)."""

    def forward(self, x: Tensor) -> Tensor:
        return x.sigmoid()


class Tanh(Module):
    """Hyperbolic tangent."""

    def forward(self, x: Tensor) -> Tensor:
        return x.tanh()


class GELU(Module):
    """Gaussian error linear unit (tanh approximation)."""

    def forward(self, x: Tensor) -> Tensor:
        return F.gelu(x)


class Softmax(Module):
    """Probabilities along `axis`."""

    def __init__(self, axis: int = -1) -> None:
        self.axis = axis

    def forward(self, x: Tensor) -> Tensor:
        return x.softmax(self.axis)


class MSELoss(Module):
    """Mean squared error."""

    def forward(self, prediction: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(prediction, target)


class BCELoss(Module):
    """Binary cross-entropy on probabilities (after a Sigmoid)."""

    def forward(self, probability: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(probability, target)


class BCEWithLogitsLoss(Module):
    """Binary cross-entropy on logits: Sigmoid and BCELoss fused, stable for large logits."""

    def forward(self, logits: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(logits, target)


class CrossEntropyLoss(Module):
    """Cross-entropy from logits (N, C) and class indices (N,): log-softmax and negative log-likelihood in one."""

    def forward(self, logits: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(logits, target)
