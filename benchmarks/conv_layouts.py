"""Why tinytorch's convolution is built the way it is, measured: the im2col layout
(images innermost vs the tutorials' one row per output position) and a fused
convolution Function against the composition the library uses.

    python benchmarks/conv_layouts.py [--batch 128] [--repeats 7]

CPU time per call (or per training step), the median of interleaved repeats; it
prints ratios, asserts nothing, writes nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median

from options import pin_threads

if __name__ == "__main__":
    pin_threads(1)

import numpy as np  # noqa: E402
from numpy.lib.stride_tricks import sliding_window_view  # noqa: E402

import tinytorch as tt  # noqa: E402
from tinytorch import nn, ops  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root
from milestones import load  # noqa: E402

lenet5 = load("04_1998_cnn/03_lecun_mnist").lenet5
LAYERS = {"conv 1 (1->6, 5x5, pad 2)": (1, 28, 2), "conv 2 (6->16, 5x5)": (6, 14, 0)}


def rows_per_position(x: np.ndarray, k: int, pad: int) -> np.ndarray:
    """The tutorials' im2col: one row per output position, (N*OH*OW, C*k*k)."""
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = sliding_window_view(xp, (k, k), axis=(2, 3))  # (N, C, OH, OW, k, k)
    n, c, oh, ow = windows.shape[:4]
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, c * k * k)


def col2im_rows(grad: np.ndarray, shape: tuple, k: int) -> np.ndarray:
    """col2im for the tutorials' layout: k*k slice-adds from (N, OH, OW, C, k, k)."""
    n, c, h, w = shape
    oh, ow = h - k + 1, w - k + 1
    patches = grad.reshape(n, oh, ow, c, k, k)
    image = np.zeros(shape, grad.dtype)
    for i in range(k):
        for j in range(k):
            window = patches[..., i, j].transpose(0, 3, 1, 2)
            image[:, :, i : i + oh, j : j + ow] += window
    return image


class FusedConv(tt.Function):
    """Unfold, product and an in-place bias add in one node (for the measurement)."""

    def forward(ctx, x, weight, bias, padding):
        ctx.unfold = ops.Unfold()
        columns = ctx.unfold.forward(x, weight.shape[2:], (1, 1), padding)
        ctx.save_for_backward(weight, columns)
        out = weight.reshape(len(weight), -1) @ columns
        out += bias[:, None]
        _, oh, ow, n, _, _ = ctx.unfold.windows
        return out.reshape(len(weight), oh, ow, n).transpose(3, 0, 1, 2)

    def backward(ctx, grad):
        weight, columns = ctx.saved_tensors
        w = weight.reshape(len(weight), -1)
        g = grad.transpose(1, 2, 3, 0).reshape(len(w), -1)
        dx = ctx.unfold.backward(w.T @ g)[0] if ctx.needs_input_grad[0] else None
        return dx, (g @ columns.T).reshape(weight.shape), g.sum(axis=1)


class Fused(nn.Conv2d):
    def forward(self, x: tt.Tensor) -> tt.Tensor:
        return FusedConv.apply(x, self.weight, self.bias, padding=self.padding)


def fused_lenet() -> nn.Sequential:
    layers = list(lenet5())
    for i in (0, 3):
        conv = layers[i]
        layers[i] = Fused(conv.in_channels, conv.out_channels, 5, padding=conv.padding)
        layers[i].weight, layers[i].bias = conv.weight, conv.bias
    return nn.Sequential(*layers)


def cpu_ms(calls: dict[str, Callable[[], object]], repeats: int, n: int = 10) -> dict:
    """Median CPU milliseconds per call of each, measured in turn, `repeats` times."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    for call in calls.values():
        call()  # warm up
    for _ in range(repeats):
        for name, call in calls.items():
            start = time.process_time()
            for _ in range(n):
                call()
            times[name].append((time.process_time() - start) / n * 1e3)
    return {name: median(values) for name, values in times.items()}


def layouts(x: np.ndarray, pad: int, repeats: int) -> dict[str, float]:
    """im2col and col2im of one 5x5 convolution's input, in both layouts."""
    unfold = ops.Unfold()
    columns = unfold.forward(x, (5, 5), (1, 1), (pad, pad))
    rows = rows_per_position(x, 5, pad)
    n, c, h, w = x.shape
    padded = (n, c, h + 2 * pad, w + 2 * pad)
    return cpu_ms({
        "im2col innermost": lambda: unfold.forward(x, (5, 5), (1, 1), (pad, pad)),
        "im2col rows": lambda: rows_per_position(x, 5, pad),
        "col2im innermost": lambda: unfold.backward(columns),
        "col2im rows": lambda: col2im_rows(rows, padded, 5),
    }, repeats)  # fmt: skip


def step(model: nn.Module, x: np.ndarray, y: np.ndarray) -> Callable[[], None]:
    """One Adam training step of `model` on the batch (x, y), as a function."""
    optimizer = tt.optim.Adam(model.parameters(), lr=1e-3)
    x, y = tt.from_numpy(x), tt.from_numpy(y)

    def one() -> None:
        loss = nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    return one


def main(batch: int, repeats: int) -> None:
    rng = np.random.default_rng(0)
    for name, (c, size, pad) in LAYERS.items():
        x = rng.standard_normal((batch, c, size, size)).astype(np.float32)
        if c > 1:  # as in training: the previous layer's output, images innermost
            x = np.ascontiguousarray(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)
        t = layouts(x, pad, repeats)
        shown = ", ".join(f"{k} {v:.3f}" for k, v in t.items())
        im2col = t["im2col rows"] / t["im2col innermost"]
        col2im = t["col2im rows"] / t["col2im innermost"]
        print(f"{name}, batch {batch}, ms: {shown}")
        print(f"  rows / innermost: im2col {im2col:.1f}x, col2im {col2im:.1f}x")
    x = rng.standard_normal((batch, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, batch)
    tt.manual_seed(0)
    composed = step(lenet5(), x, y)
    tt.manual_seed(0)
    t = cpu_ms({"composed": composed, "fused": step(fused_lenet(), x, y)}, repeats)
    print(f"LeNet-5 training step, batch {batch}: composed {t['composed']:.2f} ms, "
          f"fused convolutions {t['fused']:.2f} ms, fused / composed "
          f"{t['fused'] / t['composed']:.3f}")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    main(args.batch, args.repeats)
