"""Reading a model's `.npz` file without trusting it: every size is checked against
the file's length before anything is allocated, and any damage is one `DamagedFile`.

An `.npz` is a zip of `.npy` members. `np.load` believes each member's header: a
1.6 kB file claiming a shape of a billion floats makes it allocate 9 GiB before
reading a byte. Here the zip's directory must describe the whole file, a member's
header must describe exactly the bytes the directory gives the member, and all
members together may claim no more than deflate can expand the file to (1032 to
1). Each member is then read to its end, so zip's CRC-32 catches a flipped byte.

Book: book/modules/15_quantization.md
"""

from __future__ import annotations

import math
import os
import struct
import zipfile
import zlib
from pathlib import Path
from typing import IO

import numpy as np

from ..files import DamagedFile

# zip's end record, with which np.savez ends every file: its mark, disks, entries
# on this disk and in all, the directory's size and start, the comment's length
END, END_MARK = struct.Struct("<4s4H2LH"), b"PK\x05\x06"
DEFLATE_RATIO = 1032  # deflate's largest expansion: no honest member exceeds it
REMEDY = "It is not a whole file written by perf.save: save the model again."
HEADERS = {(1, 0): np.lib.format.read_array_header_1_0,
           (2, 0): np.lib.format.read_array_header_2_0}  # fmt: skip
NOT_ZIP = "it does not end as a zip archive does (cut short, or another kind of file)"
# what a damaged zip or .npy raises, besides DamagedFile itself
BROKEN = (zipfile.BadZipFile, struct.error, zlib.error, EOFError, ValueError, KeyError,
          NotImplementedError, RuntimeError, OverflowError)  # fmt: skip


def read_npz(path: str | Path) -> dict[str, np.ndarray]:
    """Every array in the `.npz` at `path`, by name. A missing file is a
    FileNotFoundError; a damaged one, a `DamagedFile` naming it."""
    with open(path, "rb") as file:
        length = os.fstat(file.fileno()).st_size
        try:
            return _read(file, length, path)
        except DamagedFile:
            raise
        except (*BROKEN, OSError) as err:  # OSError: a seek the damage sent astray
            problem = str(err) or type(err).__name__
            if problem == "File is not a zip file":  # zipfile's words for every case
                problem = "it is empty" if length == 0 else NOT_ZIP
            raise DamagedFile(path, problem, REMEDY) from None


def _read(file: IO[bytes], length: int, path: str | Path) -> dict[str, np.ndarray]:
    with zipfile.ZipFile(file) as archive:
        members = archive.infolist()
        file.seek(length - END.size)
        mark, _, _, _, count, size, start, comment = END.unpack(file.read(END.size))
        if (mark, comment, count) != (END_MARK, 0, len(members)) or (
            start + size + END.size != length
        ):
            problem = "its zip directory does not describe its contents"
            raise DamagedFile(path, problem, REMEDY)
        claimed = sum(member.file_size for member in members)
        if claimed > DEFLATE_RATIO * length:
            problem = f"its arrays claim {claimed:,} bytes; {length:,} cannot hold that"
            raise DamagedFile(path, problem, REMEDY)
        return {
            member.filename.removesuffix(".npy"): _member(archive, member, path)
            for member in members
        }


def _member(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, path: str | Path
) -> np.ndarray:
    """One member's array, read only once its header fits the member's size."""
    name = member.filename
    if not name.endswith(".npy") or member.is_dir():
        raise DamagedFile(path, f"it holds {name!r}, which is not an array", REMEDY)
    with archive.open(member) as stream:
        shape, fortran, dtype = _header(stream, name, path)
        nbytes = math.prod(shape) * dtype.itemsize
        if stream.tell() + nbytes != member.file_size:
            problem = f"{name} claims {dtype} {shape} in {member.file_size:,} bytes"
            raise DamagedFile(path, problem, REMEDY)
        data = bytearray(stream.read(nbytes))  # to its end: zip checks its CRC-32
        if len(data) != nbytes or stream.read(1):
            raise DamagedFile(path, f"{name} is cut short", REMEDY)
    return np.frombuffer(data, dtype).reshape(shape, order="F" if fortran else "C")


def _header(
    stream: IO[bytes], name: str, path: str | Path
) -> tuple[tuple[int, ...], bool, np.dtype]:
    """The `.npy` header's shape, order and dtype; never a dtype of Python objects."""
    version = np.lib.format.read_magic(stream)
    if version not in HEADERS:
        problem = f"{name} is not an array numpy writes (.npy version {version})"
        raise DamagedFile(path, problem, REMEDY)
    shape, fortran, dtype = HEADERS[version](stream)
    if dtype.hasobject:
        problem = f"{name} holds Python objects, which a model's file never does"
        raise DamagedFile(path, problem, REMEDY)
    return shape, fortran, dtype
