"""tinytorch: a small, readable, numpy-only deep-learning library with PyTorch's names.

Book: book/library.md
"""

from . import threads

threads.use_default_threads()  # one BLAS thread unless the environment chose

from . import memory  # noqa: E402

memory.keep_freed_memory()  # freed arrays stay mapped for the next step

from . import data, datasets, nn, ops, optim  # noqa: E402
from ._tensor import Tensor, ones, randn, tensor, zeros  # noqa: E402
from .autograd import Function, is_grad_enabled, no_grad  # noqa: E402
from .checks import ShapeError  # noqa: E402
from .ops import unbroadcast  # noqa: E402
from .random import manual_seed  # noqa: E402
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

__version__ = "0.1.0"

__all__ = [
    "Function", "GradcheckError", "History", "Progress", "ShapeError", "Tensor",
    "TrainingDiverged", "data", "datasets", "evaluate", "fit", "get_num_threads",
    "gradcheck", "is_grad_enabled", "manual_seed", "nn", "no_grad", "ones", "ops",
    "optim", "predict", "randn", "set_num_threads", "tensor", "train_epoch",
    "unbroadcast", "zeros",
]  # fmt: skip
