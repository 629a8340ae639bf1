"""Pictures of weights: patches tiled into one grey image, written as a PNG."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from tinytorch import Tensor
from tinytorch.files import write_atomically


def image_grid(patches: np.ndarray | Tensor, columns: int) -> np.ndarray:
    """Patches (N, h, w), an array or a tensor outside the graph (e.g. a weight's
    `.detach()`), tiled `columns` per row with 1-pixel white gaps, each scaled to
    its own min..max, as a uint8 image.

    Per-patch scaling makes every unit's pattern visible, whatever the size of its
    weights (a constant patch comes out black).
    """
    patches = np.asarray(patches)
    n, h, w = patches.shape
    rows = -(-n // columns)
    low = patches.min(axis=(1, 2), keepdims=True)
    span = patches.max(axis=(1, 2), keepdims=True) - low
    scaled = np.round((patches - low) / np.where(span > 0, span, 1) * 255)
    grid = np.full((rows * (h + 1) + 1, columns * (w + 1) + 1), 255, np.uint8)
    for i, patch in enumerate(scaled.astype(np.uint8)):
        top, left = 1 + (i // columns) * (h + 1), 1 + (i % columns) * (w + 1)
        grid[top : top + h, left : left + w] = patch
    return grid


def write_png(path: str | Path, image: np.ndarray) -> None:
    """Write a 2-D uint8 image as a greyscale PNG, whole or not at all."""
    if image.ndim != 2 or image.dtype != np.uint8:
        raise ValueError(
            f"write_png needs a 2-D uint8 image, got shape {image.shape} "
            f"and dtype {image.dtype}"
        )
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    write_atomically(path, buffer.getvalue())
