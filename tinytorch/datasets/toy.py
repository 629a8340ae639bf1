"""Two toy sets in the plane: separable blobs (1957) and XOR (1969).

Book: book/modules/08_data_loading.md
"""

from __future__ import annotations

import numpy as np

from ..checks import check_int


def make_blobs(
    n: int = 200, seed: int = 0, std: float = 0.5, margin: float = 0.2
) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian clusters around (-1, -1) and (1, 1), kept `margin` clear of the
    line x1 + x2 = 0.

    Linearly separable by construction (points inside the margin are redrawn), so
    the perceptron convergence theorem applies. Returns x float32 (n, 2) and y
    float32 (n, 1) in {0, 1}, half each.
    """
    check_int("make_blobs", "n", n)
    if not 0 <= margin < np.sqrt(2):
        raise ValueError(
            f"make_blobs: margin must be in [0, sqrt(2)), the centres' "
            f"distance to the boundary; got {margin}"
        )
    rng = np.random.default_rng(seed % 2**64)
    y = rng.permutation(np.arange(n) % 2).astype(np.float32)
    side = 2 * y - 1
    x = np.empty((n, 2))
    redraw = np.ones(n, dtype=bool)
    while redraw.any():
        x[redraw] = side[redraw, None] + std * rng.standard_normal(
            (int(redraw.sum()), 2)
        )
        redraw = side * x.sum(axis=1) / np.sqrt(2) < margin
    return x.astype(np.float32), y[:, None]


def make_xor(
    n: int = 200, noise: float = 0.1, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """XOR: the corners (0,0), (0,1), (1,0), (1,1), a quarter each, plus Gaussian
    noise; y = x1 XOR x2.

    Returns x float32 (n, 2) and y float32 (n, 1): the 1969 problem no single-layer
    perceptron solves.
    """
    check_int("make_xor", "n", n)
    rng = np.random.default_rng(seed % 2**64)
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])[
        rng.permutation(np.arange(n) % 4)
    ]
    x = corners + noise * rng.standard_normal((n, 2))
    y = corners[:, 0] ^ corners[:, 1]
    return x.astype(np.float32), y[:, None].astype(np.float32)
