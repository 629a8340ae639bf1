"""Neural-network building blocks, as PyTorch's ``torch.nn``: one concept per file.

Book: book/modules/03_layers.md
"""

from typing import Any

from .. import compatibility
from . import functional, init
from .activation import GELU, ReLU, Sigmoid, Softmax, Tanh
from .attention import CausalSelfAttention, KVCache
from .container import Sequential
from .conv import Conv2d
from .dropout import Dropout
from .flatten import Flatten
from .linear import Linear
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss
from .module import Buffer, Module, Parameter
from .normalization import BatchNorm2d, LayerNorm
from .pooling import AvgPool2d, MaxPool2d
from .sparse import Embedding
from .transformer import TransformerBlock

__all__ = [
    "GELU", "AvgPool2d", "BCELoss", "BCEWithLogitsLoss", "BatchNorm2d", "Buffer",
    "CausalSelfAttention", "Conv2d", "CrossEntropyLoss", "Dropout", "Embedding",
    "Flatten", "KVCache", "LayerNorm", "Linear", "MSELoss", "MaxPool2d", "Module",
    "Parameter", "ReLU", "Sequential", "Sigmoid", "Softmax", "Tanh",
    "TransformerBlock", "functional", "init",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    """A PyTorch name this module does not offer: an error that says so."""
    compatibility.missing(__name__, name)
