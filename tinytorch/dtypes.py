"""What a tensor holds, and which dtype wins when two meet: PyTorch's rules.

A tensor holds booleans, integers or floats; Python floats become the default dtype
(float32), Python ints int64, and a numpy array keeps its own dtype, as in PyTorch.
When operands differ, the higher category wins (bool < integer < float); within a
category the wider type wins, but a 0-d tensor or a Python number only decides the
category, never the width: float32 tensor * 2.5 stays float32, float32 + float64
tensors give float64 (`result_type`).

Book: book/modules/01_tensor.md
"""

from __future__ import annotations

from typing import Any

import numpy as np


class dtype:  # noqa: N801 (PyTorch's name)
    """A tensor's element type, as ``torch.dtype``: ``tinytorch.float32`` and the
    rest. numpy takes one wherever it takes a dtype (``np.zeros(3, tt.int64)``)."""

    __slots__ = ("dtype", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self.dtype = np.dtype(name)  # the numpy dtype: numpy reads this attribute

    @property
    def is_floating_point(self) -> bool:
        """True for float16, float32 and float64."""
        return self.dtype.kind == "f"

    @property
    def is_signed(self) -> bool:
        """False for bool and uint8, True for the rest."""
        return self.dtype.kind in "if"

    @property
    def is_complex(self) -> bool:
        """Always False: tinytorch has no complex numbers."""
        return False

    @property
    def itemsize(self) -> int:
        """Bytes per element."""
        return self.dtype.itemsize

    def __eq__(self, other: object) -> bool:
        if isinstance(other, dtype):
            return self.dtype == other.dtype
        try:
            return self.dtype == np.dtype(other)  # np.float32, np.dtype("int64"), ...
        except TypeError:
            return NotImplemented

    def __hash__(self) -> int:
        return hash(self.dtype)

    def __repr__(self) -> str:
        return f"tinytorch.{self.name}"

    def __reduce__(self) -> tuple[Any, ...]:
        return as_dtype, (self.name,)


bool_ = dtype("bool")
uint8, int8, int16 = dtype("uint8"), dtype("int8"), dtype("int16")
int32, int64 = dtype("int32"), dtype("int64")
float16, float32, float64 = dtype("float16"), dtype("float32"), dtype("float64")
_BY_NUMPY = {d.dtype: d for d in (bool_, uint8, int8, int16, int32, int64, float16,
                                  float32, float64)}  # fmt: skip
_PYTHON = {bool: bool_, int: int64, float: float64}  # dtype=float means float64
_default = float32


def as_dtype(value: Any) -> dtype:
    """The tinytorch dtype named by `value`: a tinytorch or numpy dtype, a numpy type,
    a name, or Python's bool, int or float (as PyTorch reads them)."""
    if isinstance(value, dtype):
        return value
    if value in _PYTHON and isinstance(value, type):
        return _PYTHON[value]
    try:
        found = _BY_NUMPY.get(np.dtype(value))
    except TypeError:
        found = None
    if found is None:
        supported = ", ".join(d.name for d in _BY_NUMPY.values())
        raise TypeError(
            f"dtype {value!r} is not part of tinytorch; tensors hold {supported}"
        )
    return found


def of(array: np.ndarray) -> dtype:
    """The tinytorch dtype of a numpy array that a tensor holds."""
    return _BY_NUMPY[array.dtype]


def get_default_dtype() -> dtype:
    """The dtype Python floats and the factories (zeros, randn, ...) give."""
    return _default


def set_default_dtype(d: Any) -> None:
    """Make float32 or float64 the default floating-point dtype."""
    global _default
    chosen = as_dtype(d)
    if chosen not in (float32, float64):
        raise TypeError(f"set_default_dtype: only float32 or float64, got {d!r}")
    _default = chosen


def default_float() -> np.dtype:
    """The default floating-point dtype, as numpy's."""
    return _default.dtype


def as_array(data: Any, dt: Any = None) -> np.ndarray:
    """A fresh array of `data` with PyTorch's dtype: Python floats in the default
    dtype, ints int64, arrays their own; anything but booleans, integers and floats
    is refused."""
    if hasattr(data, "_data"):  # a Tensor
        data = data._data
    if data is None:
        raise RuntimeError("Could not infer dtype of NoneType")
    try:
        array = np.array(data, dtype=None if dt is None else as_dtype(dt).dtype)
    except ValueError as err:  # ragged lists
        raise ValueError(f"cannot make a tensor from {type(data).__name__}: {err}"
                         ) from None  # fmt: skip
    except (TypeError, OverflowError) as err:
        raise TypeError(f"cannot make a tensor from {type(data).__name__}: {err}"
                        ) from None  # fmt: skip
    if dt is None and not isinstance(data, np.ndarray | np.generic):
        if array.dtype.kind == "f":  # Python floats: the default dtype
            array = array.astype(default_float(), copy=False)
        elif array.dtype.kind in "iu":  # Python ints: int64, as PyTorch
            array = array.astype(np.int64, copy=False)
    if array.dtype not in _BY_NUMPY:  # PyTorch: ValueError for a list of them
        text = array.dtype.kind in "USO" and isinstance(data, list | tuple)
        error = ValueError if text else TypeError
        raise error(
            f"cannot make a tensor of {array.dtype} values from "
            f"{type(data).__name__}: tensors hold booleans, integers or floats"
        )
    return array


_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}  # bool < integer < float


def promote_types(type1: Any, type2: Any) -> dtype:
    """The dtype two tensors' values meet in: the higher category, then the wider."""
    return _BY_NUMPY[_promote(as_dtype(type1).dtype, as_dtype(type2).dtype)]


def _promote(a: np.dtype, b: np.dtype) -> np.dtype:
    if a == b:
        return a
    ca, cb = _CATEGORY[a.kind], _CATEGORY[b.kind]
    if ca != cb:
        return a if ca > cb else b
    return np.result_type(a, b)  # two integer or two float widths: numpy agrees


def _combine(higher: np.dtype | None, lower: np.dtype | None) -> np.dtype | None:
    """A tier of operands decides the dtype unless a lower tier brings a higher
    category (PyTorch's combine_categories)."""
    if higher is None:
        return lower
    if lower is None or higher.kind == "f":
        return higher
    if higher.kind == "b" or lower.kind == "f":
        return _promote(higher, lower)
    return higher


def result_type(tensor1: Any, tensor2: Any) -> dtype:
    """The dtype of an operation on two operands (tensors or numbers), by PyTorch's
    rules."""
    return _BY_NUMPY[common(tensor1, tensor2)]


def common(*operands: Any) -> np.dtype:
    """The numpy dtype of an operation on `operands`, by PyTorch's rules: tensors
    with dimensions (and numpy arrays) decide first, then 0-d tensors, then Python
    and numpy numbers, each lower tier only if it brings a higher category."""
    tiers: list[np.dtype | None] = [None, None, None]
    for x in operands:
        if hasattr(x, "_data"):  # a Tensor
            tier, dt = (0 if x._data.ndim else 1), x._data.dtype
        elif isinstance(x, np.ndarray):
            tier, dt = 0, x.dtype
        else:  # a number: only its category counts
            tier, dt = 2, _number_dtype(x)
        tiers[tier] = dt if tiers[tier] is None else _promote(tiers[tier], dt)
    found = _combine(tiers[0], _combine(tiers[1], tiers[2]))
    if found is None:
        raise TypeError("result_type: needs at least one operand")
    return found


def _number_dtype(x: Any) -> np.dtype:
    if isinstance(x, bool | np.bool_):
        return np.dtype(bool)
    if isinstance(x, int | np.integer):
        return np.dtype(np.int64)
    if isinstance(x, float | np.floating):
        return default_float()
    raise TypeError(
        f"unsupported operand type {type(x).__name__}: tinytorch computes with "
        f"tensors, numpy arrays and Python numbers"
    )
