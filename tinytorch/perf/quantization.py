"""Post-training int8 quantization: symmetric, one scale per output channel.

Each output channel (row) of a weight is stored as int8 values q in [-127, 127] and
one float32 scale s = max|w| / 127, so that w = s q within s/2 in every entry: a
quarter of the float32 bytes. `quantize(model)` gives a copy whose channel layers are
quantized twins, computing in one of two ways:

- "float32": dequantize the weight on the fly (s q) and use numpy's float32 BLAS;
- "int8": quantize the input too, with one scale per layer set by `calibrate` (the
  largest |x| seen over a few batches, / 127), multiply int8 by int8 accumulating in
  int32, and rescale the result by s_x s_w. numpy has no int8 BLAS: its integer
  matmul is a plain loop, far slower here than float32 BLAS, while int8 kernels
  (VNNI, Tensor Cores) make this the fast path on hardware that has them.

Book: book/modules/15_quantization.md
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

import numpy as np

from .. import ops
from .._tensor import Tensor
from ..autograd import no_grad
from ..checks import ShapeError
from ..creation import tensor
from ..nn import Conv2d, Linear, Module

MATMULS = ("float32", "int8")


SCALE_MIN = float(np.finfo(np.float32).eps)


def quantize_per_channel(weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 values q and float32 scales s, one per row (axis 0), with w ≈ s q."""
    w = np.asarray(weight)
    if w.dtype.kind != "f" or w.ndim < 2 or not np.isfinite(w).all():
        raise ValueError(f"quantize_per_channel: needs a finite floating-point weight "
                         f"with output channels on axis 0, got {w.dtype} {w.shape}")
    rows = w.reshape(len(w), -1).astype(np.float64)  # exact: the bound holds to 1e-15
    peak = np.abs(rows).max(axis=1)
    # at least float32's epsilon, as PyTorch's observers clamp it: a zero row, or one
    # so small that its scale would lose digits, keeps a well-defined scale
    scale = np.maximum(peak / 127, SCALE_MIN).astype(np.float32)
    q = np.rint(rows / scale[:, None].astype(np.float64)).astype(np.int8)
    return q.reshape(w.shape), scale


def dequantize(q: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """The float32 weight s q that int8 values `q` and their row scales stand for."""
    rows = q.reshape(len(q), -1) * scale[:, None]
    return rows.reshape(q.shape)


class QuantizedLinear(Module):
    """A Linear layer with an int8 weight and a float32 scale per output: inference
    only (its outputs carry no graph). A layer whose forward is a matrix product of
    input rows by its weight's rows (a convolution, on unfolded patches) can reuse
    `_matmul` in a subclass."""

    def __init__(self, linear: Linear, matmul: str = "float32") -> None:
        _check_matmul("QuantizedLinear", matmul)
        self.weight_int8, self.scale = quantize_per_channel(linear.weight._data)
        self.out_features = len(self.weight_int8)
        self.in_features = self.weight_int8[0].size  # the fan-in of one output
        self.bias = None if linear.bias is None else linear.bias._data.copy()
        self.input_scale = np.zeros((), np.float32)  # 0 until calibrated
        self.matmul = matmul
        self.observed: float | None = None  # the largest |input|, while calibrating

    def forward(self, x: Tensor) -> Tensor:
        data = x._data
        if data.dtype != np.float32 or data.shape[-1:] != (self.in_features,):
            raise ShapeError(f"QuantizedLinear: expects float32 inputs with "
                             f"{self.in_features} features, got {data.dtype} "
                             f"{data.shape}")
        out = self._matmul(data.reshape(-1, self.in_features))
        return Tensor._wrap(out.reshape(*data.shape[:-1], self.out_features), None)

    def _matmul(self, rows: np.ndarray) -> np.ndarray:
        """rows @ W.T + b (rows: (n, fan_in)), the chosen way."""
        if self.observed is not None:
            self.observed = max(self.observed, float(np.abs(rows).max()))
        weight = self.weight_int8.reshape(len(self.weight_int8), -1)
        if self.matmul == "float32":
            out = rows @ dequantize(weight, self.scale).T
        else:
            if not self.input_scale:
                raise RuntimeError("QuantizedLinear: matmul='int8' needs an input "
                                   "scale: run calibrate(model, batches) first")
            q = np.clip(np.rint(rows / self.input_scale), -127, 127).astype(np.int8)
            total = np.matmul(q, weight.T, dtype=np.int32)  # int32 accumulation
            out = total.astype(np.float32) * (self.input_scale * self.scale)
        if self.bias is not None:
            out += self.bias
        return out

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"matmul={self.matmul!r}")


class QuantizedConv2d(QuantizedLinear):
    """A Conv2d with an int8 weight and a float32 scale per filter: inference only.
    As in `F.conv2d`, the input's patches are unfolded into rows, one per output
    pixel, so the convolution is `_matmul`'s product of rows by filters, either way."""

    def __init__(self, conv: Conv2d, matmul: str = "float32") -> None:
        super().__init__(conv, matmul)  # fan-in: in_channels * kh * kw
        self.in_channels = conv.in_channels
        self.kernel_size, self.stride, self.padding = (
            conv.kernel_size, conv.stride, conv.padding)

    def forward(self, x: Tensor) -> Tensor:
        data = x._data
        if data.dtype != np.float32 or data.ndim != 4 or (
                data.shape[1] != self.in_channels):
            raise ShapeError(f"QuantizedConv2d: expects float32 images (N, "
                             f"{self.in_channels}, H, W), got {data.dtype} "
                             f"{data.shape}")
        with no_grad():
            columns = ops.Unfold.apply(x, kernel_size=self.kernel_size,
                                       stride=self.stride, padding=self.padding)
        (n, _, h, w), (kh, kw) = data.shape, self.kernel_size
        oh = (h + 2 * self.padding[0] - kh) // self.stride[0] + 1
        ow = (w + 2 * self.padding[1] - kw) // self.stride[1] + 1
        out = self._matmul(columns._data.T)  # (OH * OW * N, out_channels)
        return Tensor._wrap(out.reshape(oh, ow, n, -1).transpose(2, 3, 0, 1), None)

    def extra_repr(self) -> str:
        return (f"{self.in_channels}, {self.out_features}, "
                f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, matmul={self.matmul!r}")


QUANTIZED: dict[type[Module], type[QuantizedLinear]] = {
    Linear: QuantizedLinear, Conv2d: QuantizedConv2d}


def quantize(model: Module, matmul: str = "float32",
             calibration: Iterable[np.ndarray | Tensor] | None = None) -> Module:
    """A copy of `model` with every layer of QUANTIZED replaced by its int8 twin
    (the model itself is unchanged); matmul="int8" needs calibration batches."""
    _check_matmul("quantize", matmul)
    if matmul == "int8" and calibration is None:
        raise ValueError("quantize: matmul='int8' quantizes each layer's input too, "
                         "with a scale measured on data: pass calibration=[x, ...], "
                         "a few batches of training inputs")
    quantized = _swap(copy.deepcopy(model), matmul)
    if calibration is not None:
        calibrate(quantized, calibration)
    return quantized


def _swap(module: Module, matmul: str) -> Module:
    twin = next((t for kind, t in QUANTIZED.items() if isinstance(module, kind)), None)
    if twin is not None:
        return twin(module, matmul)
    for name, child in list(module.named_children()):
        setattr(module, name, _swap(child, matmul))
    return module


def calibrate(model: Module, batches: Iterable[np.ndarray | Tensor]) -> None:
    """Set each quantized layer's input scale to the largest |input| it sees over
    `batches` (run in float32, in evaluation mode), / 127."""
    layers = [m for m in model.modules() if isinstance(m, QuantizedLinear)]
    if not layers:
        raise ValueError("calibrate: the model has no quantized layers; "
                         "calibrate the model that quantize() returns")
    modes, was_training, seen = [layer.matmul for layer in layers], model.training, 0
    for layer in layers:
        layer.matmul, layer.observed = "float32", 0.0
    try:
        with no_grad():
            model.eval()
            for x in batches:
                model(x if isinstance(x, Tensor) else tensor(x))
                seen += 1
    finally:
        model.train(was_training)
        for layer, mode in zip(layers, modes, strict=True):
            peak, layer.matmul, layer.observed = layer.observed, mode, None
            if seen:
                layer.input_scale = np.asarray(peak / 127 if peak else 1, np.float32)
    if not seen:
        raise ValueError("calibrate: no batches given; pass a few training batches")


def _check_matmul(where: str, matmul: str) -> None:
    if matmul not in MATMULS:
        raise ValueError(f"{where}: matmul must be one of {MATMULS}, got {matmul!r}")
