"""Files written whole or not at all, the one way the project writes a file.

A reader never sees half a file: the data goes to a temp file beside the target,
named after the writer's process, and is renamed over the target when complete. A
writer killed halfway leaves only its temp file, which `remove_stale_temp_files`
removes once that process is gone. An error names the target, never the temp file;
a file read back and found not whole is a `DamagedFile`.

Book: book/modules/08_data_loading.md
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

TEMP = re.compile(r"^\..+\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp$")


class DamagedFile(ValueError):
    """A file that is not whole (truncated, empty, altered, or another kind of file
    under its name): the message names it, says it is damaged, and what to do."""

    def __init__(self, path: str | Path, problem: str, remedy: str) -> None:
        super().__init__(f"{path} is damaged: {problem}. {remedy}")
        self.path = Path(path)


@contextlib.contextmanager
def open_atomically(path: str | Path) -> Iterator[BinaryIO]:
    """A binary file to write `path` through: it becomes `path` only if the block
    ends without an exception (a download whose checksum is wrong never does)."""
    path = Path(path)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        try:
            file = open(temp, "xb")
        except OSError as err:  # no such folder, not allowed: as if opening `path`
            raise _naming(err, path) from None
        with file:
            yield file
        try:
            os.replace(temp, path)
        except OSError as err:  # `path` is a folder
            raise _naming(err, path) from None
    finally:
        temp.unlink(missing_ok=True)


def write_atomically(path: str | Path, data: bytes | str) -> None:
    """Write `data` (text as UTF-8) to `path` through a temp file and a rename."""
    with open_atomically(path) as file:
        file.write(data.encode("utf-8") if isinstance(data, str) else data)


def remove_stale_temp_files(folder: str | Path) -> list[Path]:
    """Delete the temp files in `folder` whose writing process no longer runs."""
    removed = []
    for temp in Path(folder).glob(".*.tmp"):
        match = TEMP.match(temp.name)
        if match and not _running(int(match["pid"])):
            temp.unlink(missing_ok=True)
            removed.append(temp)
    return removed


def _naming(err: OSError, path: Path) -> OSError:
    return type(err)(err.errno, err.strerror, str(path))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True
