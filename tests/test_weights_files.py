"""A model's file (`perf.save`, `perf.load`): buffers travel with the weights, and a
damaged file of any kind is one `DamagedFile` that names it, found before anything
is allocated from the sizes the file claims."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import nn, perf
from tinytorch.files import DamagedFile

REMEDY = "It is not a whole file written by perf.save: save the model again."


def conv_bn(seed: int = 0) -> nn.Sequential:
    tt.manual_seed(seed)
    return nn.Sequential(nn.Conv2d(1, 3, 3), nn.BatchNorm2d(3), nn.ReLU(), nn.Flatten(), nn.Linear(3 * 6 * 6, 2))


def test_batch_norm_running_statistics_are_saved_and_restored(tmp_path: Path) -> None:
    model = conv_bn()
    x = tt.tensor(np.random.default_rng(0).normal(2, 3, (4, 1, 8, 8)).astype(np.float32))
    for _ in range(3):  # training updates the running statistics
        model(x)
    model.eval()
    perf.save(model, tmp_path / "model.npz")
    copy = conv_bn(seed=1)
    perf.load(copy, tmp_path / "model.npz")
    copy.eval()
    assert {"1.running_mean", "1.running_var", "1.num_batches_tracked"} <= perf.state(model).keys()
    assert copy[1].num_batches_tracked.item() == 3
    with tt.no_grad():
        np.testing.assert_array_equal(copy(x).numpy(), model(x).numpy())


def tiny(seed: int = 0) -> nn.Linear:
    tt.manual_seed(seed)
    return nn.Linear(3, 2)


def saved(tmp_path: Path, sparse: bool = False, compress: bool = True) -> tuple[Path, bytes]:
    path = tmp_path / "model.npz"
    perf.save(tiny(), path, sparse=sparse, compress=compress)
    return path, path.read_bytes()


@pytest.mark.parametrize(("sparse", "compress"), [(False, True), (True, False)])
def test_every_flipped_byte_is_caught_or_harmless(tmp_path: Path, sparse: bool, compress: bool) -> None:
    """Flip each byte of a file in turn: the load either gives every array exactly as saved (the byte was a
    timestamp, say) or says the file is damaged; never another error, never other weights."""
    path, good = saved(tmp_path, sparse, compress)
    expected = perf.state(tiny())
    damaged = 0
    for i in range(len(good)):
        bad = bytearray(good)
        bad[i] ^= 0x10
        path.write_bytes(bad)
        copy = tiny(seed=1)
        try:
            perf.load(copy, path)
        except DamagedFile as err:
            assert str(err).startswith(f"{path} is damaged: ") and str(err).endswith(REMEDY)
            damaged += 1
            continue
        for name, array in expected.items():
            assert np.array_equal(perf.state(copy)[name], array), f"byte {i} changed {name}"
    assert damaged > len(good) / 2


def npz_with(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda data: data[: len(data) // 2], "it does not end as a zip archive does (cut short, or another kind of file)"),
        (lambda data: b"", "it is empty"),
        (lambda data: b"\x89PNG\r\n\x1a\n" + bytes(200), "it does not end as a zip archive does"),
        (lambda data: npz_with(weight=np.array([None, 1], dtype=object)), "weight.npy holds Python objects"),
        (lambda data: npz_with(**{"weight@shape": np.array([2, 3])}), "part of the array weight is missing"),
        (
            lambda data: npz_with(**{"weight@shape": np.array([40, 30]), "weight@bits": np.zeros(2, np.uint8),
                                     "weight@values": np.zeros(0, np.float32)}),
            "weight: Bitmap: 2 bytes of bits and 0 values do not describe an array of shape (40, 30)",
        ),
    ],
    ids=["truncated", "empty", "another kind of file", "pickled objects", "a listed array missing", "a bitmap too short"],
)
def test_each_kind_of_damage_names_the_file(tmp_path: Path, damage, problem: str) -> None:
    path, good = saved(tmp_path)
    path.write_bytes(damage(good))
    with pytest.raises(DamagedFile) as err:
        perf.load(tiny(), path)
    assert str(err.value).startswith(f"{path} is damaged: {problem}")
    assert str(err.value).endswith(REMEDY)


def test_sizes_are_checked_against_the_files_length_before_allocating(tmp_path: Path) -> None:
    """A 1.2 kB file whose header claims 9.31 GiB of float64: refused, and nothing near that allocated."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (1_250_000_000,)})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("0.weight.npy", header.getvalue() + bytes(1000))
    path = tmp_path / "crafted.npz"
    path.write_bytes(buffer.getvalue())
    tracemalloc.start()
    try:
        with pytest.raises(DamagedFile, match=r"0.weight.npy claims float64 \(1250000000,\) in 1,128 bytes"):
            perf.load(tiny(), path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000


def test_a_missing_file_is_not_called_damaged(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="model.npz"):
        perf.load(tiny(), tmp_path / "model.npz")


def test_saving_into_a_missing_folder_or_onto_a_folder_names_the_path_given(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as missing:
        perf.save(tiny(), tmp_path / "runs" / "model.npz")
    with pytest.raises(IsADirectoryError) as folder:
        perf.save(tiny(), tmp_path)
    assert str(missing.value) == f"[Errno 2] No such file or directory: '{tmp_path / 'runs' / 'model.npz'}'"
    assert str(folder.value) == f"[Errno 21] Is a directory: '{tmp_path}'"
    assert list(tmp_path.iterdir()) == []  # no temp file left behind
