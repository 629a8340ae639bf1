"""Every way a data file can be bad is a DatasetError naming the file, the checksum
and the fix, found before a replaced file is decompressed; nothing half-written stays."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from datafiles import files_in, idx_bytes, write_idx

import tinytorch as tt
from tinytorch import nn
from tinytorch.datasets import (
    MNIST_FILES,
    DatasetError,
    IdxFile,
    load_mnist,
    load_tinydigits,
    read_idx,
)
from tinytorch.datasets import mnist as mnist_module
from tinytorch.datasets import tinydigits as tinydigits_module
from tinytorch.files import remove_stale_temp_files, write_atomically

REPO_PATH = "tinytorch/datasets/data/mnist/train-images-idx3-ubyte.gz"


@pytest.fixture
def source(tmp_path: Path) -> tuple[Path, IdxFile]:
    images = np.random.default_rng(0).integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    path = tmp_path / "src" / "train-images-idx3-ubyte.gz"
    path.parent.mkdir()
    return path, write_idx(path, idx_bytes(images))


def error_of(path: Path, spec: IdxFile, cache: Path | None = None) -> str:
    with pytest.raises(DatasetError) as err:
        read_idx(path, spec, REPO_PATH, cache)
    message = str(err.value)
    assert str(path) in message, "the message must name the file"
    assert f"git checkout -- {REPO_PATH}" in message, "and say how to restore it"
    return message


def never_decompress(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(data: bytes) -> bytes:
        raise AssertionError("a file with the wrong checksum was decompressed")

    monkeypatch.setattr(gzip, "decompress", refuse)


def test_missing_file(source: tuple[Path, IdxFile]) -> None:
    path, spec = source
    path.unlink()
    message = error_of(path, spec)
    assert "file not found" in message and spec.sha256_gz in message


def test_a_folder_where_the_file_should_be(source: tuple[Path, IdxFile]) -> None:
    path, spec = source
    path.unlink()
    path.mkdir()
    assert "a folder, not a file" in error_of(path, spec)


def test_unreadable_file(
    source: tuple[Path, IdxFile], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root reads any file whatever its mode, so the denial is simulated."""
    path, spec = source
    real = Path.read_bytes

    def denied(self: Path) -> bytes:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(DatasetError) as err:
        read_idx(path, spec, REPO_PATH)
    message = str(err.value)
    assert str(path) in message and "Permission denied" in message
    assert "chmod a+r" in message and spec.sha256_gz in message


@pytest.mark.parametrize(
    "damage", ["truncated", "flipped byte", "replaced", "oversized"]
)
def test_damaged_files_are_refused_before_decompressing(
    source: tuple[Path, IdxFile], monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    path, spec = source
    packed = bytearray(path.read_bytes())
    if damage == "truncated":
        packed = packed[:-100]
    elif damage == "flipped byte":
        packed[len(packed) // 2] ^= 0x01
    elif damage == "replaced":  # a valid gzip of another IDX file
        packed = bytearray(gzip.compress(idx_bytes(np.ones((5, 28, 28))), mtime=0))
    else:  # 4 kB that would inflate to 64 MB
        packed = bytearray(gzip.compress(bytes(64 * 2**20), mtime=0))
    path.write_bytes(packed)
    never_decompress(monkeypatch)
    message = error_of(path, spec)
    assert spec.sha256_gz in message and hashlib.sha256(packed).hexdigest() in message


def test_a_bundled_file_whose_content_lies_is_refused_by_its_md5(
    source: tuple[Path, IdxFile],
) -> None:
    """The .gz has the listed SHA-256, yet its content is not the published file."""
    path, spec = source
    raw = bytearray(gzip.decompress(path.read_bytes()))
    raw[-1] ^= 0x01
    lying = write_idx(path, bytes(raw))
    message = error_of(path, IdxFile(lying.sha256_gz, spec.md5, spec.shape))
    assert "published MD5" in message and spec.md5 in message and lying.md5 in message


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (idx_bytes(np.zeros((5, 28, 28)), magic=2049), "IDX magic number is 2049, expected 2051"),
        (idx_bytes(np.zeros((4, 28, 28))), "IDX header says shape (4, 28, 28), expected (5, 28, 28)"),
        (idx_bytes(np.zeros((5, 28, 28))) + b"\0", "3937 bytes after decompression, the header implies 3936"),
        (b"\0\0\x08", "only 3 bytes, shorter than an IDX header"),
    ],
)  # fmt: skip
def test_bad_header_or_length_is_explained(
    tmp_path: Path, raw: bytes, problem: str
) -> None:
    path = tmp_path / "train-images-idx3-ubyte.gz"
    spec = write_idx(path, raw)
    message = error_of(path, IdxFile(spec.sha256_gz, "0" * 32, (5, 28, 28)))
    assert f"Data file {path}: {problem}." in message


def test_load_mnist_names_the_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DatasetError) as err:
        load_mnist(root=tmp_path, cache_dir=tmp_path / "cache")
    path = tmp_path / "train-images-idx3-ubyte.gz"
    assert f"Data file {path}: file not found" in str(err.value)
    assert MNIST_FILES[path.name].sha256_gz in str(err.value)


def test_tinydigits_damaged_or_missing_file_is_named_with_checksums(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = (tinydigits_module.DATA_DIR / "tinydigits.npz").read_bytes()
    monkeypatch.setattr(tinydigits_module, "DATA_DIR", tmp_path)
    path = tmp_path / "tinydigits.npz"
    with pytest.raises(DatasetError) as missing:
        load_tinydigits()
    assert str(path) in str(missing.value) and "file not found" in str(missing.value)
    assert tinydigits_module.TINYDIGITS_SHA256 in str(missing.value)

    damaged = bytearray(good)
    damaged[len(damaged) // 2] ^= 0xFF
    path.write_bytes(damaged)
    with pytest.raises(DatasetError) as err:
        load_tinydigits()
    message = str(err.value)
    assert tinydigits_module.TINYDIGITS_SHA256 in message
    assert hashlib.sha256(damaged).hexdigest() in message
    assert "git checkout -- tinytorch/datasets/data/tinydigits.npz" in message
    path.write_bytes(good)
    assert load_tinydigits()[0].shape == (1000, 64)


# ----------------------------------------------------------- nothing half-written


class Crash(Exception):
    pass


@pytest.mark.parametrize(
    "error", [OSError(28, "No space left on device"), Crash("killed")]
)
def test_failed_cache_write_leaves_nothing_behind(
    source: tuple[Path, IdxFile],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
) -> None:
    path, spec = source
    cache = tmp_path / "cache"
    real_open = open

    def half_writer(file: object, mode: str = "r", *args: object, **kwargs: object):
        handle = real_open(file, mode, *args, **kwargs)
        if "x" in mode:

            def write(data: bytes) -> None:
                handle.raw.write(data[: len(data) // 2])
                raise error

            handle.write = write
        return handle

    monkeypatch.setattr("builtins.open", half_writer)
    if isinstance(error, OSError):  # a full disk only costs the cache
        assert read_idx(path, spec, REPO_PATH, cache).shape == (5, 28, 28)
    else:
        with pytest.raises(Crash):
            read_idx(path, spec, REPO_PATH, cache)
    assert files_in(cache) == []
    assert files_in(path.parent) == [path.name]


def test_a_killed_writers_temp_file_is_removed(
    source: tuple[Path, IdxFile], tmp_path: Path
) -> None:
    path, spec = source
    cache = tmp_path / "cache"
    cache.mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    leftover = cache / f".train-images-idx3-ubyte.x.{dead}.0123abcd.tmp"
    leftover.write_bytes(b"half of a file")
    alive = cache / f".other.{os.getpid()}.89abcdef.tmp"  # this process still writes it
    alive.write_bytes(b"in progress")
    read_idx(path, spec, REPO_PATH, cache)
    assert not leftover.exists() and alive.exists()


def test_write_atomically_replaces_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    write_atomically(target, "new")
    assert target.read_text() == "new" and files_in(tmp_path) == ["out.json"]
    with pytest.raises(FileNotFoundError):
        write_atomically(tmp_path / "missing" / "out.json", b"x")
    assert remove_stale_temp_files(tmp_path) == []


def test_bundled_mnist_with_a_flipped_byte_names_the_fix(tmp_path: Path) -> None:
    name = "t10k-labels-idx1-ubyte.gz"
    packed = bytearray((mnist_module.DATA_DIR / "mnist" / name).read_bytes())
    packed[len(packed) // 2] ^= 0x01
    (tmp_path / name).write_bytes(packed)
    with pytest.raises(DatasetError) as err:
        read_idx(
            tmp_path / name, MNIST_FILES[name], f"tinytorch/datasets/data/mnist/{name}"
        )
    message = str(err.value)
    assert MNIST_FILES[name].sha256_gz in message
    assert hashlib.sha256(packed).hexdigest() in message
    assert f"git checkout -- tinytorch/datasets/data/mnist/{name}" in message


# ------------------------------------------------------ checkpoints (tinytorch.save)


def _rewritten(path: Path, change) -> bytes:
    """The zip at `path` with each member's bytes passed through change(name, data)."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(out, "w") as new:
        for name in old.namelist():
            data = change(name, old.read(name))
            if data is not None:
                new.writestr(name, data)
    return out.getvalue()


DAMAGE = {
    "empty": lambda path: b"",
    "cut short": lambda path: path.read_bytes()[: len(path.read_bytes()) // 2],
    "a flipped byte": lambda path: bytes(
        b ^ (i == len(path.read_bytes()) // 2) for i, b in enumerate(path.read_bytes())
    ),
    "not a zip": lambda path: b"weights, surely",
    "a header that is not JSON": lambda path: _rewritten(
        path, lambda n, d: b"{not json" if n == "tinytorch.json" else d
    ),
    "a tensor missing": lambda path: _rewritten(
        path, lambda n, d: None if n == "tensors/0.npy" else d
    ),
    "another kind of zip": lambda path: _rewritten(
        path, lambda n, d: d if n != "tinytorch.json" else b'{"format": "other"}'
    ),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_checkpoint_is_named_not_half_read(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "model.pt"
    tt.save({"weight": tt.ones(3, 2), "step": 4}, path)
    path.write_bytes(DAMAGE[damage](path))
    with pytest.raises(RuntimeError, match=rf"{re.escape(str(path))} is damaged: .*save it again"):
        tt.load(path)


@pytest.mark.parametrize("kind", ["a pickle", "a zip of a pickle"])
def test_a_pytorch_file_says_how_to_convert_it(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "resnet.pth"
    if kind == "a pickle":
        path.write_bytes(b"\x80\x02\x8a\nl\xfc\x9cF\xf9 j\xa8P\x19.")  # torch's magic number
    else:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("archive/data.pkl", b"\x80\x02}q\x00.")
    with pytest.raises(RuntimeError, match=r"is a PyTorch file .* does not read.*np\.savez"):
        tt.load(path)


def test_save_refuses_what_it_cannot_hold_and_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "checkpoint.pt"
    tt.save({"epoch": 1}, path)
    refused = [
        ({"weights": [tt.ones(1), np.ones(2)]}, r"obj\['weights'\]\[1\] is a numpy.ndarray"),
        (nn.Linear(2, 1), r"obj is a tinytorch.nn.linear.Linear.*state_dict\(\)"),
        ({"step": np.int64(3)}, r"obj\['step'\] is a numpy.int64"),
        ({"f": len}, r"obj\['f'\] is a builtins.builtin_function_or_method"),
    ]
    for obj, message in refused:
        with pytest.raises(TypeError, match=message):
            tt.save(obj, path)
    assert tt.load(path) == {"epoch": 1} and files_in(tmp_path) == ["checkpoint.pt"]
