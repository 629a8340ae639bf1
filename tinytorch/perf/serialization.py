"""Models saved to real files: a model's size is the bytes of its file, not a formula.

A model's state is every array it holds: each Parameter and Buffer (BatchNorm's
running statistics, which evaluation uses), and each numpy array a module keeps as
an attribute (a quantized layer's int8 weight and scales). `save` writes them into
one `.npz`, deflated like every model's file so that sizes compare like with like,
through `files.write_atomically`, and returns the file's size; with `sparse=True`
each array of two or more axes is stored as a `Bitmap`. `load` reads a file back
into a model of the same structure, exactly, or raises a `DamagedFile` naming it.

Book: book/modules/15_quantization.md
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from ..files import DamagedFile, write_atomically
from ..nn import Module
from .archive import REMEDY, read_npz
from .sparse import Bitmap

BITMAP = ("@shape", "@bits", "@values")  # the keys of one array stored as a Bitmap


def state(model: Module) -> dict[str, np.ndarray]:
    """Every array the model holds, by dotted name ("0.weight", "0.scale", ...): its
    state_dict (parameters and buffers) and the numpy arrays its modules keep."""
    arrays = {name: t._data for name, t in model.state_dict().items()}
    for prefix, module in model.named_modules():
        for attr, value in vars(module).items():
            if isinstance(value, np.ndarray):
                arrays[f"{prefix}.{attr}" if prefix else attr] = value
    return arrays


def load_state(model: Module, arrays: dict[str, np.ndarray]) -> None:
    """Put `arrays` into the model; names, shapes and dtypes must match its state."""
    current = state(model)
    missing = sorted(current.keys() - arrays.keys())
    unexpected = sorted(arrays.keys() - current.keys())
    if missing or unexpected:
        raise KeyError(
            f"load_state: missing {missing}, unexpected {unexpected}; was "
            f"the file saved from a model built the same way?"
        )
    modules, tensors = dict(model.named_modules()), model.state_dict()
    for key, value in arrays.items():
        old = current[key]
        if value.shape != old.shape or value.dtype != old.dtype:
            raise ValueError(
                f"load_state: {key} is {value.dtype} {value.shape} in the "
                f"file but {old.dtype} {old.shape} in the model"
            )
        if key in tensors:  # state_dict's tensors share the model's memory
            np.copyto(tensors[key]._data, value)  # keeps the weight's memory layout
            tensors[key]._version[0] += 1
        else:
            prefix, _, attr = key.rpartition(".")
            setattr(modules[prefix], attr, value)


def save(
    model: Module, path: str | Path, sparse: bool = False, compress: bool = True
) -> int:
    """Write the model's state to `path` (.npz) and return the file's bytes."""
    stored = {}
    for key, array in state(model).items():
        if sparse and array.ndim >= 2:
            bitmap = Bitmap.from_dense(array)
            shape = np.array(bitmap.shape, dtype=np.int64)
            stored.update(
                zip(
                    [key + k for k in BITMAP],
                    (shape, bitmap.bits, bitmap.values),
                    strict=True,
                )
            )
        else:
            stored[key] = array
    buffer = io.BytesIO()
    (np.savez_compressed if compress else np.savez)(buffer, **stored)
    write_atomically(path, buffer.getvalue())
    return Path(path).stat().st_size


def load(model: Module, path: str | Path) -> None:
    """Read a file written by `save` into `model`, built the same way as the saved
    one (quantized too, if it was)."""
    stored = read_npz(path)
    arrays = {}
    for key in [k for k in stored if k.endswith(BITMAP[0])]:
        name = key.removesuffix(BITMAP[0])
        if any(name + k not in stored for k in BITMAP):
            raise DamagedFile(path, f"part of the array {name} is missing", REMEDY)
        shape, bits, values = (stored.pop(name + k) for k in BITMAP)
        try:
            dense = Bitmap(tuple(int(n) for n in shape), bits, values).to_dense()
        except (ValueError, TypeError) as err:
            raise DamagedFile(path, f"{name}: {err}", REMEDY) from None
        arrays[name] = dense
    load_state(model, arrays | stored)
