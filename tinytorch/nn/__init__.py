"""Neural-network building blocks, as PyTorch's ``torch.nn``: one concept per file.

Book: book/modules/03_layers.md
"""

from . import functional, init
from .activation import GELU, ReLU, Sigmoid, Softmax, Tanh
from .container import Sequential
from .conv import Conv2d
from .dropout import Dropout
from .flatten import Flatten
from .linear import Linear
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss
from .module import Buffer, Module, Parameter
from .normalization import BatchNorm2d
from .pooling import AvgPool2d, MaxPool2d

__all__ = [
    "GELU", "AvgPool2d", "BCELoss", "BCEWithLogitsLoss", "BatchNorm2d", "Buffer",
    "Conv2d", "CrossEntropyLoss", "Dropout", "Flatten", "Linear", "MSELoss",
    "MaxPool2d", "Module", "Parameter", "ReLU", "Sequential", "Sigmoid", "Softmax",
    "Tanh", "functional", "init",
]  # fmt: skip
