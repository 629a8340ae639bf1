"""Assets served by the site itself: mermaid (ESM build) and MathJax 3 are copied
from ``node_modules/`` into ``_static/vendor/``, so the site makes no request to any
other host.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ConfigError

from .results import digest

# package in node_modules: (its folder that becomes _static/vendor/<package>, what to
# serve from it: files, or folders ending in "/"). The layout below that folder is
# kept: the scripts load their parts relative to it.
VENDOR = {
    "mermaid": ("dist", ("mermaid.esm.min.mjs", "chunks/mermaid.esm.min/")),
    "mathjax": (
        "es5", ("tex-chtml.js", "input/", "output/chtml/", "ui/", "a11y/", "sre/")
    ),
}


def node_modules(app: Sphinx) -> Path:
    return Path(app.confdir, "node_modules")


def npm_version(app: Sphinx, name: str) -> str | None:
    """The version of an npm package in node_modules, or None."""
    try:
        package = node_modules(app) / name / "package.json"
        return json.loads(package.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None


def require_vendor_assets(app: Sphinx) -> None:
    missing = [name for name in VENDOR
               if not (node_modules(app) / name / "package.json").is_file()]
    if missing:
        raise ConfigError(
            f"node_modules/{', node_modules/'.join(missing)} not found: the site "
            "serves mermaid and MathJax itself. Run `npm ci` in the repo root (or "
            "`make site`, which does it)."
        )


def copy_vendor_assets(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for name, (folder, entries) in VENDOR.items():
        source = node_modules(app) / name / folder
        target = Path(app.outdir, "_static", "vendor", name)
        for entry in entries:
            if entry.endswith("/"):
                files = sorted((source / entry).rglob("*"))
            else:
                files = [source / entry]
            for file in files:
                if file.is_file() and file.suffix != ".map":
                    _copy_if_changed(file, target / file.relative_to(source))


def _copy_if_changed(source: Path, target: Path) -> None:
    stat = source.stat()
    if target.exists():
        old = target.stat()
        if (old.st_size, old.st_mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def rewrite_pages_when_assets_change(app: Sphinx, env: Any, added: set, changed: set,
                                     removed: set) -> list[str]:
    """Sphinx copies the static folder only when some page is rewritten: a stylesheet
    edit alone rewrites every page."""
    own = tuple(p for p in app.config.html_static_path if not Path(p).is_absolute())
    assets = digest(Path(app.confdir), own)  # themes' own folders change with versions
    if getattr(env, "tinytorch_assets", None) == assets:
        return []
    env.tinytorch_assets = assets
    return sorted(env.found_docs - added - changed - removed)


def drop_duplicate_scripts(app: Sphinx, pagename: str, templatename: str, context: dict,
                           doctree: Any) -> None:
    """Sphinx 7.4 lists some inline scripts twice (a console error in the browser);
    keep the first of each. The list is edited in place: it is the builder's own,
    which other handlers may still append to."""
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen: set[tuple[str, str]] = set()
    unique = []
    for script in scripts:
        name = str(getattr(script, "filename", script) or "")
        key = (name, repr(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique
