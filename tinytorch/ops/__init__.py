"""Every primitive op: one `Function` each, forward and backward side by side.

Everything else (sub, div, mean, the losses, ...) is composed from these and gets its
gradient for free. One file per group: elementwise, unary (the functions of one
number, from a table), reductions, movement, products, and the fused ops, which a
composition would compute exactly as well but slower: fused.py (a layer, a loss),
attention.py (softmax, attention) and transformer.py (GELU, layer norm). Always
referred to as ``ops.X``: ``ops.ReLU`` is the op, ``nn.ReLU`` the module.

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
    Maximum,
    Mul,
    Pow,
    PowTensor,
    ReLU,
    Remainder,
    Sigmoid,
    Tanh,
    Where,
    unbroadcast,
)  # fmt: skip
from .fused import CrossEntropy, Linear
from .movement import (
    Cat,
    Expand,
    Gather,
    Index,
    IndexPut,
    Reshape,
    ScatterAdd,
    Transpose,
    Unfold,
)
from .products import Einsum, MatMul
from .reductions import Cumprod, Cumsum, Max, Norm, Sum
from .transformer import GELU, LayerNorm
from .unary import Unary

__all__ = [
    "Add", "Cat", "Clip", "Copy", "CrossEntropy", "Cumprod", "Cumsum", "Div", "Einsum",
    "Exp", "Expand", "GELU", "Gather", "Index", "IndexPut", "LayerNorm", "Linear",
    "Log", "MatMul", "Max", "Maximum", "Mul", "Norm", "Pow", "PowTensor", "ReLU",
    "Remainder", "Reshape", "ScaledDotProductAttention", "ScatterAdd", "Sigmoid",
    "Softmax", "Sum", "Tanh", "Transpose", "Unary", "Unfold", "Where", "unbroadcast",
]  # fmt: skip
from .nn_ops import BinaryCrossEntropy  # noqa: E402 (the nn ops, appended)

__all__ += ["BinaryCrossEntropy"]
