"""Run settings that a build may override, and `publish`, which glues a value for
the page and the manifest alike."""

from __future__ import annotations

import datetime
import math
import os
import platform
from ast import literal_eval
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from IPython.core.formatters import format_display_data
from myst_nb import glue

OVERRIDE_PREFIX = "TINYTORCH_BOOK_"
ENVIRONMENT_KEY = "tinytorch_book_environment"


@dataclass(frozen=True)
class Setting:
    """A run setting a build may override with TINYTORCH_BOOK_<NAME>."""

    kind: type
    low: int | None
    about: str


SETTINGS = {
    "epochs": Setting(int, 1, "the number of epochs of every training run"),
    "seed": Setting(int, None, "the seed of every run"),
}

_environment_recorded = False


def check_overrides() -> dict[str, Any]:
    """Every TINYTORCH_BOOK_* variable set, parsed; a ValueError names a misspelt
    variable or a bad value, and what is allowed."""
    parsed = {}
    for variable, raw in overrides().items():
        name = variable.removeprefix(OVERRIDE_PREFIX).lower()
        if name not in SETTINGS:
            known = ", ".join(OVERRIDE_PREFIX + k.upper() for k in SETTINGS)
            raise ValueError(f"{variable} is not a setting of this book; the settings "
                             f"are {known} (unset {variable})")
        parsed[name] = _parse(variable, raw, SETTINGS[name])
    return parsed


def run_settings(name: str, **defaults: Any) -> dict[str, Any]:
    """The settings of this page's run ``name``: ``defaults``, each overridden by
    ``TINYTORCH_BOOK_<KEY>`` if set.

    Each setting is published as ``<name>_<key>`` (e.g. ``mnist_epochs``): the page
    shows it with a glue role rather than typing it, and the manifest says how every
    figure was obtained.
    """
    unknown = sorted(defaults.keys() - SETTINGS.keys())
    if unknown:
        raise ValueError(f"run_settings({name!r}): {unknown} are not book settings "
                         f"({sorted(SETTINGS)})")
    chosen = defaults | {k: v for k, v in check_overrides().items() if k in defaults}
    for key, value in chosen.items():
        publish(f"{name}_{key}", value)
    return chosen


def publish(name: str, value: Any) -> None:
    """Glue ``value`` as ``name``: the page shows it, the manifest records it.

    Only plain data is accepted (numbers, strings, booleans and lists, tuples or
    dicts of them; numpy scalars and arrays are converted), because the page and the
    manifest both read back the glued text.
    """
    plain = _plain(value, name)
    text = format_display_data(plain)[0]["text/plain"]
    if literal_eval(text) != plain:
        raise ValueError(f"publish({name!r}): the glued text {text!r} does not read "
                         f"back as the value")
    _record_environment()
    glue(name, plain, display=False)


def overrides() -> dict[str, str]:
    """The ``TINYTORCH_BOOK_*`` variables in effect: they change runs, so they key
    the results too."""
    chosen = sorted(os.environ.items())
    return {k: v for k, v in chosen if k.startswith(OVERRIDE_PREFIX)}


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
    """Publish, once per page, where and when its figures were computed (cached
    pages keep their record)."""
    global _environment_recorded
    if _environment_recorded:
        return
    _environment_recorded = True
    import numpy

    import tinytorch

    glue(
        ENVIRONMENT_KEY,
        {
            "executed_at": datetime.datetime.now(datetime.timezone.utc).isoformat(
                timespec="seconds"),
            "python": platform.python_version(),
            "numpy": numpy.__version__,
            "tinytorch": metadata.version("tinytorch"),
            "cpu": cpu_model(),
            "cpu_count": os.cpu_count(),
            "blas_threads": tinytorch.get_num_threads(),
            "overrides": overrides(),
        },
        display=False,
    )


def _parse(variable: str, raw: str, setting: Setting) -> Any:
    allowed = "an integer" + ("" if setting.low is None else f" >= {setting.low}")
    try:
        value = setting.kind(raw)
    except ValueError:
        value = None
    if value is None or (setting.low is not None and value < setting.low):
        raise ValueError(f"{variable}={raw!r} is not valid: {setting.about} must be "
                         f"{allowed}; unset it or give a value like "
                         f"{variable}={setting.low or 1}")
    return value


def _plain(value: Any, name: str) -> Any:
    """``value`` as plain Python data, refusing what the glued text could not carry."""
    if hasattr(value, "tolist") and not isinstance(value, str | bytes):
        value = value.tolist()  # numpy scalars and arrays
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"publish({name!r}): the value is {value}; a run that "
                             f"diverged must not be published")
        return value
    if isinstance(value, list | tuple):
        return type(value)(_plain(item, name) for item in value)
    if isinstance(value, dict):
        return {str(key): _plain(item, name) for key, item in value.items()}
    raise TypeError(f"publish({name!r}): {type(value).__name__} is not plain data "
                    f"(numbers, strings, lists, dicts)")
