"""What a tensor holds, and which dtype wins when two meet: PyTorch's rules.

Tensors hold booleans, integers or floats, float32 unless asked otherwise. In a mixed
operation a float beats an integer and an integer beats a boolean; a Python number or
an array takes the tensor's dtype when it can. float32 and float64 tensors never mix
silently: numpy would quietly compute everything in float64.

Book: book/modules/01_tensor.md
"""

from __future__ import annotations

from typing import Any

import numpy as np

DEFAULT_FLOAT = np.float32
_RANK = {"b": 0, "u": 1, "i": 1, "f": 2}  # booleans < integers < floats


def as_array(data: Any, dtype: Any) -> np.ndarray:
    """A fresh array of `data`; floats become float32 unless `dtype` says otherwise,
    and anything that is not a boolean, integer or float is refused."""
    if hasattr(data, "_data"):  # a Tensor
        data = data._data
    try:
        array = np.array(data, dtype=dtype)
    except (ValueError, TypeError) as err:
        raise TypeError(
            f"cannot make a tensor from {type(data).__name__}: {err}"
        ) from None
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"cannot make a tensor of {array.dtype} values from "
            f"{type(data).__name__}: tensors hold booleans, integers or floats"
        )
    if dtype is None and array.dtype.kind == "f" and array.dtype != DEFAULT_FLOAT:
        array = array.astype(DEFAULT_FLOAT)
    return array


def promote(
    a: np.dtype, b: np.dtype, b_is_tensor: bool, op: str
) -> tuple[np.dtype, np.dtype]:
    """The dtypes the two operands of `op` take: both the same, or a TypeError."""
    if a == b:
        return a, b
    if b_is_tensor and _RANK[a.kind] == _RANK[b.kind] == 2:
        raise TypeError(
            f"{op}: dtypes {a} and {b} differ; convert one with .float() or .double()"
        )
    if _RANK[b.kind] < _RANK[a.kind] or (
        not b_is_tensor and _RANK[b.kind] == _RANK[a.kind]
    ):
        return a, a
    if _RANK[a.kind] < _RANK[b.kind]:
        return b, b
    common = np.result_type(a, b)  # two integer widths
    return common, common
