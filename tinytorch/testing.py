"""Check backward() against float64 central differences, the ground truth for every
gradient in tinytorch (the test suite runs it on every op in its registry).

Book: book/modules/05_autograd.md
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ._tensor import Tensor


class GradcheckError(AssertionError):
    """Analytic and numerical gradients disagree; the message says where and how."""


def gradcheck(
    fn: Callable[..., Tensor],
    inputs: Sequence[Tensor],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    seed: int = 0,
) -> bool:
    """Compare the gradients of `fn(*inputs)` with central differences, for every
    input that requires grad.

    A non-scalar output is projected onto fixed random weights first, which checks
    backward() in a random direction. Inputs must be float64: in float32,
    (f(x + eps) - f(x - eps)) / 2 eps is mostly rounding noise. Returns True, or
    raises GradcheckError naming the input, the element and both values.
    """
    for i, t in enumerate(inputs):
        if t.requires_grad and t.dtype != np.float64:
            raise TypeError(
                f"gradcheck: input {i} is {t.dtype}; use float64 inputs "
                f"(e.g. x.double())"
            )
    projection = np.random.default_rng(seed).standard_normal(fn(*inputs).shape)

    def objective() -> float:
        return float((fn(*inputs)._data * projection).sum())

    kept = [t.grad for t in inputs]  # as PyTorch's gradcheck, leave .grad as it was
    try:
        for t in inputs:
            t.grad = None
        fn(*inputs).backward(projection)
        analytics = [None if t.grad is None else t.grad._data for t in inputs]
    finally:
        for t, grad in zip(inputs, kept, strict=True):
            t.grad = grad
    for i, t in enumerate(inputs):
        if not t.requires_grad:
            continue
        analytic = np.zeros_like(t._data) if analytics[i] is None else analytics[i]
        if analytic.shape != t.shape:
            raise GradcheckError(
                f"gradcheck: input {i} has shape {t.shape} but its "
                f"gradient has shape {analytic.shape}"
            )
        numeric = np.zeros_like(t._data)
        for index in np.ndindex(t.shape):
            original = t._data[index]
            t._data[index] = original + eps
            plus = objective()
            t._data[index] = original - eps
            minus = objective()
            t._data[index] = original
            numeric[index] = (plus - minus) / (2 * eps)
        if not np.allclose(analytic, numeric, atol=atol, rtol=rtol):
            worst = np.unravel_index(np.argmax(np.abs(analytic - numeric)), t.shape)
            raise GradcheckError(
                f"gradcheck: input {i} (shape {t.shape}) at index "
                f"{tuple(int(k) for k in worst)}: backward gives "
                f"{analytic[worst]:.8g}, central differences give {numeric[worst]:.8g}"
            )
    return True
