"""Exercises of book/modules/15_quantization.md, done as a student would."""

from pathlib import Path

import numpy as np

import tinytorch as torch
from tinytorch import nn, perf


def test_every_weight_moves_at_most_half_a_step() -> None:
    w = np.random.default_rng(0).standard_normal((32, 64)).astype(np.float32)
    q, s = perf.quantize_per_channel(w)
    assert q.dtype == np.int8 and np.abs(q).max() == 127  # each row's largest |w|
    error = np.abs(w.astype(np.float64) - q * s[:, None].astype(np.float64))
    assert (error <= s[:, None] / 2 * (1 + 1e-6)).all()
    assert (error.max(axis=1) > s / 4).all()  # and rounding does use the half step


def test_one_scale_for_the_whole_matrix_erases_the_small_row() -> None:
    rng = np.random.default_rng(0)
    w = rng.standard_normal((2, 64)).astype(np.float32)
    w[0] *= 300  # one row of large weights, one of small ones
    per_row_q, per_row_s = perf.quantize_per_channel(w)
    whole_q, whole_s = perf.quantize_per_channel(w.reshape(1, -1))
    per_row = perf.dequantize(per_row_q, per_row_s)
    whole = perf.dequantize(whole_q, whole_s).reshape(w.shape)
    assert (np.abs(whole_q.reshape(w.shape)[1]) <= 1).all()  # the small row: 0 or ±1
    small_error = np.abs(whole[1] - w[1]).max() / np.abs(w[1]).max()
    assert small_error > 0.3
    assert np.abs(per_row[1] - w[1]).max() / np.abs(w[1]).max() < 0.01


def test_the_larger_the_layer_the_closer_its_file_comes_to_a_quarter(
    tmp_path: Path,
) -> None:
    torch.manual_seed(0)
    ratios = []
    for width in (8, 256):
        layer = nn.Linear(width, width)
        ratios.append(
            perf.save(layer, tmp_path / "f.npz")
            / perf.save(perf.quantize(layer), tmp_path / "q.npz")
        )
    small, large = ratios
    assert small < 1  # headers and scales outweigh the bytes saved
    assert 3.5 < large < 4


def test_the_int8_path_is_close_to_the_float32_path_but_not_equal() -> None:
    torch.manual_seed(0)
    layer = nn.Linear(64, 16)
    x = torch.rand(32, 64)
    on_the_fly = perf.quantize(layer)
    integer = perf.quantize(layer, "int8", calibration=[x])
    with torch.no_grad():
        exact, fly, ints = (m(x).numpy() for m in (layer, on_the_fly, integer))
    scale = np.abs(exact).max()
    assert np.abs(fly - exact).max() < 0.02 * scale
    assert np.abs(ints - exact).max() < 0.05 * scale
    assert not np.array_equal(fly, ints)  # the input's rounding adds its own error


def test_a_quantized_model_read_back_answers_the_same(tmp_path: Path) -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    quantized = perf.quantize(model)
    perf.save(quantized, tmp_path / "model.npz")
    torch.manual_seed(1)
    fresh = perf.quantize(
        nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    )
    perf.load(fresh, tmp_path / "model.npz")
    x = torch.randn(4, 64)
    with torch.no_grad():
        assert torch.equal(quantized(x), fresh(x))
