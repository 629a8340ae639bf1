"""Every primitive op: one `Function` each, forward and backward side by side.

Everything else (sub, div, mean, the losses, ...) is composed from these and gets its
gradient for free. One file per group: elementwise, reductions, movement, products,
and the fused ops, which a composition would compute exactly as well but slower:
fused.py (a layer, a loss), attention.py (softmax, attention) and transformer.py
(GELU, layer norm). Always referred to as ``ops.X``: ``ops.ReLU`` is the op,
``nn.ReLU`` the module.

Book: book/modules/05_autograd.md
"""

from .attention import ScaledDotProductAttention, Softmax
from .elementwise import (
    Add,
    Clip,
    Copy,
    Div,
    Exp,
    Log,
    Mul,
    Pow,
    PowTensor,
    ReLU,
    Sigmoid,
    Tanh,
    unbroadcast,
)  # fmt: skip
from .fused import CrossEntropy, Linear
from .movement import Gather, Index, IndexPut, Reshape, Transpose, Unfold
from .products import MatMul
from .reductions import Max, Sum
from .transformer import GELU, LayerNorm

__all__ = [
    "Add", "Clip", "Copy", "CrossEntropy", "Div", "Exp", "GELU", "Gather", "Index",
    "IndexPut", "LayerNorm", "Linear", "Log", "MatMul", "Max", "Mul", "Pow",
    "PowTensor", "ReLU", "Reshape", "ScaledDotProductAttention", "Sigmoid", "Softmax",
    "Sum", "Tanh", "Transpose", "Unfold", "unbroadcast",
]  # fmt: skip
