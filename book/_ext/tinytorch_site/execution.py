"""Execution: the chapters that must run again run side by side, one per core, before
Sphinx reads them.

myst-nb executes each stale page while Sphinx reads it, one after another; the
chapters that train for a minute each would then add up. Here every page that the
execution cache cannot serve is run first in a pool of worker processes, longest
first (by its runtime in the last manifest), and its executed notebook is put into
the same cache, keyed as myst-nb keys it; myst-nb then reads every page from the
cache. A page that fails here is left out of the cache, so myst-nb runs it again
while reading and reports the error as usual.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import nbformat
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution
from myst_nb.core.read import create_nb_reader
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def execute_stale_pages(app: Sphinx, env: Any, docnames: list[str]) -> None:
    """Run every page the cache cannot serve, in parallel, and cache the results."""
    config = env.mystnb_config
    if config.execution_mode != "cache":
        return
    cache = get_cache(config.execution_cache_path or ".jupyter_cache")
    jobs = []
    for docname in docnames:
        path = Path(env.doc2path(docname))
        text = path.read_text(encoding="utf-8")
        reader = create_nb_reader(str(path), env.myst_config, config, text)
        if reader is None:
            continue  # plain Markdown
        notebook = reader.read(text)
        if not any(cell.cell_type == "code" for cell in notebook.cells):
            continue
        try:
            cache.match_cache_notebook(notebook)
            continue  # served from the cache
        except KeyError:
            jobs.append((docname, path, notebook, reader.read_fmt))
    if len(jobs) < 2:
        return  # nothing to share between workers: myst-nb runs it while reading
    history = _last_runtimes(Path(app.outdir) / "manifest.json")
    jobs.sort(key=lambda job: (-history.get(job[0], 0.0), -job[1].stat().st_size))
    workers = min(len(jobs), os.cpu_count() or 1)
    logger.info(f"tinytorch_site: running {len(jobs)} pages in {workers} processes")
    # spawned, not forked: a worker must not inherit the build's lock, or a killed
    # build's orphaned workers would keep the next build waiting for them
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
        futures = {
            pool.submit(_execute, nbformat.writes(nb), str(path.parent),
                        config.execution_timeout, config.execution_allow_errors):
            (docname, path, read_fmt)
            for docname, path, nb, read_fmt in jobs
        }
        for future in as_completed(futures):
            docname, path, read_fmt = futures[future]
            executed, seconds, error = future.result()
            if error is not None:
                logger.info(f"tinytorch_site: {docname} failed ({error}); it runs "
                            f"again while it is read, which reports the error")
                continue
            stage = cache.add_nb_to_project(str(path), read_data=read_fmt)
            bundle = CacheBundleIn(nbformat.reads(executed, as_version=4), stage.uri,
                                   data={"execution_seconds": seconds})
            cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
            logger.info(f"tinytorch_site: {docname} ran in {seconds:.1f} s")


KERNEL_STARTS = 3  # attempts to start a page's kernel


def _execute(notebook: str, cwd: str, timeout: int, allow_errors: bool
             ) -> tuple[str, float, str | None]:
    """In a worker process: execute one notebook as myst-nb would."""
    for attempt in range(KERNEL_STARTS):
        try:
            result = single_nb_execution(nbformat.reads(notebook, as_version=4),
                                         cwd=cwd, timeout=timeout,
                                         allow_errors=allow_errors)
            break
        except RuntimeError as err:
            # two kernels started at once can be handed the same free port, and one
            # dies binding it: start it again (a failing page fails inside `result`)
            if "Kernel died before replying" not in str(err) or (
                    attempt == KERNEL_STARTS - 1):
                raise
    error = None if result.err is None else type(result.err).__name__
    return nbformat.writes(result.nb), result.time, error


def _last_runtimes(manifest: Path) -> dict[str, float]:
    """Each page's execution time in the last manifest (none on a clean build)."""
    try:
        pages = json.loads(manifest.read_text(encoding="utf-8"))["pages"]
    except (OSError, ValueError, KeyError):
        return {}
    return {doc: (page.get("execution") or {}).get("runtime") or 0.0
            for doc, page in pages.items()}
