"""What a chapter needs to publish results: its run settings, and ``publish`` for every figure it shows.

A chapter publishes each result once; the page shows it with ``{glue:text}`name:format``` and the build's
``manifest.json`` records the same glued value (book/_ext/tinytorch_site.py reads it back), so the page and
the manifest cannot disagree::

    from milestones import load
    from tinytorch_book import publish, run_settings

    settings = run_settings("mnist", epochs=5, seed=0)      # TINYTORCH_BOOK_EPOCHS=1 overrides epochs
    result = load("03_1986_mlp/02_rumelhart_mnist").run(**settings, quiet=True)
    publish("mnist_test_accuracy", result["test_accuracy"])

The build puts this folder on the kernels' PYTHONPATH, so chapters import it from any folder.
"""

from __future__ import annotations

import datetime
import math
import os
import platform
from ast import literal_eval
from importlib import metadata
from typing import Any

from IPython.core.formatters import format_display_data
from myst_nb import glue

OVERRIDE_PREFIX = "TINYTORCH_BOOK_"
ENVIRONMENT_KEY = "tinytorch_book_environment"

_environment_recorded = False


def run_settings(name: str, **defaults: int | float | str | bool) -> dict[str, Any]:
    """The settings of this page's run ``name``: ``defaults``, each overridden by ``TINYTORCH_BOOK_<KEY>`` if set.

    Each setting is published as ``<name>_<key>`` (e.g. ``mnist_epochs``): the page shows it with a glue role
    rather than typing it, and the manifest says how every figure was obtained.
    """
    settings: dict[str, Any] = {}
    for key, default in defaults.items():
        variable = OVERRIDE_PREFIX + key.upper()
        raw = os.environ.get(variable)
        settings[key] = default if raw is None else _parse_override(variable, raw, default)
        publish(f"{name}_{key}", settings[key])
    return settings


def publish(name: str, value: Any) -> None:
    """Glue ``value`` as ``name``: the page shows it, the manifest records it.

    Only plain data is accepted (numbers, strings, booleans and lists, tuples or dicts of them; numpy scalars
    and arrays are converted), because the page and the manifest both read back the glued text.
    """
    plain = _plain(value, name)
    text = format_display_data(plain)[0]["text/plain"]
    if literal_eval(text) != plain:
        raise ValueError(f"publish({name!r}): the glued text {text!r} does not read back as the value")
    _record_environment()
    glue(name, plain, display=False)


def overrides() -> dict[str, str]:
    """The ``TINYTORCH_BOOK_*`` variables in effect: they change runs, so they key the results too."""
    return {k: v for k, v in sorted(os.environ.items()) if k.startswith(OVERRIDE_PREFIX)}


def cpu_model() -> str:
    """The CPU's model name (Linux), or what ``platform`` knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _record_environment() -> None:
    """Publish, once per page, where and when its figures were computed (cached pages keep their record)."""
    global _environment_recorded
    if _environment_recorded:
        return
    _environment_recorded = True
    import numpy

    glue(
        ENVIRONMENT_KEY,
        {
            "executed_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "numpy": numpy.__version__,
            "tinytorch": _version("tinytorch"),
            "cpu": cpu_model(),
            "cpu_count": os.cpu_count(),
            "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
            "overrides": overrides(),
        },
        display=False,
    )


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _parse_override(variable: str, raw: str, default: int | float | str | bool) -> int | float | str | bool:
    try:
        if isinstance(default, bool):
            if raw.lower() not in ("0", "1", "true", "false"):
                raise ValueError
            return raw.lower() in ("1", "true")
        return type(default)(raw)
    except ValueError:
        raise ValueError(
            f"{variable}={raw!r} is not a valid {type(default).__name__}: unset it or give a value like {default!r}"
        ) from None


def _plain(value: Any, name: str) -> Any:
    """``value`` as plain Python data, refusing what the glued text could not carry."""
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()  # numpy scalars and arrays
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"publish({name!r}): the value is {value}; a run that diverged must not be published")
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(item, name) for item in value)
    if isinstance(value, dict):
        return {str(key): _plain(item, name) for key, item in value.items()}
    raise TypeError(f"publish({name!r}): {type(value).__name__} is not plain data (numbers, strings, lists, dicts)")
