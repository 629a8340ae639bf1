"""The house style of the book's plots: vector output, the two colours of the site,
and the plane-drawing helpers the 1957 and 1969 chapters share."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap

import tinytorch as tt

BLUE, ORANGE, GREY = "#4a6fa5", "#c77c02", "#777777"
# white where the probability is one half, blue towards 0, orange towards 1
PROBABILITY = LinearSegmentedColormap.from_list("p", [BLUE, "#ffffff", ORANGE])


def use_house_style() -> None:
    """SVG figures, the site's font size, no top and right frame lines."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.run_line_magic("config", 'InlineBackend.figure_formats = ["svg"]')
    plt.rcParams.update({"font.size": 11, "axes.spines.top": False,
                         "axes.spines.right": False})


def plot_points(ax: Any, x: np.ndarray, y: np.ndarray, names: tuple[str, str]) -> None:
    """Two classes of 2-D points: class 0 as blue circles, class 1 as orange
    triangles, labelled with `names`."""
    for label, (colour, marker) in enumerate(((BLUE, "o"), (ORANGE, "^"))):
        chosen = y[:, 0] == label
        ax.scatter(x[chosen, 0], x[chosen, 1], s=18, color=colour, marker=marker,
                   edgecolors="black", linewidths=0.4, label=names[label])


def grid_over(
    x: np.ndarray, steps: int = 300, pad: float = 0.5
) -> tuple[np.ndarray, ...]:
    """(u, v, points): a grid covering the data's bounding box, to evaluate a model
    everywhere in the plane."""
    (x0, y0), (x1, y1) = x.min(axis=0) - pad, x.max(axis=0) + pad
    u, v = np.meshgrid(np.linspace(x0, x1, steps), np.linspace(y0, y1, steps))
    return u, v, np.stack([u.ravel(), v.ravel()], axis=1).astype(np.float32)


def probability_on(model: tt.nn.Module, grid: tuple[np.ndarray, ...]) -> np.ndarray:
    """The model's output at every point of the grid, shaped like the grid."""
    u, _, points = grid
    return tt.predict(model, points).reshape(u.shape)


def draw_boundary(ax: Any, model: tt.nn.Module, grid: tuple[np.ndarray, ...],
                  **style: Any) -> None:
    """The model's decision line: where its output crosses one half."""
    u, v, _ = grid
    p = probability_on(model, grid)
    if p.min() < 0.5 < p.max():  # else the line passes outside the window
        ax.contour(u, v, p, levels=[0.5], **style)
