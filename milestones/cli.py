"""The command line every milestone script shares: options from `run`'s signature,
the run, and its results table; problems end in one clear message, never a
traceback."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
from rich.console import Console

import tinytorch as tt
from tinytorch.datasets import DatasetError
from tinytorch.nn import Module

from .images import write_png
from .records import record_run
from .results import Expected, Goal, results_table
from .splits import NoValidationSplit
from .training import Settings


def _positive(kind: type) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        value = kind(text)
        if not value > 0 or (kind is float and not np.isfinite(value)):
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its messages
    return parse


def _negative_values_joined(argv: list[str]) -> list[str]:
    """``--lr -inf`` as ``--lr=-inf``: argparse reads a value that starts with '-'
    and is not a plain negative number (-inf, -1e-3) as an option, and says only
    "expected one argument"; joined, the option's own check explains."""
    joined: list[str] = []
    for arg in argv:
        previous = joined[-1] if joined else ""
        if previous.startswith("--") and "=" not in previous and _number(arg):
            joined[-1] = f"{previous}={arg}"
        else:
            joined.append(arg)
    return joined


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.startswith("-")


def _check_writable(parser: argparse.ArgumentParser, path: Path | None) -> None:
    """A file the run will write must be writable before the run, not after it."""
    if path is None:
        return
    folder = path.parent
    if path.is_dir():
        parser.error(f"--save-weights {path}: that is a folder; give a file name, "
                     f"such as {path / 'weights.png'}")
    if not folder.is_dir():
        parser.error(f"--save-weights {path}: the folder {folder} does not exist; "
                     f"create it first or choose another")
    if not os.access(folder, os.W_OK | os.X_OK):
        parser.error(f"--save-weights {path}: the folder {folder} cannot be written "
                     f"to; choose another")


def _fail(message: str, code: int = 1) -> NoReturn:
    print(f"{Path(sys.argv[0]).name}: {message}", file=sys.stderr)
    raise SystemExit(code)


def _record(
    run: Callable[..., dict[str, Any]],
    result: dict[str, Any],
    options: dict[str, Any],
    settings: Settings | None,
    expected: Expected,
    goals: tuple[Goal, ...],
) -> None:
    """Keep the finished run for `tito milestones status`; a cache folder that
    cannot be written costs only the record."""
    try:
        record_run(sys.modules[run.__module__].__file__ or "", result, options,
                   settings, expected, goals)  # fmt: skip
    except OSError as err:
        where = f" {err.filename}" if err.filename else ""
        print(f"{Path(sys.argv[0]).name}: this run was not recorded for `tito "
              f"milestones status` (cannot write{where}: {err.strerror or err}).",
              file=sys.stderr)  # fmt: skip


def _parser(
    doc: str,
    settings: Settings | None,
    weights: bool,
    download: bool = False,
    models: tuple[str, ...] = (),
) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=doc.strip().split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0,
                        help="seeds the weights, data and shuffling (default 0)")
    parser.add_argument("--quiet", action="store_true", help="print only the results")
    parser.add_argument("--quick", action="store_true",
                        help="a fast smoke run: fewer epochs (if the script trains)")
    if settings is not None:
        parser.add_argument("--epochs", type=_positive(int),
                            help=f"default {settings.epochs}")
        parser.add_argument("--lr", type=_positive(float),
                            help=f"learning rate (default {settings.lr:g})")
        parser.add_argument("--batch-size", type=_positive(int),
                            help=f"default {settings.batch_size}")
        parser.add_argument("--validation", action="store_true",
                            help="train on the first five sixths of the training set "
                                 "and test on the last sixth, to choose settings "
                                 "without looking at the test set")
    if download:
        parser.add_argument("--download", action="store_true",
                            help="fetch the data if it is not there yet")
    if models:
        parser.add_argument("--model", choices=models, default=models[0],
                            help=f"which model (default {models[0]})")
    if weights:
        parser.add_argument("--save-weights", metavar="FILE.png", type=Path,
                            help="save the first layer's weights as a PNG")
    return parser


def main(
    run: Callable[..., dict[str, Any]],
    expected: Expected,
    goals: tuple[Goal, ...] = (),
    settings: Settings | None = None,
    weight_image: Callable[[Module], np.ndarray] | None = None,
    argv: list[str] | None = None,
    download: bool = False,
    models: tuple[str, ...] = (),
) -> None:
    """Parse the options (those of `settings`, for a script that trains; --download
    for data that is fetched; --model, for a script that takes one of `models`), run,
    print the results table, record the run for `tito milestones status` (and save
    the weights).

    A diverging run or missing data ends with a one-paragraph message and exit code
    1, without the numpy overflow warnings that led there; Ctrl-C, at any moment,
    with "interrupted." and exit code 130; output piped into a program that stops
    reading (`| head`) ends quietly. A --save-weights file that could not be written
    is refused before the run.
    """
    doc = sys.modules[run.__module__].__doc__ or ""
    parser = _parser(doc, settings, weight_image is not None, download, models)
    given = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(_negative_values_joined(given))
    _check_writable(parser, getattr(args, "save_weights", None))
    chosen = {k: v for k, v in vars(args).items() if v is not None}
    chosen.pop("save_weights", None)
    if settings is None:
        chosen.pop("quick", None)  # nothing to shorten
    try:
        with warnings.catch_warnings(record=True) as caught:  # held back until done
            try:
                result = run(**chosen)
            except tt.TrainingDiverged as err:
                _fail(f"training diverged: {err}.")
            except DatasetError as err:
                _fail(f"the data could not be loaded. {err}")
            except NoValidationSplit as err:
                _fail(f"{err}.")
        for warning in caught:  # a run that finished shows every warning it raised
            warnings.showwarning(
                warning.message, warning.category, warning.filename, warning.lineno
            )
        Console().print(results_table(result, expected, goals))
        _record(run, result, chosen, settings, expected, goals)
        if weight_image is not None and args.save_weights is not None:
            try:
                write_png(args.save_weights, weight_image(result["model"]))
            except OSError as err:
                _fail(f"cannot write {args.save_weights}: {err.strerror or err}.")
            print(f"saved the first layer's weights to {args.save_weights}")
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped reading: nothing more to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the exit's flush cannot fail again
        raise SystemExit(0) from None
    except KeyboardInterrupt:  # a run interrupted before its record is not recorded
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C while leaving
        _fail("interrupted.", code=130)
