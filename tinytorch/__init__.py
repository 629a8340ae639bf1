"""tinytorch: a small, readable, numpy-only deep-learning library with PyTorch's
names and their meaning: ``import tinytorch as torch`` runs everyday PyTorch code,
and a name tinytorch does not have is an error that says so.

Book: book/library.md
"""

import math as _math
from typing import Any

from . import compatibility, threads

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
from .blas import bmm, dot, einsum, matmul, mm, outer  # noqa: E402
from .checks import ShapeError  # noqa: E402
from .comparison import (  # noqa: E402
    allclose,
    argsort,
    eq,
    equal,
    ge,
    gt,
    isclose,
    isfinite,
    isinf,
    isnan,
    le,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    lt,
    ne,
    sort,
    topk,
)
from .conversion import clone  # noqa: E402
from .creation import (  # noqa: E402
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    logspace,
    ones,
    ones_like,
    tensor,
    zeros,
    zeros_like,
)
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
from .indexing import (  # noqa: E402
    broadcast_to,
    chunk,
    flatten,
    movedim,
    narrow,
    permute,
    reshape,
    select,
    split,
    squeeze,
    swapaxes,
    swapdims,
    t,
    transpose,
    unbind,
    unflatten,
    unsqueeze,
)
from .ops import unbroadcast  # noqa: E402
from .pointwise import (  # noqa: E402
    add,
    clamp,
    clip,
    div,
    floor_divide,
    fmod,
    lerp,
    maximum,
    minimum,
    mul,
    neg,
    pow,  # noqa: A004
    remainder,
    sub,
)
from .random import Generator, default_generator, initial_seed, manual_seed, seed  # noqa: E402
from .reduction import (  # noqa: E402
    all,  # noqa: A004
    amax,
    amin,
    any,  # noqa: A004
    argmax,
    argmin,
    count_nonzero,
    cumprod,
    cumsum,
    log_softmax,
    logsumexp,
    max,  # noqa: A004
    mean,
    min,  # noqa: A004
    norm,
    prod,
    return_types,
    softmax,
    std,
    std_mean,
    sum,  # noqa: A004
    var,
    var_mean,
)
from .sampling import (  # noqa: E402
    bernoulli,
    multinomial,
    normal,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
)
from .selection import (  # noqa: E402
    argwhere,
    gather,
    index_select,
    masked_fill,
    masked_select,
    nonzero,
    scatter,
    scatter_add,
    take_along_dim,
    where,
)
from .serialization import load, save  # noqa: E402
from .shape import (  # noqa: E402
    cat,
    concat,
    concatenate,
    flip,
    repeat_interleave,
    roll,
    stack,
    tril,
    triu,
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
from .unary import (  # noqa: E402
    abs,  # noqa: A004
    acos,
    asin,
    atan,
    ceil,
    cos,
    cosh,
    exp,
    expm1,
    floor,
    frac,
    log,
    log1p,
    log2,
    log10,
    reciprocal,
    relu,
    round,  # noqa: A004
    rsqrt,
    sigmoid,
    sign,
    sin,
    sinh,
    sqrt,
    square,
    tan,
    tanh,
    trunc,
)

half, float, double = float16, float32, float64  # noqa: A001 (PyTorch's aliases)
inf, nan, pi, e = _math.inf, _math.nan, _math.pi, _math.e
short, int, long = int16, int32, int64  # noqa: A001
__version__ = "0.1.0"

__all__ = [
    "abs", "acos", "add", "all", "allclose", "amax", "amin", "any", "arange",
    "argmax", "argmin", "argsort", "argwhere", "as_tensor", "asin", "atan",
    "bernoulli", "bmm", "bool", "broadcast_to", "cat", "ceil", "chunk", "clamp",
    "clip", "clone", "compatibility", "concat", "concatenate", "cos", "cosh",
    "count_nonzero", "cuda", "cumprod", "cumsum", "datasets", "default_generator",
    "device", "div", "dot", "double", "dtype", "e", "einsum", "empty", "empty_like",
    "enable_grad", "eq", "equal", "evaluate", "exp", "expm1", "eye", "fit",
    "flatten", "flip", "float", "float16", "float32", "float64", "floor",
    "floor_divide", "fmod", "frac", "from_numpy", "full", "full_like", "Function",
    "gather", "ge", "Generator", "get_default_dtype", "get_num_threads",
    "gradcheck", "GradcheckError", "gt", "half", "History", "index_select", "inf",
    "inference_mode", "initial_seed", "int", "int16", "int32", "int64", "int8",
    "is_grad_enabled", "isclose", "isfinite", "isinf", "isnan", "le", "lerp",
    "linspace", "load", "log", "log10", "log1p", "log2", "log_softmax",
    "logical_and", "logical_not", "logical_or", "logical_xor", "logspace",
    "logsumexp", "long", "lt", "manual_seed", "masked_fill", "masked_select",
    "matmul", "max", "maximum", "mean", "min", "minimum", "mm", "movedim", "mul",
    "multinomial", "nan", "narrow", "ne", "neg", "nn", "no_grad", "nonzero", "norm",
    "normal", "ones", "ones_like", "ops", "optim", "outer", "permute", "pi", "pow",
    "predict", "prod", "Progress", "promote_types", "rand", "rand_like", "randint",
    "randint_like", "randn", "randn_like", "randperm", "reciprocal", "relu",
    "remainder", "repeat_interleave", "reshape", "result_type", "return_types",
    "roll", "round", "rsqrt", "save", "scatter", "scatter_add", "seed", "select",
    "set_default_dtype", "set_grad_enabled", "set_num_threads", "ShapeError",
    "short", "sigmoid", "sign", "sin", "sinh", "Size", "softmax", "sort", "split",
    "sqrt", "square", "squeeze", "stack", "std", "std_mean", "sub", "sum",
    "swapaxes", "swapdims", "t", "take_along_dim", "tan", "tanh", "tensor",
    "Tensor", "topk", "train_epoch", "TrainingDiverged", "transpose", "tril",
    "triu", "trunc", "uint8", "unbind", "unbroadcast", "unflatten", "unsqueeze",
    "utils", "var", "var_mean", "where", "zeros", "zeros_like",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    """A PyTorch name this module does not offer: an error that says so."""
    compatibility.missing(__name__, name)
