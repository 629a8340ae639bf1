"""tinytorch: a small, readable, numpy-only deep-learning library with PyTorch's
names and their meaning: ``import tinytorch as torch`` runs everyday PyTorch code,
and a name tinytorch does not have is an error that says so.

Book: book/library.md
"""

from typing import Any

from . import (
    compatibility,  # noqa: E402
    threads,
)

threads.use_default_threads()  # one BLAS thread unless the environment chose

from . import memory  # noqa: E402

memory.keep_freed_memory()  # freed arrays stay mapped for the next step

from . import cuda, datasets, nn, ops, optim, utils  # noqa: E402
from ._tensor import Size, Tensor  # noqa: E402
from .autograd import (  # noqa: E402
    Function,
    enable_grad,
    inference_mode,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from .blas import matmul  # noqa: E402
from .checks import ShapeError  # noqa: E402
from .comparison import eq, ge, gt, le, lt, ne  # noqa: E402
from .conversion import clone  # noqa: E402
from .creation import as_tensor, from_numpy, ones, randn, tensor, zeros  # noqa: E402
from .devices import device  # noqa: E402
from .dtypes import (  # noqa: E402
    bool_ as bool,  # noqa: A004
)
from .dtypes import (
    dtype,
    float16,
    float32,
    float64,
    get_default_dtype,
    int8,
    int16,
    int32,
    int64,
    promote_types,
    result_type,
    set_default_dtype,
    uint8,
)
from .indexing import flatten, permute, reshape, squeeze, t, transpose, unsqueeze  # noqa: E402
from .ops import unbroadcast  # noqa: E402
from .pointwise import (  # noqa: E402
    abs,  # noqa: A004
    add,
    clamp,
    clip,
    div,
    exp,
    floor_divide,
    log,
    mul,
    neg,
    pow,  # noqa: A004
    relu,
    remainder,
    rsqrt,
    sigmoid,
    sqrt,
    sub,
    tanh,
)
from .random import manual_seed  # noqa: E402
from .reduction import (  # noqa: E402
    argmax,
    argmin,
    log_softmax,
    max,  # noqa: A004
    mean,
    min,  # noqa: A004
    softmax,
    sum,  # noqa: A004
)
from .testing import GradcheckError, gradcheck  # noqa: E402
from .threads import get_num_threads, set_num_threads  # noqa: E402
from .training import (  # noqa: E402
    History,
    Progress,
    TrainingDiverged,
    evaluate,
    fit,
    predict,
    train_epoch,
)

half, float, double = float16, float32, float64  # noqa: A001 (PyTorch's aliases)
short, int, long = int16, int32, int64  # noqa: A001
__version__ = "0.1.0"

__all__ = [
    "abs", "add", "argmax", "argmin", "as_tensor", "bool", "clamp", "clip", "clone",
    "cuda", "datasets", "device", "div", "double", "dtype", "enable_grad", "eq",
    "evaluate", "exp", "fit", "flatten", "float", "float16", "float32", "float64",
    "floor_divide", "from_numpy", "Function", "ge", "get_default_dtype",
    "get_num_threads", "gradcheck", "GradcheckError", "gt", "half", "History",
    "inference_mode", "int", "int16", "int32", "int64", "int8", "is_grad_enabled",
    "le", "log", "log_softmax", "long", "lt", "manual_seed", "matmul", "max",
    "mean", "min", "mul", "ne", "neg", "nn", "no_grad", "ones", "ops", "optim",
    "permute", "pow", "predict", "Progress", "promote_types", "randn", "relu",
    "remainder", "reshape", "result_type", "rsqrt", "set_default_dtype",
    "set_grad_enabled", "set_num_threads", "ShapeError", "short", "sigmoid", "Size",
    "softmax", "sqrt", "squeeze", "sub", "sum", "t", "tanh", "tensor", "Tensor",
    "train_epoch", "TrainingDiverged", "transpose", "uint8", "unbroadcast",
    "unsqueeze", "utils", "zeros",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    """A PyTorch name this module does not offer: an error that says so."""
    compatibility.missing(__name__, name)
