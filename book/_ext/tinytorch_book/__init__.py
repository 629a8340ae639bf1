"""What a chapter needs: its run settings, `publish` for every figure it shows, and
the house style of its plots.

A chapter publishes each result once; the page shows it with
``{glue:text}`name:format``` and the build's ``manifest.json`` records the same glued
value, so the page and the manifest cannot disagree::

    from milestones import load
    from tinytorch_book import publish, run_settings

    mnist = load("03_1986_mlp/02_rumelhart_mnist")
    settings = run_settings("mnist", epochs=mnist.SETTINGS.epochs, seed=0)
    result = mnist.run(**settings)      # TINYTORCH_BOOK_EPOCHS=1 would override epochs
    publish("mnist_test_accuracy", result["test_accuracy"])

The build puts this folder on the kernels' PYTHONPATH, so chapters import it from any
folder.
"""

from . import figures, guards, measure
from .publishing import (
    ENVIRONMENT_KEY,
    OVERRIDE_PREFIX,
    SETTINGS,
    check_overrides,
    cpu_model,
    overrides,
    publish,
    run_settings,
)

__all__ = [
    "ENVIRONMENT_KEY", "OVERRIDE_PREFIX", "SETTINGS", "check_overrides", "cpu_model",
    "figures", "guards", "measure", "overrides", "publish", "run_settings",
]  # fmt: skip
