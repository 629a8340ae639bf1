"""Results: the chapters' executed pages are reused only while nothing they depend
on changed, and a build is either complete or repaired by the next one.

myst-nb's cache keys a page on its code cells only. A fingerprint of ``tinytorch/``,
``milestones/``, ``benchmarks/`` (the chapters quote its results), ``book/_ext/``,
the ``TINYTORCH_BOOK_*`` settings and every installed package's version is kept
beside the cache; when it changes, the cache, the files the chapters published
(beside it, see tinytorch_book.files) and Sphinx's saved environment are wiped, so
every page runs again.

Sphinx rewrites a page only when its source is newer than its HTML, so a build
stopped while writing pages would leave old pages that no later build replaces. A
marker file says a build is under way; it is removed only when a build finishes
cleanly, and a build that finds one re-reads (from the execution cache) and rewrites
every page.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import platform
import shutil
from importlib import metadata
from pathlib import Path
from typing import Any

import tinytorch_book
from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.util import logging
from tinytorch_book.files import FINGERPRINT_VARIABLE, FOLDER_VARIABLE

from tinytorch.files import remove_stale_temp_files, write_atomically

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parents[1]  # book/_ext
FINGERPRINT_SOURCES = ("tinytorch", "milestones", "benchmarks", "book/_ext")
FINGERPRINT_FILE = ".tinytorch-fingerprint.json"
UNFINISHED = ".tinytorch-build-unfinished"
PUBLISHED = ".tinytorch-published"  # the files the chapters published
KERNEL_CONFIG = """\
# Written by book/_ext/tinytorch_site: the chapters' kernels use this profile, not
# the reader's ~/.ipython, so no startup file of theirs can change a result.
c.HistoryManager.enabled = False
c.IPKernelApp.log_level = "ERROR"  # not the notice about the kernel's local socket
"""


def build_dir(app: Sphinx) -> Path:
    """The folder that holds the HTML output, the caches and the markers (_build)."""
    return Path(app.outdir).parent


def start_build(app: Sphinx, config: Any) -> None:
    """Before anything is read: wait for any other build into the same folder, check
    the settings, give the kernels their environment, and drop whatever results the
    sources, settings or packages no longer match."""
    folder = build_dir(app)
    _wait_for_other_builds(app, folder)
    remove_stale_temp_files(folder)
    try:
        tinytorch_book.check_overrides()
    except ValueError as err:
        raise ConfigError(str(err)) from None
    current = fingerprint(Path(app.confdir))
    _prepare_kernels(folder, Path(app.confdir), current["sources"])
    _invalidate_stale_results(app, folder, current)
    marker = folder / UNFINISHED
    if marker.exists():
        logger.info("tinytorch_site: the last build did not finish; every page is "
                    "read and written again")
        Path(app.doctreedir, "environment.pickle").unlink(missing_ok=True)
    write_atomically(marker, f"pid {os.getpid()}\n")


def finish_build(app: Sphinx, exception: Exception | None) -> None:
    """A clean build vouches for every page: the marker goes. After an error or a
    warning it stays, so the next build reads and runs every page again (and fails
    again until the cause is fixed)."""
    if exception is None and not getattr(app, "_warncount", 0):
        (build_dir(app) / UNFINISHED).unlink(missing_ok=True)


def published_dir(app: Sphinx) -> Path:
    """Where the chapters' kernels write the files they publish."""
    return build_dir(app) / PUBLISHED


def _prepare_kernels(folder: Path, root: Path, sources: str) -> None:
    """Chapter kernels (started by this process) import ``tinytorch_book`` and the
    ``milestones`` package from any folder (the repo root on the path makes the
    package win over book/milestones/, the chapters' folder of the same name), run
    in a clean IPython profile under the build folder, and are told where to publish
    files and the fingerprint to stamp them with."""
    given = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    paths = [str(HERE), str(root), *filter(None, given)]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    config = folder / ".ipython" / "profile_default" / "ipython_kernel_config.py"
    config.parent.mkdir(parents=True, exist_ok=True)
    if not config.is_file() or config.read_text(encoding="utf-8") != KERNEL_CONFIG:
        write_atomically(config, KERNEL_CONFIG)
    os.environ["IPYTHONDIR"] = str(folder / ".ipython")
    os.environ[FOLDER_VARIABLE] = str(folder / PUBLISHED)
    os.environ[FINGERPRINT_VARIABLE] = sources


def digest(root: Path, folders: tuple[str, ...]) -> str:
    """A hash of every file's path and content under ``folders`` (bytecode aside)."""
    hashed = hashlib.sha256()
    for folder in folders:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                hashed.update(path.relative_to(root).as_posix().encode() + b"\0")
                hashed.update(hashlib.sha256(path.read_bytes()).digest())
    return hashed.hexdigest()


def packages() -> str:
    """A hash of every installed distribution's name and version: any of them may
    shape a page (numpy's rounding, matplotlib's drawing, myst-nb's glue, ...)."""
    names = sorted(f"{d.metadata['Name'].lower()}=={d.version}"
                   for d in metadata.distributions() if d.metadata["Name"])
    return hashlib.sha256("\n".join(names).encode()).hexdigest()


def fingerprint(root: Path) -> dict[str, Any]:
    """What the results depend on besides the pages' code."""
    return {
        "sources": digest(root, FINGERPRINT_SOURCES),
        "overrides": tinytorch_book.overrides(),
        "python": platform.python_version(),
        "packages": packages(),
    }


def _execution_cache(app: Sphinx) -> Path:
    """Where myst-nb keeps executed pages (its rule: the configured path, else beside
    the output folder)."""
    configured = app.config.nb_execution_cache_path
    if configured:
        return Path(configured).resolve()
    return build_dir(app) / ".jupyter_cache"


def _invalidate_stale_results(app: Sphinx, folder: Path,
                              current: dict[str, Any]) -> None:
    cache = _execution_cache(app)
    stamp = folder / FINGERPRINT_FILE
    try:
        previous = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = None
    if previous == current:
        return
    if cache.exists() or previous is not None:
        changed = sorted(k for k in current
                         if previous is None or previous.get(k) != current[k])
        logger.info(f"tinytorch_site: results are stale ({', '.join(changed)} "
                    f"changed); every page runs again")
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(folder / PUBLISHED, ignore_errors=True)
    Path(app.doctreedir, "environment.pickle").unlink(missing_ok=True)  # re-read all
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(stamp, json.dumps(current, indent=2) + "\n")


def _wait_for_other_builds(app: Sphinx, folder: Path) -> None:
    """Two builds into one folder would wipe and write each other's results: the
    second waits for the first. The lock is held until this process ends."""
    folder.mkdir(parents=True, exist_ok=True)
    lock = open(folder / ".tinytorch-build.lock", "w")  # closing it would release it
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        logger.info(f"tinytorch_site: waiting for another build of {folder} to finish")
        fcntl.flock(lock, fcntl.LOCK_EX)
    app.tinytorch_build_lock = lock


def report_stderr(app: Sphinx, doctree: Any) -> None:
    """Say what a chapter wrote to stderr (myst-nb fails the build on it, but only
    says that it happened): the warning or message itself, so the fix is obvious."""
    env = app.env
    executed = Path(env.mystnb_config.output_folder, *env.docname.split("/"))
    try:
        cells = json.loads(executed.with_suffix(".ipynb").read_text("utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return
    for number, cell in enumerate(cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("name") == "stderr":
                text = "".join(output.get("text", "")).strip()
                said = f"cell {number} wrote to stderr: {text[:800]}"
                logger.warning(f"{env.docname}, {said}", location=env.docname)
