"""Files a chapter publishes into the site: the classifier file the digit reader runs (safetensors, float32,
stamped with the build's fingerprint), how a chapter publishes it, and how the build serves it."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import safetensors.numpy
from sitebuild import ROOT, Site, published_files_disagreeing_with_the_manifest
from sphinx.errors import ExtensionError

import tinytorch as tt
from tinytorch import nn
from tinytorch.files import DamagedFile

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import tinytorch_book.files  # noqa: E402
from tinytorch_book.classifier import (  # noqa: E402
    classifier_bytes,
    layers_of,
    publish_classifier,
    read_classifier,
    seal,
)
from tinytorch_site.published import install, published_files  # noqa: E402

FINGERPRINT = "f" * 64


def mlp() -> nn.Sequential:
    tt.manual_seed(0)
    return nn.Sequential(nn.Linear(784, 16), nn.ReLU(), nn.Linear(16, 10))


def images(count: int, shape: tuple[int, ...] = (784,)) -> np.ndarray:
    return np.random.default_rng(0).random((count, *shape), dtype=np.float32)


def written(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "net.safetensors"
    path.write_bytes(data)
    return path


@pytest.fixture
def build_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """The environment a build gives a chapter's kernel; what the chapter glues lands in the returned dict."""
    glued: dict = {}
    monkeypatch.setenv(tinytorch_book.files.FOLDER_VARIABLE, str(tmp_path / "published"))
    monkeypatch.setenv(tinytorch_book.files.FINGERPRINT_VARIABLE, FINGERPRINT)
    monkeypatch.setattr(tinytorch_book.files, "publish", glued.__setitem__)
    return glued


def test_a_classifier_file_round_trips_the_network_and_its_samples(tmp_path: Path) -> None:
    model, x = mlp(), images(5)
    data = classifier_bytes(model, "784-16-10 MLP", x[:3], [4, 0, 9], FINGERPRINT, about={"test_accuracy": 0.5})
    read = read_classifier(written(tmp_path, data))
    checksum = read.metadata.pop("sha256")
    assert checksum == hashlib.sha256(data.replace(checksum.encode(), b"-" * 64)).hexdigest()
    assert read.metadata == {
        "format": "tinytorch-classifier",
        "format_version": "2",
        "fingerprint": FINGERPRINT,
        "title": "784-16-10 MLP",
        "layers": [
            {"type": "linear", "weight": "0.weight", "bias": "0.bias"},
            {"type": "relu"},
            {"type": "linear", "weight": "2.weight", "bias": "2.bias"},
        ],
        "input": {"image": [28, 28], "shape": [784], "mean": 0.0, "std": 1.0},
        "classes": [str(i) for i in range(10)],
        "sample_labels": [4, 0, 9],
        "about": {"test_accuracy": 0.5},
    }
    assert {k: (v.dtype, v.shape) for k, v in read.tensors.items()} == {
        "0.weight": (np.float32, (16, 784)),
        "0.bias": (np.float32, (16,)),
        "2.weight": (np.float32, (10, 16)),
        "2.bias": (np.float32, (10,)),
        "samples": (np.float32, (3, 28, 28)),
    }
    np.testing.assert_array_equal(read.tensors["samples"].reshape(3, 784), x[:3])
    np.testing.assert_array_equal(tt.predict(read.model(), x), tt.predict(model, x))


def test_a_network_on_images_keeps_its_input_shape(tmp_path: Path) -> None:
    tt.manual_seed(1)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10, bias=False))
    x = images(2, (1, 28, 28))
    read = read_classifier(written(tmp_path, classifier_bytes(model, "linear", x, [1, 2], FINGERPRINT)))
    assert read.metadata["input"] == {"image": [28, 28], "shape": [1, 28, 28], "mean": 0.0, "std": 1.0}
    assert read.metadata["layers"] == [{"type": "flatten"}, {"type": "linear", "weight": "1.weight", "bias": None}]
    np.testing.assert_array_equal(tt.predict(read.model(), x), tt.predict(model, x))


def test_a_convolutional_network_trained_on_standardized_images_round_trips(tmp_path: Path) -> None:
    """The file keeps the images as images (pixels in [0, 1], what the page paints) and the standardization the
    network expects; `inputs` makes them the network's inputs again."""
    tt.manual_seed(2)
    model = nn.Sequential(nn.Conv2d(1, 3, (3, 2), stride=(2, 1), padding=(1, 0)), nn.ReLU(),
                          nn.MaxPool2d((2, 3), stride=(1, 2)), nn.Conv2d(3, 2, 3, bias=False), nn.Flatten(), nn.Linear(2 * 11 * 11, 10))
    x = images(3, (1, 28, 28))
    read = read_classifier(written(tmp_path, classifier_bytes(model, "cnn", x, [0, 1, 2], FINGERPRINT, standardization=(0.25, 0.5))))
    assert read.metadata["input"] == {"image": [28, 28], "shape": [1, 28, 28], "mean": 0.25, "std": 0.5}
    assert read.metadata["layers"][:4] == [
        {"type": "conv2d", "weight": "0.weight", "bias": "0.bias", "stride": [2, 1], "padding": [1, 0]},
        {"type": "relu"},
        {"type": "maxpool2d", "kernel": [2, 3], "stride": [1, 2]},
        {"type": "conv2d", "weight": "3.weight", "bias": None, "stride": [1, 1], "padding": [0, 0]},
    ]
    np.testing.assert_array_equal(read.tensors["samples"].reshape(3, 1, 28, 28), x)
    np.testing.assert_array_equal(read.inputs(read.tensors["samples"]), (x - 0.25) / 0.5)
    np.testing.assert_array_equal(tt.predict(read.model(), read.inputs(x)), tt.predict(model, (x - 0.25) / 0.5))


def test_the_header_is_safetensors_with_string_metadata_and_aligned_float32_data() -> None:
    data = classifier_bytes(mlp(), "MLP", images(2), [0, 1], FINGERPRINT)
    length = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + length])
    assert (8 + length) % 8 == 0, "the data must start aligned, for Float32Array views"
    assert all(isinstance(v, str) for v in header.pop("__metadata__").values())
    assert {spec["dtype"] for spec in header.values()} == {"F32"}
    end = max(spec["data_offsets"][1] for spec in header.values())
    assert len(data) == 8 + length + end
    assert set(safetensors.numpy.load(data)) == set(header)


def test_publishing_stamps_the_builds_fingerprint_and_records_the_file(tmp_path: Path, build_env: dict) -> None:
    record = publish_classifier("mnist-mlp.safetensors", mlp(), "MLP", images(2), [3, 7])
    path = tmp_path / "published" / "mnist-mlp.safetensors"
    assert read_classifier(path).metadata["fingerprint"] == FINGERPRINT
    data = path.read_bytes()
    assert record == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), "fingerprint": FINGERPRINT}
    assert build_env == {"tinytorch_book_file:mnist-mlp.safetensors": record}


def test_publishing_outside_a_build_or_under_a_bad_name_is_refused(build_env: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("../escape.bin", "Weights.bin", "a/b.bin", ""):
        with pytest.raises(ValueError, match="must be a plain file name"):
            tinytorch_book.files.publish_file(name, b"data")
    with pytest.raises(TypeError, match="not bytes"):
        tinytorch_book.files.publish_file("a.bin", "text")
    monkeypatch.delenv(tinytorch_book.files.FOLDER_VARIABLE)
    with pytest.raises(RuntimeError, match="TINYTORCH_SITE_PUBLISHED is not set.*make site"):
        tinytorch_book.files.publish_file("a.bin", b"data")
    assert build_env == {}


@pytest.mark.parametrize(
    ("model", "samples", "labels", "message"),
    [
        (nn.Sequential(nn.Linear(784, 10), nn.Tanh()), images(1), [0], "layer 1 is a Tanh, which the browser's forward pass does not run"),
        (nn.Linear(784, 10), images(1), [0], "the model is a Linear"),
        (mlp(), images(1).astype(np.float64), [0], "samples must be float32"),
        (mlp(), images(1, (100,)), [0], r"an input of shape \(100,\) does not hold one image of shape \(28, 28\)"),
        (mlp(), images(2), [0], "2 samples but 1 labels"),
        (mlp(), images(1) - 0.5, [0], r"pixels in \[0, 1\], got values from -0.\d+ to 0.\d+; pass standardized"),
        (nn.Sequential(nn.AvgPool2d(2), nn.Flatten()), images(1, (1, 28, 28)), [0], "layer 0 is a AvgPool2d"),
    ],
)
def test_what_the_browser_could_not_run_is_refused(model: nn.Module, samples: np.ndarray, labels: list, message: str) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        classifier_bytes(model, "net", samples, labels, FINGERPRINT)
    with pytest.raises(ValueError, match="the standardization's std must be positive, got 0.0"):
        classifier_bytes(mlp(), "net", images(1), [0], FINGERPRINT, standardization=(0.5, 0))


def test_a_safetensors_file_of_another_kind_is_not_read_as_a_classifier(tmp_path: Path) -> None:
    data = safetensors.numpy.save({"w": np.zeros(2, np.float32)}, metadata={"format": "pt"})
    with pytest.raises(ValueError, match="is not a tinytorch-classifier file of version 2"):
        read_classifier(written(tmp_path, data))


def tiny_file(**metadata: str) -> bytes:
    """A whole classifier file of a network on 2x2 images, its metadata changed by ``metadata``."""
    tt.manual_seed(0)
    data = classifier_bytes(nn.Sequential(nn.Linear(4, 2)), "tiny", images(2, (4,)), [0, 1], FINGERPRINT, (2, 2))
    if not metadata:
        return data
    length = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + length])
    tensors = {name: safetensors.numpy.load(data)[name] for name in header if name != "__metadata__"}
    return seal(safetensors.numpy.save(tensors, metadata=header["__metadata__"] | {"sha256": "-" * 64} | metadata))


def nan_weights() -> bytes:
    data = tiny_file()
    tensors = safetensors.numpy.load(data)
    tensors["0.weight"][0, 0] = np.nan
    length = int.from_bytes(data[:8], "little")
    metadata = json.loads(data[8 : 8 + length])["__metadata__"] | {"sha256": "-" * 64}
    return seal(safetensors.numpy.save(tensors, metadata=metadata))


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda data: data[:-10], "it is cut short: its header describes 736 bytes, it holds 726"),
        (lambda data: data[:100], "its header does not fit in its 100 bytes (cut short, or another kind of file)"),
        (lambda data: b"", "its header does not fit in its 0 bytes (cut short, or another kind of file)"),
        (lambda data: b"\x89PNG\r\n\x1a\n" + bytes(200), "its header does not fit in its 208 bytes (cut short, or another kind of file)"),
        (lambda data: data[:-1] + bytes([data[-1] ^ 1]), "its bytes are not the ones its checksum was computed from"),
        (lambda data: data[:8] + b"#" + data[9:], "its header is damaged (not JSON)"),
        (lambda data: tiny_file(layers='[{"type": "linear", "weight": "0.weight", "bias": "9.bias"}]'),
         "its layers name the tensor '9.bias', which it does not hold"),
        (lambda data: nan_weights(), "the tensor '0.weight' holds NaN or infinite values"),
    ],
    ids=["truncated", "cut in its header", "empty", "another kind of file", "a flipped byte", "a damaged header", "a listed tensor missing",
         "NaN weights"],
)
def test_a_damaged_classifier_file_is_named_and_called_damaged(tmp_path: Path, damage, problem: str) -> None:
    path = written(tmp_path, damage(tiny_file()))
    with pytest.raises(DamagedFile) as err:
        read_classifier(path)
    assert str(err.value) == f"{path} is damaged: {problem}. Publish it again: build the site (`make site`)."


def test_every_flipped_byte_of_a_classifier_file_is_caught(tmp_path: Path) -> None:
    good = tiny_file()
    path = written(tmp_path, good)
    for i in range(len(good)):
        bad = bytearray(good)
        bad[i] ^= 0x10
        path.write_bytes(bad)
        with pytest.raises(DamagedFile, match="is damaged: "):
            read_classifier(path)


def test_a_network_that_diverged_is_not_published() -> None:
    model = mlp()
    model[0].weight._data[0, 0] = np.inf
    with pytest.raises(ValueError, match="0.weight holds NaN or infinite values; a network that diverged"):
        classifier_bytes(model, "MLP", images(1), [0], FINGERPRINT)


def test_layers_of_names_each_parameter_as_the_state_dict_does() -> None:
    model = mlp()
    names = {v for layer in layers_of(model) for k, v in layer.items() if k in ("weight", "bias")}
    assert names == set(model.state_dict())


# --- serving them --------------------------------------------------------------------------------------------


def records(folder: Path, files: dict[str, bytes], fingerprint: str = FINGERPRINT) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return {
        name: ("book/page", {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), "fingerprint": fingerprint})
        for name, data in files.items()
    }


def test_the_build_serves_exactly_the_published_files(tmp_path: Path) -> None:
    source, target = tmp_path / "build", tmp_path / "html" / "published"
    target.mkdir(parents=True)
    (target / "renamed-long-ago.bin").write_bytes(b"old")
    install(records(source, {"a.bin": b"A", "b.bin": b"B"}), source, target, FINGERPRINT)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == {"a.bin": b"A", "b.bin": b"B"}


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda path: path.unlink(), "is gone while the page's executed result was kept"),
        (lambda path: path.write_bytes(b"other"), "SHA-256 differs"),
    ],
)
def test_a_published_file_that_is_not_the_pages_fails_the_build(tmp_path: Path, damage, message: str) -> None:
    source = tmp_path / "build"
    files = records(source, {"a.bin": b"A"})
    damage(source / "a.bin")
    with pytest.raises(ExtensionError, match=message):
        install(files, source, tmp_path / "html", FINGERPRINT)


def test_a_file_from_other_sources_fails_the_build(tmp_path: Path) -> None:
    source = tmp_path / "build"
    with pytest.raises(ExtensionError, match="from other sources than this build's"):
        install(records(source, {"a.bin": b"A"}, "0" * 64), source, tmp_path / "html", FINGERPRINT)


def test_two_pages_may_not_publish_the_same_name() -> None:
    record = {"bytes": 1, "sha256": "", "fingerprint": FINGERPRINT}
    env = SimpleNamespace(tinytorch_pages={"book/a": {"files": {"x.bin": record}}, "book/b": {"files": {"x.bin": record}}})
    with pytest.raises(ExtensionError, match="book/b and book/a both publish x.bin"):
        published_files(env)
    env.tinytorch_pages["book/b"]["files"] = {"y.bin": record}
    assert published_files(env) == {"x.bin": ("book/a", record), "y.bin": ("book/b", record)}


def test_the_site_tests_notice_a_served_file_that_is_not_the_published_one(tmp_path: Path) -> None:
    record = {"bytes": 1, "sha256": hashlib.sha256(b"A").hexdigest(), "fingerprint": FINGERPRINT}
    manifest = {"fingerprint": FINGERPRINT, "pages": {"book/a": {"files": {"a.bin": record}}}}

    def served(files: dict[str, bytes], fingerprint: str = FINGERPRINT) -> list[str]:
        site = Site(tmp_path, "", manifest | {"fingerprint": fingerprint}, {}, files)
        return published_files_disagreeing_with_the_manifest(site)

    assert served({"a.bin": b"A"}) == []
    assert served({"a.bin": b"B"}) == ["a.bin: the served file's size or SHA-256 is not the manifest's"]
    assert served({}) == ["a.bin was published but is not served"]
    assert served({"a.bin": b"A", "b.bin": b""}) == ["b.bin is served but no page published it"]
    assert served({"a.bin": b"A"}, "0" * 64) == ["a.bin comes from other sources than this build's"]
