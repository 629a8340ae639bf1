"""Files written whole or not at all, the one way the project writes a file.

A reader never sees half a file: the data goes to a temp file beside the target,
named after the writer's process, and is renamed over the target when complete. A
writer killed halfway leaves only its temp file, which `remove_stale_temp_files`
removes once that process is gone.

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


@contextlib.contextmanager
def open_atomically(path: str | Path) -> Iterator[BinaryIO]:
    """A binary file to write `path` through: it becomes `path` only if the block
    ends without an exception (a download whose checksum is wrong never does)."""
    path = Path(path)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temp, "xb") as file:
            yield file
        os.replace(temp, path)
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


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True
