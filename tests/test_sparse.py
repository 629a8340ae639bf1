"""The bitmap format: exact round trips, honest byte counts, smaller files."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinytorch as tt
from tinytorch import nn, perf
from tinytorch.perf import Bitmap


@st.composite
def mostly_zero(draw):
    dtype = draw(st.sampled_from([np.int8, np.float32, np.float64]))
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=9))
    values = draw(hnp.arrays(dtype, shape))
    zeros = draw(hnp.arrays(bool, shape))
    return np.where(zeros, dtype(0), values).astype(dtype)


@settings(max_examples=300, deadline=None)
@given(mostly_zero())
def test_bitmaps_round_trip_exactly_and_count_their_bytes(array):
    bitmap = Bitmap.from_dense(array)
    dense = bitmap.to_dense()
    assert dense.dtype == array.dtype and dense.shape == array.shape
    assert np.array_equal(dense, array, equal_nan=array.dtype.kind == "f")
    nonzero = int((array != 0).sum())
    assert bitmap.nbytes == math.ceil(array.size / 8) + nonzero * array.itemsize


def test_damaged_bitmaps_are_refused():
    bitmap = Bitmap.from_dense(np.array([[0, 3], [4, 0]], np.int8))
    with pytest.raises(ValueError, match="damaged"):
        Bitmap(bitmap.shape, bitmap.bits, bitmap.values[:1]).to_dense()
    with pytest.raises(ValueError, match="damaged"):
        Bitmap((4, 4), bitmap.bits, bitmap.values).to_dense()


def pruned_mlp() -> nn.Sequential:
    tt.manual_seed(0)
    model = nn.Sequential(nn.Linear(200, 100), nn.ReLU(), nn.Linear(100, 10))
    perf.global_unstructured(model, 0.9)
    return model


def test_sparse_files_round_trip_float_and_int8_models(tmp_path):
    model = pruned_mlp()
    x = tt.randn(4, 200)
    for name, m in (("float", model), ("int8", perf.quantize(model))):
        dense = perf.save(m, tmp_path / f"{name}.npz", compress=False)
        sparse = perf.save(
            m, tmp_path / f"{name}-sparse.npz", sparse=True, compress=False
        )
        stored = sum(
            Bitmap.from_dense(a).nbytes if a.ndim >= 2 else a.nbytes
            for a in perf.state(m).values()
        )
        with np.load(tmp_path / f"{name}-sparse.npz") as npz:
            members = len(npz.files)
        assert (
            stored < sparse < stored + 300 * members
        )  # the format's bytes, and headers
        assert sparse < dense / 2
        tt.manual_seed(7)  # a copy with other weights, overwritten by the file
        copy = nn.Sequential(nn.Linear(200, 100), nn.ReLU(), nn.Linear(100, 10))
        copy = copy if name == "float" else perf.quantize(copy)
        perf.load(copy, tmp_path / f"{name}-sparse.npz")
        for key, value in perf.state(m).items():
            assert np.array_equal(perf.state(copy)[key], value), key
        assert np.array_equal(copy(x).data, m(x).data)
