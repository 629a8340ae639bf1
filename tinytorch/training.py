"""A small training loop: `fit` trains for some epochs and returns a History; a
callback sees every step.

Book: book/modules/07_training.md
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ._tensor import Tensor
from .autograd import no_grad
from .checks import ShapeError, check_int
from .nn import Module
from .optim import Optimizer
from .optim.lr_scheduler import LRScheduler
from .utils.data import DataLoader


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite: training stops rather than go on."""


@dataclass
class History:
    """Per-epoch results of `fit`: mean training loss, training accuracy, test
    accuracy and seconds of training."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    updates: int = 0  # gradient updates: the budget fair comparisons hold fixed


@dataclass
class Progress:
    """What a callback sees after each step."""

    epoch: int  # counted from 1
    epochs: int
    step: int  # counted from 1 within the epoch
    steps: int
    loss: float
    history: History


def correct(output: Tensor, target: Tensor) -> int:
    """How many predictions are right: class scores (..., C) against labels (...),
    one per sample or one per token of a sequence (labels below 0, e.g. PyTorch's
    ignore_index -100, are not predictions), or one-hot rows (N, C), by argmax; one
    probability per row (N, 1), read as >= 0.5, against (N, 1)."""
    scores, labels = output._data, target._data
    if scores.ndim == 2 and scores.shape[1] == 1 and labels.shape == scores.shape:
        return int(((scores >= 0.5) == (labels >= 0.5)).sum())
    if scores.ndim >= 2 and scores.shape[-1] > 1:
        if scores.ndim == 2 and labels.shape == scores.shape:  # one-hot targets
            labels = labels.argmax(axis=1)
        if labels.shape == scores.shape[:-1]:
            return int((scores.argmax(axis=-1) == labels).sum())
    raise ShapeError(
        f"accuracy: outputs of shape {scores.shape} and targets of shape "
        f"{labels.shape} do not pair up; expected scores (..., C) with labels (...) "
        f"or one-hot (N, C), or probabilities (N, 1) with targets (N, 1)"
    )


def counted(target: Tensor) -> int:
    """How many predictions a batch's targets ask for: one per label, leaving out
    ignored ones (integer labels below 0)."""
    labels = target._data
    return int((labels >= 0).sum()) if labels.dtype.kind == "i" else len(labels)


# Overflow makes inf and NaN silently, as in PyTorch: a diverging run ends with the
# TrainingDiverged below, which says where, not with a stream of numpy warnings.
@np.errstate(over="ignore", invalid="ignore", divide="ignore")
def train_epoch(
    model: Module,
    loader: DataLoader,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    optimizer: Optimizer,
    epoch: int = 1,
    epochs: int = 1,
    history: History | None = None,
    callback: Callable[[Progress], None] | None = None,
    scheduler: LRScheduler | None = None,
) -> tuple[float, float]:
    """One pass over `loader`; returns (mean loss, accuracy). A `scheduler` steps
    after every optimizer step, as in PyTorch. Raises TrainingDiverged on a NaN or
    infinite loss."""
    history = history if history is not None else History()
    model.train()
    total_loss, hits, seen, steps = 0.0, 0, 0, len(loader)
    for step, (x, y) in enumerate(loader, start=1):
        output = model(x)
        loss = loss_fn(output, y)
        value = loss.item()
        if not math.isfinite(value):
            raise TrainingDiverged(
                f"loss became {value} at epoch {epoch}, step {step}: try a smaller "
                f"learning rate or check the data"
            )
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        history.updates += 1
        n = counted(y)
        total_loss += value * n
        hits += correct(output, y)
        seen += n
        if callback is not None:
            callback(Progress(epoch, epochs, step, steps, value, history))
    if seen == 0:
        raise ValueError(
            "train_epoch: the loader yielded no samples (an empty dataset?)"
        )
    return total_loss / seen, hits / seen


def evaluate(model: Module, loader: DataLoader) -> float:
    """Accuracy of `model` on `loader`, in evaluation mode, building no graph."""
    was_training = model.training
    model.eval()
    hits = seen = 0
    with no_grad():
        for x, y in loader:
            hits += correct(model(x), y)
            seen += counted(y)
    model.train(was_training)
    if seen == 0:
        raise ValueError("evaluate: the loader yielded no samples (an empty dataset?)")
    return hits / seen


def predict(model: Module, x: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """The model's outputs for `x`, batch by batch, as one numpy array."""
    x = x._data if isinstance(x, Tensor) else np.asarray(x)
    if x.ndim == 0 or len(x) == 0:
        raise ValueError(
            f"predict: x must hold one or more samples, got shape {x.shape}"
        )
    check_int("predict", "batch_size", batch_size)
    was_training = model.training
    model.eval()
    with no_grad():
        outputs = [
            model(Tensor._wrap(x[i : i + batch_size], None))._data
            for i in range(0, len(x), batch_size)
        ]
    model.train(was_training)
    return np.concatenate(outputs)


def fit(
    model: Module,
    train_loader: DataLoader,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    optimizer: Optimizer,
    epochs: int,
    test_loader: DataLoader | None = None,
    callback: Callable[[Progress], None] | None = None,
    scheduler: LRScheduler | None = None,
) -> History:
    """Train for `epochs` epochs, evaluating on `test_loader` after each; only
    training time counts in `seconds`. A `scheduler` (e.g. OneCycleLR) steps after
    every optimizer step."""
    check_int("fit", "epochs", epochs)
    if not callable(loss_fn):
        raise TypeError(f"fit: loss_fn must be callable (e.g. nn.CrossEntropyLoss()), "
                        f"got {type(loss_fn).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit: optimizer must be an Optimizer (e.g. optim.SGD(...)), "
                        f"got {type(optimizer).__name__}")
    history = History()
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        loss, accuracy = train_epoch(
            model, train_loader, loss_fn, optimizer, epoch, epochs, history, callback,
            scheduler,
        )  # fmt: skip
        history.seconds.append(time.perf_counter() - start)
        history.loss.append(loss)
        history.accuracy.append(accuracy)
        if test_loader is not None:
            history.test_accuracy.append(evaluate(model, test_loader))
    return history
