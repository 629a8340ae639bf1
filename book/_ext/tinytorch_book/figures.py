"""The house style of the book's plots: vector output, the two colours of the site, a
width that stays readable on a phone, and the plane-drawing helpers the 1957 and 1969
chapters share.

Every figure is glued (`publish_figure`, or myst-nb's `glue`) and shown by a
``{glue:figure}`` directive with a ``:name:``, an ``:alt:`` text and a caption, so it
gets a number; tests/site/test_figures.py checks every page for it."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap

import tinytorch as tt

BLUE, ORANGE, GREY = "#4a6fa5", "#c77c02", "#777777"
# The widest figure, in inches. A page column scales a figure down to its own width:
# on a 390 px phone (about 358 px of column) a 6-inch figure drawn at 96 px per inch
# shrinks to 0.62, so the house tick labels (11 pt, 14.7 px) still read at about 9 px.
WIDTH = 6.0
# white where the probability is one half, blue towards 0, orange towards 1
PROBABILITY = LinearSegmentedColormap.from_list("p", [BLUE, "#ffffff", ORANGE])


def use_house_style() -> None:
    """SVG figures, type large enough to read at a phone's width (see WIDTH), no top
    and right frame lines."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.run_line_magic("config", 'InlineBackend.figure_formats = ["svg"]')
    plt.rcParams.update({"font.size": 12, "xtick.labelsize": 11, "ytick.labelsize": 11,
                         "legend.fontsize": 11, "axes.titlesize": 12,
                         "figure.figsize": (WIDTH, 3.2), "axes.spines.top": False,
                         "axes.spines.right": False})


def publish_figure(name: str, fig: Any) -> None:
    """Glue ``fig`` as ``name`` and close it: the page shows it where a
    ``{glue:figure} name`` directive (with its name, alt text and caption) stands."""
    from myst_nb import glue

    glue(name, fig, display=False)
    plt.close(fig)


def text_colour(image: Any, value: float) -> str:
    """Black or white, whichever reads on the colour ``image`` (an ``AxesImage``)
    paints ``value`` with: white on dark cells, black on light ones."""
    red, green, blue, _ = image.cmap(image.norm(value))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue  # sRGB weights
    return "white" if luminance < 0.5 else "black"


def label_cells(ax: Any, image: Any, values: np.ndarray, fmt: str = "{:g}",
                shown: np.ndarray | None = None, **style: Any) -> None:
    """Write each of ``values`` on its cell of ``image`` (drawn from ``shown``, by
    default the values themselves), in the colour that reads on that cell."""
    shown = values if shown is None else shown
    for (i, j), value in np.ndenumerate(values):
        ax.text(j, i, fmt.format(value), ha="center", va="center",
                color=text_colour(image, shown[i, j]), **style)


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
