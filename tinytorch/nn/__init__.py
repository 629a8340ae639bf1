"""Neural-network building blocks, as PyTorch's ``torch.nn``: one concept per file.

Book: book/modules/03_layers.md
"""

from . import functional
from .activation import GELU, ReLU, Sigmoid, Softmax, Tanh
from .container import Sequential
from .dropout import Dropout
from .flatten import Flatten
from .linear import Linear
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss
from .module import Module, Parameter

__all__ = [
    "GELU", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "Dropout", "Flatten",
    "Linear", "MSELoss", "Module", "Parameter", "ReLU", "Sequential", "Sigmoid",
    "Softmax", "Tanh", "functional",
]  # fmt: skip
