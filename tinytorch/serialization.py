"""Saving and loading state dicts and checkpoints, as ``torch.save`` and
``torch.load``, in a format that holds only data: loading a file runs no code.

A file is a zip archive of `tinytorch.json`, the object's structure, and one
`tensors/<i>.npy` per tensor (numpy's format, read without pickle). The structure
is JSON: None, bools, ints, strings and finite floats as themselves; every other
value an object with one tag: {"float": "nan"}, {"list": [...]}, {"tuple": [...]},
{"dict": [[key, value], ...]} (also "OrderedDict", "Counter"; keys need not be
strings), {"tensor": i, "requires_grad": ..., "parameter": ...}, {"dtype": name}.
The same tensor saved twice loads as one tensor. Anything else (a module, a
numpy array, a function) is refused when saving, with the path to it.

PyTorch's own files are pickles, which tinytorch does not read: loading one is an
error that says how to convert the weights. Files are written whole or not at
all (`files.open_atomically`); a damaged file is an error naming it.

Book: book/modules/07_training.md
"""

from __future__ import annotations

import io
import json
import math
import os
import zipfile
from collections import Counter, OrderedDict
from pathlib import Path
from typing import IO, Any

import numpy as np

from . import dtypes
from ._tensor import Tensor
from .devices import as_device
from .files import open_atomically
from .nn import Parameter

HEADER, FORMAT, VERSION = "tinytorch.json", "tinytorch.save", 1
CONTAINERS = {"list": list, "tuple": tuple, "dict": dict, "OrderedDict": OrderedDict,
              "Counter": Counter}  # fmt: skip
PYTORCH_FILE = (
    "{name} is a PyTorch file (torch.save's format is a pickle, and unpickling can "
    "run any code), which tinytorch does not read. Convert the weights where "
    "PyTorch is installed: np.savez('weights.npz', **{{k: v.numpy() for k, v in "
    "torch.load(path).items()}}); then model.load_state_dict({{k: "
    "tinytorch.from_numpy(v) for k, v in np.load('weights.npz').items()}})"
)


def save(obj: Any, f: str | os.PathLike[str] | IO[bytes]) -> None:
    """Write `obj` (tensors, numbers, strings, bools, None, and dicts, lists and
    tuples of them: a state_dict or a checkpoint) to a path or a binary file."""
    arrays: list[np.ndarray] = []
    structure = _encode(obj, arrays, {}, "obj")
    header = json.dumps({"format": FORMAT, "version": VERSION, "object": structure})
    if isinstance(f, str | os.PathLike):
        with open_atomically(f) as file:
            _write(file, header, arrays)
    else:
        _write(f, header, arrays)


def _write(file: IO[bytes], header: str, arrays: list[np.ndarray]) -> None:
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(HEADER, header)
        for i, array in enumerate(arrays):
            with archive.open(f"tensors/{i}.npy", "w", force_zip64=True) as member:
                np.save(member, array, allow_pickle=False)


def _encode(value: Any, arrays: list[np.ndarray], seen: dict[int, int], at: str) -> Any:
    if value is None or type(value) in (bool, int, str):  # not numpy's numbers
        return value
    if type(value) is float:
        return value if math.isfinite(value) else {"float": repr(value)}
    if isinstance(value, Tensor):
        if id(value) not in seen:
            seen[id(value)] = len(arrays)
            arrays.append(value._data)
        return {"tensor": seen[id(value)], "requires_grad": value.requires_grad,
                "parameter": isinstance(value, Parameter)}  # fmt: skip
    if isinstance(value, dtypes.dtype):
        return {"dtype": str(value).removeprefix("tinytorch.")}
    tag = type(value).__name__
    if tag in ("list", "tuple"):
        return {tag: [_encode(v, arrays, seen, f"{at}[{i}]")
                      for i, v in enumerate(value)]}  # fmt: skip
    if tag in CONTAINERS:
        return {tag: [[_encode(k, arrays, seen, f"{at} key {k!r}"),
                       _encode(v, arrays, seen, f"{at}[{k!r}]")]
                      for k, v in value.items()]}  # fmt: skip
    raise TypeError(
        f"tinytorch.save: {at} is a {type(value).__module__}.{tag}; tinytorch saves "
        f"tensors, numbers, strings, bools, None, dtypes, and dicts, lists and "
        f"tuples of them (no pickle). Save a module's state_dict(), not the module; "
        f"turn a numpy array into a tensor (tinytorch.from_numpy)"
    )


def load(f: str | os.PathLike[str] | IO[bytes], map_location: Any = None,
         pickle_module: Any = None, *, weights_only: bool | None = None,
         mmap: bool | None = None) -> Any:  # fmt: skip
    """Read what `save` wrote. The format holds only data, so weights_only makes no
    difference; map_location may name the CPU (tinytorch has no other device)."""
    _check_location(map_location)
    if pickle_module is not None or mmap:
        raise NotImplementedError("tinytorch.load reads its own format: pickle_module "
                                  "and mmap are not part of tinytorch")  # fmt: skip
    is_path = isinstance(f, str | os.PathLike)
    name = str(f) if is_path else str(getattr(f, "name", "the file"))
    data = Path(f).read_bytes() if is_path else f.read()  # type: ignore[union-attr]
    if data[:1] == b"\x80":  # a pickle: PyTorch's legacy format
        raise RuntimeError(PYTORCH_FILE.format(name=name))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if any(n.endswith("data.pkl") for n in names):
            raise RuntimeError(PYTORCH_FILE.format(name=name))
        header = json.loads(archive.read(HEADER))
        if header.get("format") != FORMAT or header.get("version") != VERSION:
            raise ValueError(f"a header of {header.get('format')!r} version "
                             f"{header.get('version')!r}")  # fmt: skip
        return _decode(header["object"], archive, {})
    except RuntimeError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, EOFError,
            OSError) as err:  # fmt: skip
        problem = "it is empty" if not data else f"{type(err).__name__}: {err}"
        raise RuntimeError(
            f"{name} is damaged: {problem}. It is not a whole file written by "
            f"tinytorch.save; save it again"
        ) from None


def _decode(value: Any, archive: zipfile.ZipFile, tensors: dict[int, Tensor]) -> Any:
    if not isinstance(value, dict):
        if isinstance(value, list):
            raise ValueError("a bare JSON list in the structure")
        return value
    (tag, content), *_ = value.items()
    if tag == "float":
        return float(content)
    if tag == "dtype":
        return dtypes.as_dtype(content)
    if tag == "tensor":
        if content not in tensors:
            with archive.open(f"tensors/{int(content)}.npy") as member:
                array = np.load(io.BytesIO(member.read()), allow_pickle=False)
            grad = bool(value["requires_grad"])
            made = Tensor._wrap(array, None)
            if value["parameter"]:
                made = Parameter(made, grad)
            made.requires_grad_(grad)
            tensors[content] = made
        return tensors[content]
    if tag in ("list", "tuple"):
        return CONTAINERS[tag](_decode(v, archive, tensors) for v in content)
    if tag in CONTAINERS:
        pairs = {_decode(k, archive, tensors): _decode(v, archive, tensors)
                 for k, v in content}  # fmt: skip
        return CONTAINERS[tag](pairs)
    raise ValueError(f"an unknown tag {tag!r} in the structure")


def _check_location(map_location: Any) -> None:
    """A map_location tinytorch can honour: the CPU, however named."""
    if isinstance(map_location, dict):
        for where in map_location.values():
            as_device(where)
    elif callable(map_location):
        raise NotImplementedError(
            "tinytorch.load: a function as map_location is not part of tinytorch "
            "(tensors load on the CPU)"
        )
    else:
        as_device(map_location)
