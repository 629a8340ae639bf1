"""What this machine has for TinyTorch, as checks: the pinned Python packages, the
bundled data files and their checksums, a browser for the site's tests, node and npm
and the site's assets, a cache folder to write to; and the facts `tito system info`
shows beside them (versions, numpy's BLAS and its threads).

Each check knows the command that fixes it; `tito system doctor` lists those.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import REPOSITORY

# Where the site's browser tests look for a browser, in order (after $BROWSER_PATH).
BROWSERS = ("chromium", "google-chrome", "google-chrome-stable", "chrome")
VERSIONS = ("numpy", "threadpoolctl", "tinytorch", "rich", "pillow", "jupyter-book")
DATA_REPO_PATH = "tinytorch/datasets/data"


@dataclass(frozen=True)
class Check:
    """One thing TinyTorch needs: whether this machine has it, what was found, and
    the command that fixes it when it is missing."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


def find_browser() -> str | None:
    """``$BROWSER_PATH`` if set, else the first Chromium-family browser on the PATH."""
    if os.environ.get("BROWSER_PATH"):
        return os.environ["BROWSER_PATH"]
    return next(filter(None, map(shutil.which, BROWSERS)), None)


def version(distribution: str) -> str | None:
    """The installed version of a Python distribution, or None."""
    from importlib import metadata  # slow to import: only when asked

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def blas_libraries() -> list[dict[str, Any]]:
    """numpy's BLAS libraries as threadpoolctl sees them (after tinytorch chose their
    threads)."""
    from threadpoolctl import threadpool_info

    import tinytorch  # noqa: F401  (loads numpy's BLAS and sets its threads)

    return [lib for lib in threadpool_info() if lib.get("user_api") == "blas"]


def bundled_files() -> dict[str, str]:
    """Every data file tinytorch bundles (its path under the data folder) and the
    SHA-256 it must have. IDX sets are found by the library's naming: the files of
    folder ``fashion-mnist`` are ``tinytorch.datasets.FASHION_MNIST_FILES``."""
    from tinytorch import datasets
    from tinytorch.datasets.journeytalks import JOURNEYTALKS_SHA256
    from tinytorch.datasets.tinydigits import TINYDIGITS_SHA256

    files = {
        "journeytalks.txt": JOURNEYTALKS_SHA256, "tinydigits.npz": TINYDIGITS_SHA256
    }
    for name, specs in vars(datasets).items():
        if name.endswith("_FILES") and isinstance(specs, dict):
            folder = name.removesuffix("_FILES").lower().replace("_", "-")
            files |= {
                f"{folder}/{file}": spec.sha256_gz for file, spec in specs.items()
            }
    return files


def data_checks(data_dir: Path | None = None) -> list[Check]:
    """Each bundled file, checked by its SHA-256 (the compressed file: nothing is
    decompressed); files the library has no checksum for are reported too."""
    from tinytorch.datasets import DatasetError
    from tinytorch.datasets.checks import read_checked
    from tinytorch.datasets.mnist import DATA_DIR

    data_dir = DATA_DIR if data_dir is None else data_dir
    checks, expected = [], bundled_files()
    for relative, sha256 in sorted(expected.items()):
        name, repo_path = f"data {relative}", f"{DATA_REPO_PATH}/{relative}"
        try:
            size = len(read_checked(data_dir / relative, sha256, repo_path))
        except DatasetError as err:  # its first line says what is wrong
            problem = str(err).splitlines()[0].split(": ", 1)[-1]
            checks.append(Check(name, False, problem, f"git checkout -- {repo_path}"))
        else:
            checks.append(Check(name, True, f"{size:,} bytes, SHA-256 matches"))
    for path in sorted(data_dir.rglob("*")):
        relative = path.relative_to(data_dir).as_posix()
        if path.is_file() and path.suffix != ".md" and relative not in expected:
            checks.append(
                Check(f"data {relative}", True, "not checked: no checksum known")
            )
    return checks


def setup_check(root: Path = REPOSITORY) -> list[Check]:
    """In a clone: `make setup` has run since requirements.txt and pyproject.toml
    last changed (its stamp, as make sees it)."""
    if not (root / "Makefile").is_file():
        return []  # installed some other way: nothing to set up
    stamp = root / ".venv" / ".tinytorch-setup"
    changed = [name for name in ("requirements.txt", "pyproject.toml")
               if stamp.is_file() and (root / name).is_file()
               and (root / name).stat().st_mtime > stamp.stat().st_mtime]  # fmt: skip
    if not stamp.is_file():
        return [Check("make setup", False, f"has not run in {root}", "make setup")]
    if changed:
        detail = f"{' and '.join(changed)} changed since it last ran"
        return [Check("make setup", False, detail, "make setup")]
    return [Check("make setup", True, f"{root / '.venv'} is up to date")]


def package_check(requirements: Path = REPOSITORY / "requirements.txt") -> Check:
    """The installed Python packages against requirements.txt's pins."""
    name = "Python packages"
    fix = f"{_shell(sys.executable)} -m pip install -r {_shell(str(requirements))}"
    try:
        lines = requirements.read_text(encoding="utf-8").splitlines()
    except OSError:
        return Check(name, True, f"not checked: no {requirements}")
    pins = dict(
        line.split("==", 1)
        for line in lines
        if "==" in line and not line.startswith("#")
    )
    wrong = [
        f"{package} {version(package) or 'missing'} (pinned {pinned})"
        for package, pinned in pins.items()
        if version(package) != pinned
    ]
    if wrong:
        shown = ", ".join(wrong[:5]) + (
            f" and {len(wrong) - 5} more" if wrong[5:] else ""
        )
        return Check(name, False, f"differ from requirements.txt: {shown}", fix)
    return Check(name, True, f"{len(pins)} packages as requirements.txt pins them")


def browser_check() -> Check:
    """A Chromium-family browser for the site's browser tests."""
    name, chosen = "browser for the tests", os.environ.get("BROWSER_PATH")
    found = find_browser()
    if chosen and not (Path(chosen).is_file() and os.access(chosen, os.X_OK)):
        return Check(
            name,
            False,
            f"BROWSER_PATH={chosen} is not an executable file",
            "unset BROWSER_PATH, or set it to a Chromium-family browser",
        )
    if found is None:
        looked = ", ".join(("$BROWSER_PATH", *BROWSERS))
        return Check(
            name,
            False,
            f"none found (looked for {looked}); the browser tests skip without one",
            "apt-get install chromium",
        )
    return Check(name, True, shutil.which(found) or found)


def node_checks(root: Path = REPOSITORY) -> list[Check]:
    """node and npm, and the site's npm packages as package.json wants them."""
    checks = []
    for tool, fix in (
        ("node", "apt-get install nodejs"),
        ("npm", "apt-get install npm"),
    ):
        found = _tool_version(tool)
        checks.append(
            Check(tool, True, found)
            if found
            else Check(
                tool, False, "not on the PATH: the site's assets come from npm", fix
            )
        )
    try:
        wanted = json.loads((root / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return checks  # not a clone of the repository: no site to build
    for package, pinned in wanted.get("dependencies", {}).items():
        try:
            meta = root / "node_modules" / package / "package.json"
            have = json.loads(meta.read_text(encoding="utf-8"))["version"]
        except (OSError, ValueError, KeyError):
            have = None
        label = f"site asset {package}"
        if have == pinned:
            checks.append(Check(label, True, f"{have} in node_modules"))
        else:
            found = f"{have} in node_modules" if have else "not in node_modules"
            checks.append(
                Check(
                    label,
                    False,
                    f"{found}, package.json pins {pinned}",
                    "npm ci (or make setup)",
                )
            )
    return checks


def cache_check() -> Check:
    """A cache folder the milestone scripts can write their records (and the
    decompressed MNIST) to."""
    from tinytorch.datasets.mnist import default_cache_dir

    folder = default_cache_dir()
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    if existing.is_dir() and os.access(existing, os.W_OK | os.X_OK):
        return Check("cache folder", True, str(folder))
    return Check(
        "cache folder",
        False,
        f"{folder} cannot be written",
        "export TINYTORCH_CACHE=<a folder you can write>",
    )


def all_checks() -> list[Check]:
    """Everything `tito system doctor` checks, in the order it shows them."""
    return [
        *setup_check(),
        package_check(),
        *data_checks(),
        browser_check(),
        *node_checks(),
        cache_check(),
    ]


def _tool_version(tool: str) -> str | None:
    path = shutil.which(tool)
    if path is None:
        return None
    try:
        done = subprocess.run(
            [path, "--version"],
            capture_output=True,
            text=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired):
        return f"{path} (its version could not be read)"
    return f"{done.stdout.strip() or '?'} ({path})"


def _shell(path: str) -> str:
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path
