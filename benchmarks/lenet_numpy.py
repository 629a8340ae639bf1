"""The benchmark's LeNet-5 reference, hand-written in plain numpy: im2col and col2im
by hand (loops over the kernel offsets, never over pixels), backward by hand,
textbook Adam. Activations are kept as (C, H, W, N), images innermost, the layout
that makes im2col's copies and col2im's slice-adds run over long rows (tinytorch's
own, after measuring): the strongest hand-written loop, so the comparison measures
what the framework costs on top of the same arithmetic."""

from __future__ import annotations

import numpy as np
from config import Config
from numpy_loop import NumpyLoop, softmax_cross_entropy

CONVS = (("0", 2), ("3", 0))  # (layer name, padding) of the two convolutions
DENSE = ("7", "9", "11")  # the three Linear layers


def conv_forward(
    x: np.ndarray, w: np.ndarray, b: np.ndarray, pad: int
) -> tuple[np.ndarray, np.ndarray]:
    """x (C, H, W, N) -> (O, OH, OW, N): im2col one kernel offset at a time (each a
    contiguous block of rows OW*N long), then one matrix product. Also the columns."""
    c, h, width, n = x.shape
    o, _, k, _ = w.shape
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    oh, ow = h + 2 * pad - k + 1, width + 2 * pad - k + 1
    cols = np.empty((c, k, k, oh, ow, n), x.dtype)
    for i in range(k):
        for j in range(k):
            cols[:, i, j] = xp[:, i : i + oh, j : j + ow]
    cols = cols.reshape(c * k * k, -1)
    out = w.reshape(o, -1) @ cols + b[:, None]
    return out.reshape(o, oh, ow, n), cols


def conv_backward(
    grad: np.ndarray, cols: np.ndarray, w: np.ndarray, x_shape: tuple, pad: int,
    need_dx: bool,
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:  # fmt: skip
    """(dx or None, dW, db) for grad (O, OH, OW, N); col2im adds each kernel offset
    back with one slice."""
    c, h, width, n = x_shape
    o, _, k, _ = w.shape
    g = grad.reshape(o, -1)
    dw = (g @ cols.T).reshape(w.shape)
    db = g.sum(axis=1)
    if not need_dx:
        return None, dw, db
    oh, ow = grad.shape[1:3]
    dcols = (w.reshape(o, -1).T @ g).reshape(c, k, k, oh, ow, n)
    dxp = np.zeros((c, h + 2 * pad, width + 2 * pad, n), grad.dtype)
    for i in range(k):
        for j in range(k):
            dxp[:, i : i + oh, j : j + ow] += dcols[:, i, j]
    return dxp[:, pad : pad + h, pad : pad + width], dw, db


def pool_forward(x: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """2x2 max-pooling of x (C, H, W, N) from the four strided corners of the
    windows; tied maxima split the gradient equally (tinytorch's rule)."""
    corners = [x[:, i::2, j::2] for i in (0, 1) for j in (0, 1)]
    out = np.maximum(np.maximum(corners[0], corners[1]),
                     np.maximum(corners[2], corners[3]))  # fmt: skip
    hits = [corner == out for corner in corners]
    count = sum(hit.astype(x.dtype) for hit in hits)
    return out, [hit / count for hit in hits]


def pool_backward(grad: np.ndarray, shares: list[np.ndarray]) -> np.ndarray:
    c, h, w, n = grad.shape
    dx = np.empty((c, 2 * h, 2 * w, n), grad.dtype)
    for share, (i, j) in zip(shares, ((0, 0), (0, 1), (1, 0), (1, 1)), strict=True):
        dx[:, i::2, j::2] = share * grad
    return dx


class NumpyRun(NumpyLoop):
    """LeNet-5 (ReLU, max-pool) trained by hand: forward, backward, the updates of
    NumpyLoop."""

    def __init__(
        self, config: Config, weights: dict[str, np.ndarray], x, y, seed: int
    ) -> None:
        names = [f"{layer}.{p}" for layer, _ in CONVS for p in ("weight", "bias")]
        names += [f"{layer}.{p}" for layer in DENSE for p in ("weight", "bias")]
        # Linear weights as (in, out), hand-written numpy's usual layout (x @ W + b)
        dense = {f"{layer}.weight" for layer in DENSE}
        params = [np.ascontiguousarray(weights[k].T if k in dense else weights[k])
                  for k in names]  # fmt: skip
        super().__init__(config, params, x, y)

    def forward(self, xb: np.ndarray) -> tuple[np.ndarray, list]:
        """The logits, and what backward needs of every layer."""
        saved: list = []
        a = xb.transpose(1, 2, 3, 0)  # (C, H, W, N)
        for i, (_, pad) in enumerate(CONVS):
            w, b = self.params[2 * i], self.params[2 * i + 1]
            h, cols = conv_forward(a, w, b, pad)
            pooled, share = pool_forward(np.maximum(h, 0))
            saved.append((cols, h, a.shape, share))
            a = pooled
        saved.append(a.shape)
        a = a.reshape(-1, len(xb)).T  # (N, C*H*W), PyTorch's order of the features
        for i in range(len(DENSE)):
            w, b = self.params[4 + 2 * i], self.params[5 + 2 * i]
            h = a @ w + b
            saved.append((a, h))
            a = np.maximum(h, 0) if i < len(DENSE) - 1 else h
        return a, saved

    def logits(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)[0]

    def gradients(
        self, xb: np.ndarray, yb: np.ndarray
    ) -> tuple[list[np.ndarray], float, int]:
        logits, saved = self.forward(xb)
        loss, d = softmax_cross_entropy(logits, yb)
        grads: list[np.ndarray] = [np.empty(0)] * len(self.params)
        for i in reversed(range(len(DENSE))):
            a, h = saved[len(CONVS) + 1 + i]
            if i < len(DENSE) - 1:
                d = d * (h > 0)
            grads[4 + 2 * i], grads[5 + 2 * i] = a.T @ d, d.sum(axis=0)
            d = d @ self.params[4 + 2 * i].T
        d = np.ascontiguousarray(d.T).reshape(saved[len(CONVS)])
        for i in reversed(range(len(CONVS))):
            cols, h, shape, share = saved[i]
            d = pool_backward(d, share) * (h > 0)
            d, grads[2 * i], grads[2 * i + 1] = conv_backward(
                d, cols, self.params[2 * i], shape, CONVS[i][1], need_dx=i > 0
            )
        return grads, loss, int((logits.argmax(axis=1) == yb).sum())
