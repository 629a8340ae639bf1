"""A trained image classifier as one file the browser runs: the digit reader on the
MNIST page fetches it and repeats the network's forward pass in JavaScript.

The file is a `safetensors <https://huggingface.co/docs/safetensors>`_ file: an
8-byte little-endian header length, a JSON header, then the raw little-endian data.
Every tensor is float32 and named as in the model's ``state_dict()``; the samples
(a few test images to try with one click) are the tensor ``samples``. The header's
``__metadata__`` (strings only, so the structured values are JSON text) says:

- ``format``, ``format_version``: ``tinytorch-classifier``, ``2`` (version 2 added
  the input's ``mean`` and ``std``, which a reader of version 1 would ignore);
- ``fingerprint``: the sources fingerprint of the build that trained it
  (``manifest.json`` records the same);
- ``title``: what the page calls the network, e.g. ``784-128-10 MLP``;
- ``layers``: the forward pass in order, e.g. ``{"type": "linear", "weight":
  "0.weight", "bias": "0.bias"}``, ``{"type": "relu"}``, ``{"type": "flatten"}``,
  ``{"type": "conv2d", "weight": "0.weight", "bias": "0.bias", "stride": [1, 1],
  "padding": [2, 2]}``, ``{"type": "maxpool2d", "kernel": [2, 2], "stride": [2, 2]}``
  (as PyTorch's Linear, ReLU, Flatten, Conv2d and MaxPool2d; images are channels x
  height x width);
- ``input``: ``{"image": [28, 28], "shape": [1, 28, 28], "mean": m, "std": s}``: the
  image, pixels in [0, 1], ink high, row by row from the top (as ``load_mnist`` gives
  them), becomes ``(image - mean) / std`` (the standardization the network was
  trained with; 0 and 1 for none), is reshaped to ``shape`` and fed to the first
  layer;
- ``classes``: the name of each output; ``sample_labels``: each sample's true class;
- ``about``: what the chapter adds (its test accuracy, settings, ...);
- ``sha256``: the SHA-256 of the whole file as written with 64 dashes in place of
  this value, so that `read_classifier` tells a damaged file from a whole one (the
  page checks the SHA-256 that ``manifest.json`` records instead).

book/_assets/digit-reader/network.mjs reads it; a layer type new here must be added
there too.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import safetensors
import safetensors.numpy
from safetensors import SafetensorError

import tinytorch as tt
from tinytorch import nn
from tinytorch.files import DamagedFile

from .files import build_fingerprint, publish_file

FORMAT, VERSION = "tinytorch-classifier", "2"
SAMPLES = "samples"
JSON_FIELDS = ("layers", "input", "classes", "sample_labels", "about")
# the layers without parameters, by their type in the header
PLAIN_LAYERS: dict[str, type[nn.Module]] = {"relu": nn.ReLU, "flatten": nn.Flatten}
KNOWN = "Linear, ReLU, Flatten, Conv2d and MaxPool2d"
UNSEALED = "-" * 64  # the checksum's place while the file's SHA-256 is computed
REMEDY = "Publish it again: build the site (`make site`)."


@dataclass(frozen=True)
class Classifier:
    """A classifier file, read back: its metadata (JSON fields decoded) and tensors."""

    metadata: dict[str, Any]
    tensors: dict[str, np.ndarray]

    def model(self) -> nn.Sequential:
        """The network as tinytorch modules, holding the file's weights."""
        layers: list[nn.Module] = []
        for layer in self.metadata["layers"]:
            kind = layer["type"]
            if kind in ("linear", "conv2d"):
                out_size, in_size, *kernel = self.tensors[layer["weight"]].shape
                bias = layer["bias"] is not None
                layers.append(
                    nn.Linear(in_size, out_size, bias=bias) if kind == "linear"
                    else nn.Conv2d(in_size, out_size, tuple(kernel), layer["stride"],
                                   layer["padding"], bias=bias))  # fmt: skip
            elif kind == "maxpool2d":
                layers.append(nn.MaxPool2d(layer["kernel"], layer["stride"]))
            else:
                layers.append(PLAIN_LAYERS[kind]())
        model = nn.Sequential(*layers)
        model.load_state_dict({name: tt.from_numpy(self.tensors[name])
                               for name in model.state_dict()})
        return model

    def inputs(self, images: np.ndarray) -> np.ndarray:
        """The model's inputs for ``images`` (pixels in [0, 1], any shape holding
        whole images): standardized as in training, reshaped to the input shape."""
        source = self.metadata["input"]
        standardized = (np.asarray(images, np.float32) - source["mean"]) / source["std"]
        return standardized.astype(np.float32).reshape(-1, *source["shape"])


def classifier_bytes(model: nn.Sequential, title: str, samples: np.ndarray,
                     sample_labels: Sequence[int], fingerprint: str,
                     image_shape: tuple[int, ...] = (28, 28),
                     about: dict[str, Any] | None = None,
                     standardization: tuple[float, float] = (0.0, 1.0)) -> bytes:
    """The file's content. ``samples`` are images shaped as the model's inputs,
    ``(k, *input)``, pixels in [0, 1]; the input shape is theirs and must hold exactly
    one image of ``image_shape``. The model reads ``(image - mean) / std``, with
    ``(mean, std) = standardization`` (the training set's, if it was trained so)."""
    samples = np.asarray(samples)
    if samples.ndim < 2 or samples.dtype != np.float32:
        raise ValueError(f"classifier_bytes: samples must be float32 images shaped "
                         f"(k, *input), got {samples.dtype} {samples.shape}")
    if samples.size and not 0 <= samples.min() <= samples.max() <= 1:
        raise ValueError(f"classifier_bytes: samples must be images with pixels in "
                         f"[0, 1], got values from {samples.min()} to {samples.max()}; "
                         f"pass standardized inputs' mean and std as standardization")
    mean, std = (float(value) for value in standardization)
    if not std > 0:
        raise ValueError(f"classifier_bytes: the standardization's std must be "
                         f"positive, got {std}")
    input_shape = samples.shape[1:]
    if np.prod(input_shape) != np.prod(image_shape):
        raise ValueError(f"classifier_bytes: an input of shape {input_shape} does not "
                         f"hold one image of shape {image_shape}")
    if len(sample_labels) != len(samples):
        raise ValueError(f"classifier_bytes: {len(samples)} samples but "
                         f"{len(sample_labels)} labels")
    tensors = {name: np.ascontiguousarray(value, dtype=np.float32)
               for name, value in model.state_dict().items()}
    for name, value in tensors.items():
        if not np.isfinite(value).all():
            raise ValueError(f"classifier_bytes: {name} holds NaN or infinite values; "
                             f"a network that diverged must not be published")
    first = np.divide(samples[:1] - mean, std, dtype=np.float32)
    outputs = tt.predict(model, first).shape[-1]  # the samples fit the model
    tensors[SAMPLES] = np.ascontiguousarray(samples.reshape(-1, *image_shape))
    metadata = {
        "format": FORMAT,
        "format_version": VERSION,
        "fingerprint": fingerprint,
        "title": title,
        "layers": layers_of(model),
        "input": {"image": list(image_shape), "shape": list(input_shape),
                  "mean": mean, "std": std},
        "classes": [str(i) for i in range(outputs)],
        "sample_labels": [int(label) for label in sample_labels],
        "about": about or {},
        "sha256": UNSEALED,
    }
    text = {k: json.dumps(v) if k in JSON_FIELDS else v for k, v in metadata.items()}
    return seal(safetensors.numpy.save(tensors, metadata=text))


def seal(data: bytes) -> bytes:
    """The file ``data`` with its checksum (metadata ``sha256``, written as 64
    dashes) filled in."""
    if data.count(UNSEALED.encode()) != 1:
        raise ValueError(f"seal: the file must hold {UNSEALED}, the checksum's "
                         f"place, exactly once (is it in the title or about?)")
    return data.replace(UNSEALED.encode(), hashlib.sha256(data).hexdigest().encode())


def publish_classifier(name: str, model: nn.Sequential, title: str,
                       samples: np.ndarray, sample_labels: Sequence[int],
                       image_shape: tuple[int, ...] = (28, 28),
                       about: dict[str, Any] | None = None,
                       standardization: tuple[float, float] = (0.0, 1.0),
                       ) -> dict[str, Any]:
    """Publish ``model`` as the site's ``published/<name>`` (see `classifier_bytes`),
    stamped with this build's fingerprint; returns the manifest's record."""
    data = classifier_bytes(model, title, samples, sample_labels,
                            build_fingerprint(), image_shape, about, standardization)
    return publish_file(name, data)


def read_classifier(path: str | Path) -> Classifier:
    """Read a classifier file, checking its format; a `DamagedFile` names a file
    that is not whole (its checksum, header or tensors do not hold together)."""
    data = Path(path).read_bytes()
    with _damage_named(path):
        metadata = _metadata(data)
        digest = metadata.get("sha256")
        if digest is not None:
            _check_sum(data, digest)
    if (metadata.get("format"), metadata.get("format_version")) != (FORMAT, VERSION):
        raise ValueError(f"read_classifier: {path} is not a {FORMAT} file of version "
                         f"{VERSION} (its metadata: {metadata})")
    with _damage_named(path):
        if digest is None:
            raise ValueError("it carries no checksum")
        tensors = safetensors.numpy.load(data)
        for key in JSON_FIELDS:
            if key not in metadata:
                raise ValueError(f"its metadata has no {key!r}")
            metadata[key] = json.loads(metadata[key])
        _check_tensors(metadata, tensors)
    return Classifier(metadata, tensors)


@contextlib.contextmanager
def _damage_named(path: str | Path) -> Iterator[None]:
    """Any error in reading the file becomes one `DamagedFile` naming it."""
    try:
        yield
    except (ValueError, KeyError, TypeError, AttributeError, SafetensorError) as err:
        raise DamagedFile(path, str(err), REMEDY) from None


def _metadata(data: bytes) -> dict[str, Any]:
    """The header's metadata; ValueError for a header that is not one."""
    length = int.from_bytes(data[:8], "little") if len(data) >= 8 else -1
    if not 2 <= length <= len(data) - 8:
        raise ValueError(f"its header does not fit in its {len(data):,} bytes "
                         f"(cut short, or another kind of file)")
    try:
        header = json.loads(data[8 : 8 + length])
    except ValueError:
        raise ValueError("its header is damaged (not JSON)") from None
    if not isinstance(header, dict) or not isinstance(header.get("__metadata__"),
                                                      dict):
        raise ValueError("its header holds no metadata")
    described = 8 + length + max((spec["data_offsets"][1] for name, spec in
                                  header.items() if name != "__metadata__"),
                                 default=0)  # fmt: skip
    if described > len(data):
        raise ValueError(f"it is cut short: its header describes {described:,} "
                         f"bytes, it holds {len(data):,}")
    return dict(header["__metadata__"])


def _check_sum(data: bytes, digest: str) -> None:
    unsealed = data.replace(digest.encode(), UNSEALED.encode(), 1)
    if hashlib.sha256(unsealed).hexdigest() != digest:
        raise ValueError("its bytes are not the ones its checksum was computed from")


def _check_tensors(metadata: dict[str, Any], tensors: dict[str, np.ndarray]) -> None:
    """Every tensor a layer names is there, and finite."""
    names = [layer.get(key) for layer in metadata["layers"]
             for key in ("weight", "bias")]  # fmt: skip
    for name in [SAMPLES, *(name for name in names if name is not None)]:
        if name not in tensors:
            raise ValueError(f"its layers name the tensor {name!r}, which it does "
                             f"not hold")
    for name, value in tensors.items():
        if not np.isfinite(value).all():
            raise ValueError(f"the tensor {name!r} holds NaN or infinite values")


def _pair(value: int | tuple[int, int]) -> list[int]:
    """A layer's setting as [h, w] (PyTorch keeps an int as given)."""
    if isinstance(value, str):
        raise ValueError(f"the browser's layers take padding as numbers, not {value!r}")
    return list(value) if isinstance(value, tuple | list) else [value, value]


def layers_of(model: nn.Sequential) -> list[dict[str, Any]]:
    """The header's list of layers: what the browser's forward pass runs."""
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"layers_of: the model is a {type(model).__name__}; the "
                        f"browser runs an nn.Sequential of {KNOWN}")
    layers: list[dict[str, Any]] = []
    for i, layer in enumerate(model):
        if type(layer) in (nn.Linear, nn.Conv2d):
            bias = f"{i}.bias" if layer.bias is not None else None
            kind = "linear" if isinstance(layer, nn.Linear) else "conv2d"
            layers.append({"type": kind, "weight": f"{i}.weight", "bias": bias})
            if kind == "conv2d":
                layers[-1].update(stride=_pair(layer.stride),
                                  padding=_pair(layer.padding))
        elif type(layer) is nn.MaxPool2d:
            layers.append({"type": "maxpool2d", "kernel": _pair(layer.kernel_size),
                           "stride": _pair(layer.stride)})
        elif type(layer) in PLAIN_LAYERS.values():
            names = {kind: name for name, kind in PLAIN_LAYERS.items()}
            layers.append({"type": names[type(layer)]})
        else:
            raise ValueError(
                f"layers_of: layer {i} is a {type(layer).__name__}, which the "
                f"browser's forward pass does not run (it knows {KNOWN}); add it "
                f"here and to book/_assets/digit-reader/network.mjs")
    return layers
