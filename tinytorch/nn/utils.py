"""Gradient clipping, as PyTorch's ``torch.nn.utils``: between backward() and the
optimizer's step, the gradients scaled down so that their norm is at most max_norm
(or each held in ±clip_value), which keeps one unlucky batch from throwing the
weights far away.

Book: book/modules/07_training.md
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .. import compatibility
from .._tensor import Tensor


def _grads(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    many = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p.grad for p in many if p.grad is not None]


def clip_grad_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float,
                    norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach: Any = None) -> Tensor:  # fmt: skip
    """Scale every gradient by max_norm / (total norm + 1e-6) if that is below one,
    the total norm being that of all the gradients as one vector; returns it."""
    grads = _grads(parameters)
    if not grads:
        return Tensor._wrap(np.zeros((), np.float32), None)
    order = np.inf if norm_type in (np.inf, "inf") else float(norm_type)
    norms = np.array([np.linalg.norm(g._data.ravel(), order) for g in grads])
    total = np.linalg.norm(norms, order).astype(grads[0]._data.dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from "
            f"`parameters` is non-finite, so it cannot be clipped. To "
            f"disable this error and scale the gradients by the "
            f"non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    scale = min(max_norm / (float(total) + 1e-6), 1.0)
    for g in grads:
        g._data *= scale
        g._version[0] += 1
    return Tensor._wrap(np.asarray(total), None)


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float,
                     foreach: Any = None) -> None:  # fmt: skip
    """Hold every gradient value in [-clip_value, clip_value]."""
    for g in _grads(parameters):
        np.clip(g._data, -clip_value, clip_value, out=g._data)
        g._version[0] += 1


def __getattr__(name: str) -> Any:
    """A PyTorch name this module does not offer: an error that says so."""
    compatibility.missing(__name__, name)
