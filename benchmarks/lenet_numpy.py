"""The benchmark's LeNet-5 reference: the loop a good student writes in plain numpy,
im2col and col2im by hand, backward by hand, textbook Adam."""

from __future__ import annotations

import numpy as np
from config import Config
from numpy.lib.stride_tricks import sliding_window_view
from numpy_loop import NumpyLoop, softmax_cross_entropy

CONVS = (("0", 2), ("3", 0))  # (layer name, padding) of the two convolutions
DENSE = ("7", "9", "11")  # the three Linear layers


def conv_forward(
    x: np.ndarray, w: np.ndarray, b: np.ndarray, pad: int
) -> tuple[np.ndarray, np.ndarray]:
    """im2col (one row per output position) and one product: (N, O, OH, OW), cols."""
    n, c, h, width = x.shape
    o, _, k, _ = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = h + 2 * pad - k + 1, width + 2 * pad - k + 1
    windows = sliding_window_view(xp, (k, k), axis=(2, 3))  # (N, C, OH, OW, k, k)
    cols = windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, c * k * k)
    out = cols @ w.reshape(o, -1).T + b
    return out.reshape(n, oh, ow, o).transpose(0, 3, 1, 2), cols


def conv_backward(
    grad: np.ndarray, cols: np.ndarray, w: np.ndarray, x_shape: tuple, pad: int,
    need_dx: bool,
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:  # fmt: skip
    """(dx or None, dW, db); col2im adds the k*k kernel offsets back one slice each."""
    n, c, h, width = x_shape
    o, _, k, _ = w.shape
    g = grad.transpose(0, 2, 3, 1).reshape(-1, o)  # (N*OH*OW, O)
    dw = (g.T @ cols).reshape(w.shape)
    db = g.sum(axis=0)
    if not need_dx:
        return None, dw, db
    oh, ow = grad.shape[2:]
    dcols = (g @ w.reshape(o, -1)).reshape(n, oh, ow, c, k, k)
    dxp = np.zeros((n, c, h + 2 * pad, width + 2 * pad), grad.dtype)
    for i in range(k):
        for j in range(k):
            dxp[:, :, i : i + oh, j : j + ow] += dcols[:, :, :, :, i, j].transpose(
                0, 3, 1, 2
            )
    return dxp[:, :, pad : pad + h, pad : pad + width], dw, db


def pool_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2x2 max-pooling by a reshape; the mask shares the gradient among tied maxima
    (tinytorch's rule)."""
    n, c, h, w = x.shape
    windows = x.reshape(n, c, h // 2, 2, w // 2, 2)
    out = windows.max(axis=(3, 5))
    mask = windows == out[:, :, :, None, :, None]
    return out, mask / mask.sum(axis=(3, 5), keepdims=True, dtype=x.dtype)


def pool_backward(grad: np.ndarray, share: np.ndarray) -> np.ndarray:
    n, c, h, w = grad.shape
    return (share * grad[:, :, :, None, :, None]).reshape(n, c, 2 * h, 2 * w)


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
        a = xb
        for i, (_, pad) in enumerate(CONVS):
            w, b = self.params[2 * i], self.params[2 * i + 1]
            h, cols = conv_forward(a, w, b, pad)
            pooled, share = pool_forward(np.maximum(h, 0))
            saved.append((cols, h, a.shape, share))
            a = pooled
        saved.append(a.shape)
        a = a.reshape(len(xb), -1)
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
        d = d.reshape(saved[len(CONVS)])
        for i in reversed(range(len(CONVS))):
            cols, h, shape, share = saved[i]
            d = pool_backward(d, share) * (h > 0)
            d, grads[2 * i], grads[2 * i + 1] = conv_backward(
                d, cols, self.params[2 * i], shape, CONVS[i][1], need_dx=i > 0
            )
        return grads, loss, int((logits.argmax(axis=1) == yb).sum())
