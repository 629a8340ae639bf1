"""The site's Sphinx extension: honest caching, a results manifest, and browser assets served from the build.

- Results: myst-nb's cache keys a page on its code cells only. A fingerprint of ``tinytorch/``, ``milestones/``,
  ``book/_ext/`` and the ``TINYTORCH_BOOK_*`` settings is kept beside the cache; when it changes, the cache and
  Sphinx's saved environment are wiped, so every page runs again (a plain ``jupyter-book build .`` too).
- Manifest: every value a page glued (``tinytorch_book.publish``) is read back when the page is read and kept in
  Sphinx's environment, so ``manifest.json`` is complete on a rebuild that reads nothing.
- Assets: mermaid (ESM build) and MathJax 3 are copied from ``node_modules/`` into ``_static/vendor/``: the
  site makes no request to any other host.
"""

from __future__ import annotations

import datetime
import fcntl
import hashlib
import json
import os
import platform
import shutil
import sys
from ast import literal_eval
from importlib import metadata
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.util import logging

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # Sphinx imports this module by name; its sibling is the chapters' helper.

import tinytorch_book  # noqa: E402

logger = logging.getLogger(__name__)

FINGERPRINT_SOURCES = ("tinytorch", "milestones", "book/_ext")
FINGERPRINT_FILE = ".tinytorch-fingerprint.json"

# package in node_modules: (its folder that becomes _static/vendor/<package>, what to serve from it: files,
# or folders ending in "/"). The layout below that folder is kept: the scripts load their parts relative to it.
VENDOR = {
    "mermaid": ("dist", ("mermaid.esm.min.mjs", "chunks/mermaid.esm.min/")),
    "mathjax": ("es5", ("tex-chtml.js", "input/", "output/chtml/", "ui/", "a11y/", "sre/")),
}


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", prepare_kernels)
    app.connect("config-inited", invalidate_stale_results)
    app.connect("builder-inited", require_vendor_assets)
    app.connect("env-get-outdated", rewrite_pages_when_assets_change)
    app.connect("env-purge-doc", forget_doc)
    app.connect("env-merge-info", merge_figures)
    app.connect("doctree-read", collect_figures)
    app.connect("html-page-context", drop_duplicate_scripts, priority=999)  # after every other handler
    app.connect("build-finished", copy_vendor_assets)
    app.connect("build-finished", write_manifest)
    app.connect("build-finished", reread_after_problems)
    return {"version": "1", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}


# --- results: fingerprint and cache invalidation ---------------------------------------------------------


KERNEL_CONFIG = """\
# Written by book/_ext/tinytorch_site.py: chapter kernels use this profile, not the reader's ~/.ipython.
c.HistoryManager.enabled = False
c.IPKernelApp.log_level = "ERROR"  # not the plumbing notice about the kernel's local TCP socket
"""


def prepare_kernels(app: Sphinx, config: Any) -> None:
    """Chapter kernels (started by this process) import ``tinytorch_book`` from any folder, and run in a
    clean IPython profile under the build folder: no startup files of the reader's can change a result."""
    paths = [str(HERE), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    ipython_dir = Path(app.outdir).parent / ".ipython"
    kernel_config = ipython_dir / "profile_default" / "ipython_kernel_config.py"
    kernel_config.parent.mkdir(parents=True, exist_ok=True)
    if not kernel_config.is_file() or kernel_config.read_text(encoding="utf-8") != KERNEL_CONFIG:
        _write_atomically(kernel_config, KERNEL_CONFIG)
    os.environ["IPYTHONDIR"] = str(ipython_dir)
    # The chapters import numpy before tinytorch, too late for its one-BLAS-thread default; importing it here puts
    # that default into this process's environment, which the kernels inherit.
    import tinytorch  # noqa: F401


def digest(root: Path, folders: tuple[str, ...]) -> str:
    """A hash of every file's path and content under ``folders`` (bytecode aside)."""
    hashed = hashlib.sha256()
    for folder in folders:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                hashed.update(path.relative_to(root).as_posix().encode() + b"\0")
                hashed.update(hashlib.sha256(path.read_bytes()).digest())
    return hashed.hexdigest()


def fingerprint(root: Path) -> dict[str, Any]:
    """What the results depend on besides the pages' code: library and milestone files, settings, versions."""
    return {
        "sources": digest(root, FINGERPRINT_SOURCES),
        "overrides": tinytorch_book.overrides(),
        "python": platform.python_version(),
        "numpy": _version("numpy"),
    }


def execution_cache(app: Sphinx) -> Path:
    """Where myst-nb keeps executed pages (its own rule: the configured path, else beside the output folder)."""
    configured = app.config.nb_execution_cache_path
    return Path(configured).resolve() if configured else Path(app.outdir).parent.joinpath(".jupyter_cache")


def invalidate_stale_results(app: Sphinx, config: Any) -> None:
    cache = execution_cache(app)
    _wait_for_other_builds(app, cache.parent)
    stamp = cache.parent / FINGERPRINT_FILE
    current = fingerprint(Path(app.confdir))
    try:
        previous = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = None
    if previous == current:
        return
    if cache.exists() or previous is not None:
        changed = sorted(k for k in current if previous is None or previous.get(k) != current[k])
        logger.info(f"tinytorch_site: results are stale ({', '.join(changed)} changed); every page runs again")
    shutil.rmtree(cache, ignore_errors=True)
    Path(app.doctreedir, "environment.pickle").unlink(missing_ok=True)  # re-read every page, not only edited ones
    stamp.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(stamp, json.dumps(current, indent=2) + "\n")


def reread_after_problems(app: Sphinx, exception: Exception | None) -> None:
    """Sphinx warns about a page only when it reads it: after a warning, drop the saved environment so the
    next build reads (and, if it failed, runs) every page again and fails again until the cause is fixed."""
    if exception is not None or getattr(app, "_warncount", 0):
        Path(app.doctreedir, "environment.pickle").unlink(missing_ok=True)


def _wait_for_other_builds(app: Sphinx, build_dir: Path) -> None:
    """Two builds into one folder would wipe and write each other's results: the second waits for the first.
    The lock is held until this process ends."""
    build_dir.mkdir(parents=True, exist_ok=True)
    lock = open(build_dir / ".tinytorch-build.lock", "w")  # kept open: closing it would release the lock
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        logger.info(f"tinytorch_site: waiting for another build of {build_dir} to finish")
        fcntl.flock(lock, fcntl.LOCK_EX)
    app.tinytorch_build_lock = lock


# --- manifest: what each page published ------------------------------------------------------------------


def rewrite_pages_when_assets_change(app: Sphinx, env: Any, added: set, changed: set, removed: set) -> list[str]:
    """Sphinx copies the static folder only when some page is rewritten: a stylesheet edit alone rewrites all."""
    assets = digest(Path(app.confdir), tuple(app.config.html_static_path))
    if getattr(env, "tinytorch_assets", None) == assets:
        return []
    env.tinytorch_assets = assets
    return sorted(env.found_docs - added - changed - removed)


def _store(env: Any) -> dict[str, dict[str, Any]]:
    if not hasattr(env, "tinytorch_pages"):
        env.tinytorch_pages = {}
    return env.tinytorch_pages


def forget_doc(app: Sphinx, env: Any, docname: str) -> None:
    _store(env).pop(docname, None)


def merge_figures(app: Sphinx, env: Any, docnames: set[str], other: Any) -> None:
    for docname in docnames:
        if docname in _store(other):
            _store(env)[docname] = _store(other)[docname]


def collect_figures(app: Sphinx, doctree: Any) -> None:
    """Read back what the page just glued (myst-nb writes it to ``<docname>.glue.json`` while reading)."""
    from myst_nb.sphinx_ import NbMetadataCollector

    env = app.env
    keys = NbMetadataCollector.get_doc_data(env).get(env.docname, {}).get("glue", [])
    if not keys:
        return
    glue_file = Path(env.mystnb_config.output_folder, *env.docname.split("/")).with_suffix(".glue.json")
    glued = json.loads(glue_file.read_text(encoding="utf-8"))
    figures: dict[str, Any] = {}
    environment = None
    for key in keys:
        data = glued[key]["data"]
        try:
            value = literal_eval(data["text/plain"])
        except (KeyError, SyntaxError, ValueError):
            value = {"mime_types": sorted(data)}  # e.g. a glued matplotlib figure
        if key == tinytorch_book.ENVIRONMENT_KEY:
            environment = value
        else:
            figures[key] = value
    execution = NbMetadataCollector.get_exec_data(env, env.docname) or {}
    _store(env)[env.docname] = {
        "figures": figures,
        "computed_in": environment,
        "execution": {k: execution.get(k) for k in ("method", "runtime", "succeeded")},
    }


def write_manifest(app: Sphinx, exception: Exception | None) -> None:
    if app.builder.format != "html":
        return
    target = Path(app.outdir, "manifest.json")
    if exception is not None or getattr(app, "_warncount", 0):
        target.unlink(missing_ok=True)  # a failed build vouches for no result
        return
    manifest = {
        "site": app.config.html_title,
        "built_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "build": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpu": tinytorch_book.cpu_model(),
            "cpu_count": os.cpu_count(),
            "versions": {
                name: _version(name)
                for name in ("tinytorch", "numpy", "jupyter-book", "sphinx", "myst-nb", "matplotlib")
            }
            | {name: _npm_version(app, name) for name in VENDOR},
        },
        "overrides": tinytorch_book.overrides(),
        "fingerprint": fingerprint(Path(app.confdir))["sources"],
        "pages": {doc: _store(app.env)[doc] for doc in sorted(_store(app.env))},
    }
    _write_atomically(target, json.dumps(manifest, indent=2) + "\n")


# --- assets served by the site itself ---------------------------------------------------------------------


def require_vendor_assets(app: Sphinx) -> None:
    missing = [name for name in VENDOR if not (_node_modules(app) / name / "package.json").is_file()]
    if missing:
        raise ConfigError(
            f"node_modules/{', node_modules/'.join(missing)} not found: the site serves mermaid and MathJax "
            "itself. Run `npm ci` in the repo root (or `make site`, which does it)."
        )


def copy_vendor_assets(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for name, (folder, entries) in VENDOR.items():
        source = _node_modules(app) / name / folder
        target = Path(app.outdir, "_static", "vendor", name)
        for entry in entries:
            files = sorted((source / entry).rglob("*")) if entry.endswith("/") else [source / entry]
            for file in files:
                if file.is_file() and file.suffix != ".map":
                    _copy_if_changed(file, target / file.relative_to(source))


def drop_duplicate_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Sphinx 7.4 lists some inline scripts twice (a console error in the browser); keep the first of each.

    The list is edited in place: it is the builder's own, which other handlers may still append to.
    """
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen: set[tuple[str, str]] = set()
    unique = []
    for script in scripts:
        key = (str(getattr(script, "filename", script) or ""), repr(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


# --- helpers ----------------------------------------------------------------------------------------------


def _node_modules(app: Sphinx) -> Path:
    return Path(app.confdir, "node_modules")


def _npm_version(app: Sphinx, name: str) -> str | None:
    try:
        return json.loads((_node_modules(app) / name / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _copy_if_changed(source: Path, target: Path) -> None:
    stat = source.stat()
    if target.exists() and target.stat().st_size == stat.st_size and target.stat().st_mtime_ns == stat.st_mtime_ns:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
