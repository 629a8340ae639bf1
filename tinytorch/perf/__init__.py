"""Systems tools that take a trained model: profile it, quantize it, prune it,
measure its size as the bytes of a saved file, and time it honestly.

The core never imports this package: its one tie to the engine is `autograd.hook`,
which the profiler sets while it runs.

Book: book/modules/14_profiling.md
"""

from . import benchmark, layers, profiler, pruning, quantization, serialization, sparse
from .benchmark import Comparison, Measurement, Ratio, Timer, compare
from .layers import CHANNEL_LAYERS, channel_weights
from .profiler import Stats, gemm_peak, profile
from .pruning import (
    global_unstructured,
    keep_pruned,
    ln_structured,
    remove_pruned_channels,
    sparsity,
)
from .quantization import (
    QuantizedConv2d,
    QuantizedLinear,
    calibrate,
    dequantize,
    quantize,
    quantize_per_channel,
)
from .serialization import load, load_state, save, state
from .sparse import Bitmap

__all__ = [
    "CHANNEL_LAYERS", "Bitmap", "Comparison", "Measurement", "QuantizedConv2d",
    "QuantizedLinear", "Ratio", "Stats", "Timer", "benchmark", "calibrate",
    "compare", "channel_weights", "dequantize", "gemm_peak", "global_unstructured",
    "keep_pruned", "layers", "ln_structured", "load", "load_state",
    "profile", "profiler", "pruning", "quantization", "quantize",
    "quantize_per_channel", "remove_pruned_channels", "save", "serialization",
    "sparse", "sparsity", "state",
]  # fmt: skip
