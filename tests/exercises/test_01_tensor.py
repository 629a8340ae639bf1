"""Exercises of chapter 01 (Tensor), done the way a reader would do them."""

import numpy as np

import tinytorch as torch


def test_predict_the_dtype_before_running() -> None:
    ints = torch.tensor([1, 2, 3])
    floats = torch.tensor([1.0, 2.0])
    assert ints.dtype == torch.int64  # Python ints
    assert (ints * 2.5).dtype == torch.float32  # a Python float decides the category
    assert (floats * 2.5).dtype == torch.float32  # ... never the width
    assert (torch.tensor([True, False]) + ints[:2]).dtype == torch.int64
    wide = torch.tensor([1.0, 2.0], dtype=torch.float64)
    assert (floats + wide).dtype == torch.float64  # two tensors: the wider wins


def test_a_numpy_constant_widens_everything_after_it() -> None:
    x = torch.tensor([1.0, 2.0, 3.0])
    mean = torch.from_numpy(np.array([2.0]))  # numpy's default: float64
    assert (x - mean).dtype == torch.float64
    assert ((x - mean) * 3).dtype == torch.float64  # and it stays wide
    assert (x - mean.float()).dtype == torch.float32  # the fix: convert once
    assert (x - 2.0).dtype == torch.float32  # a Python number never widens


def test_a_view_writes_through_a_copy_does_not() -> None:
    x = torch.arange(6.0)
    view = x.view(2, 3)
    view[0, 0] = 100.0
    assert x[0].item() == 100.0  # the same memory
    copy = x.reshape(2, 3).clone()
    copy[0, 1] = -1.0
    assert x[1].item() == 1.0  # clone made new memory


def test_transpose_is_not_reshape() -> None:
    t = torch.arange(6).reshape(2, 3)
    assert t.transpose(0, 1).shape == t.reshape(3, 2).shape == (3, 2)
    assert torch.equal(t.transpose(0, 1), t.T)
    assert not torch.equal(t.transpose(0, 1), t.reshape(3, 2))
    assert t.transpose(0, 1).tolist() == [[0, 3], [1, 4], [2, 5]]
    assert t.reshape(3, 2).tolist() == [[0, 1], [2, 3], [4, 5]]


def test_max_along_the_other_dimension() -> None:
    column = torch.tensor([[0.0], [10.0], [20.0]])
    row = torch.tensor([1.0, 2.0, 3.0, 4.0])
    table = column + row
    values, indices = table.max(dim=0)
    assert values.tolist() == [21.0, 22.0, 23.0, 24.0]
    assert indices.tolist() == [2, 2, 2, 2]  # the last row wins every column
    assert indices.dtype == torch.int64
