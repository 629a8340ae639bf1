"""A small training loop: `fit` trains for some epochs and returns a History; a callback sees every step."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .data import DataLoader
from .nn import Module
from .optim import Optimizer
from .tensor import Tensor, no_grad


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite: training stops instead of carrying on with garbage."""


@dataclass
class History:
    """Per-epoch results of `fit`: mean training loss, training accuracy, test accuracy and seconds of training."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    updates: int = 0  # gradient updates so far: the budget that fair comparisons hold fixed


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
    """How many predictions are right: argmax for class scores (N, C), output >= 0.5 for one probability (N, 1)."""
    if output.shape[-1] == 1:
        return int(((output.data >= 0.5) == (target.data >= 0.5)).sum())
    return int((output.data.argmax(axis=-1) == target.data).sum())


def train_epoch(
    model: Module,
    loader: DataLoader,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    optimizer: Optimizer,
    epoch: int = 1,
    epochs: int = 1,
    history: History | None = None,
    callback: Callable[[Progress], None] | None = None,
) -> tuple[float, float]:
    """One pass over `loader`; returns (mean loss, accuracy). Raises TrainingDiverged on a NaN or inf loss."""
    history = history if history is not None else History()
    model.train()
    total_loss, hits, seen, steps = 0.0, 0, 0, len(loader)
    for step, (x, y) in enumerate(loader, start=1):
        output = model(x)
        loss = loss_fn(output, y)
        value = loss.item()
        if not math.isfinite(value):
            raise TrainingDiverged(
                f"loss became {value} at epoch {epoch}, step {step}: try a smaller learning rate or check the data"
            )
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        history.updates += 1
        total_loss += value * len(y)
        hits += correct(output, y)
        seen += len(y)
        if callback is not None:
            callback(Progress(epoch, epochs, step, steps, value, history))
    return total_loss / seen, hits / seen


def evaluate(model: Module, loader: DataLoader) -> float:
    """Accuracy of `model` on `loader`, in evaluation mode and without building a graph."""
    was_training = model.training
    model.eval()
    hits = seen = 0
    with no_grad():
        for x, y in loader:
            hits += correct(model(x), y)
            seen += len(y)
    model.train(was_training)
    return hits / seen


def predict(model: Module, x: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """The model's outputs for `x`, batch by batch, as one numpy array."""
    was_training = model.training
    model.eval()
    with no_grad():
        outputs = [model(Tensor._wrap(x[i : i + batch_size], None)).data for i in range(0, len(x), batch_size)]
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
) -> History:
    """Train for `epochs` epochs, evaluating on `test_loader` after each; only training time counts in `seconds`."""
    history = History()
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        loss, accuracy = train_epoch(model, train_loader, loss_fn, optimizer, epoch, epochs, history, callback)
        history.seconds.append(time.perf_counter() - start)
        history.loss.append(loss)
        history.accuracy.append(accuracy)
        if test_loader is not None:
            history.test_accuracy.append(evaluate(model, test_loader))
    return history
