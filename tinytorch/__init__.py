"""tinytorch: a small, readable numpy-only deep-learning library with PyTorch's names."""

import os

# One BLAS thread unless you chose otherwise: tinytorch's matrix products are small, a second thread does not speed
# them up, and on a busy machine OpenBLAS's spinning threads make each product ten times slower. (This only takes
# effect when tinytorch is imported before numpy.)
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

from . import data, nn, optim
from .gradcheck import GradcheckError, gradcheck
from .tensor import (
    Function,
    ShapeError,
    Tensor,
    is_grad_enabled,
    manual_seed,
    no_grad,
    ones,
    randn,
    tensor,
    unbroadcast,
    zeros,
)
from .training import History, Progress, TrainingDiverged, evaluate, fit, predict, train_epoch

__version__ = "0.1.0"

__all__ = [
    "Function", "GradcheckError", "History", "Progress", "ShapeError", "Tensor", "TrainingDiverged", "data",
    "evaluate", "fit", "gradcheck", "is_grad_enabled", "manual_seed", "nn", "no_grad", "ones", "optim",
    "predict", "randn", "tensor", "train_epoch", "unbroadcast", "zeros",
]
