"""Files written whole or not at all, the one way the project writes a file.

A reader never sees half a file: the data goes to a temp file beside the target,
named after the writer's process, and is renamed over the target when complete. A
writer killed halfway leaves only its temp file, which `remove_stale_temp_files`
removes once that process is gone.

Book: book/modules/08_data_loading.md
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

TEMP = re.compile(r"^\..+\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp$")


def write_atomically(path: str | Path, data: bytes | str) -> None:
    """Write `data` (text as UTF-8) to `path` through a temp file and a rename."""
    path = Path(path)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with open(temp, "xb") as file:
            file.write(payload)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


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
