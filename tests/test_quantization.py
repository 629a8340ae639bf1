"""int8 quantization: the error bound of every entry, both matmul paths against exact
references, calibration, and model sizes measured on real files."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinytorch as tt
from tinytorch import nn, perf
from tinytorch.nn import functional as F

weights = hnp.arrays(
    np.float32,
    hnp.array_shapes(min_dims=2, max_dims=4, max_side=6),
    elements=st.floats(-1e3, 1e3, width=32) | st.just(0.0),
)


@settings(max_examples=200, deadline=None)
@given(weights)
def test_every_entry_is_within_half_a_step_of_its_channel(w):
    q, scale = perf.quantize_per_channel(w)
    assert q.dtype == np.int8 and q.shape == w.shape
    assert scale.dtype == np.float32 and scale.shape == (len(w),)
    s = scale.astype(np.float64).reshape(-1, *[1] * (w.ndim - 1))
    error = np.abs(w.astype(np.float64) - s * q)
    assert (
        error <= s / 2 * (1 + 1e-12)
    ).all()  # |w - s q| <= s/2, up to float64 rounding
    rows = np.abs(q.reshape(len(q), -1)).max(axis=1)
    live = np.abs(w.reshape(len(w), -1)).max(axis=1) / 127 > perf.quantization.SCALE_MIN
    assert (rows[live] == 127).all()  # each channel uses the whole int8 range
    # a tiny or all-zero channel keeps the smallest scale, as PyTorch's observers do
    assert (scale[~live] == perf.quantization.SCALE_MIN).all()
    dequantized = perf.dequantize(q, scale)
    assert dequantized.dtype == np.float32
    assert np.array_equal(dequantized, (s * q).astype(np.float32))


@pytest.mark.parametrize(
    "bad",
    [
        np.ones((3, 4), np.int32),
        np.ones(4, np.float32),
        np.array([[1.0, np.nan]], np.float32),
    ],
)
def test_quantize_per_channel_refuses_what_it_cannot_quantize(bad):
    with pytest.raises(ValueError, match="quantize_per_channel: needs a finite"):
        perf.quantize_per_channel(bad)


def mlp(seed: int = 0) -> nn.Sequential:
    tt.manual_seed(seed)
    return nn.Sequential(nn.Linear(30, 40), nn.ReLU(), nn.Linear(40, 10))


def batches(n: int = 3, seed: int = 1) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((16, 30), dtype=np.float32) for _ in range(n)]


def test_quantize_swaps_every_channel_layer_and_leaves_the_model_alone():
    model = mlp()
    before = model.state_dict()
    quantized = perf.quantize(model)
    kinds = [type(layer).__name__ for layer in quantized]
    assert kinds == ["QuantizedLinear", "ReLU", "QuantizedLinear"]
    assert all(np.array_equal(before[k], v) for k, v in model.state_dict().items())
    assert set(perf.quantization.QUANTIZED) == set(
        perf.CHANNEL_LAYERS
    )  # a new layer joins both


def test_the_float32_path_is_the_layer_with_dequantized_weights():
    model = mlp()
    quantized = perf.quantize(model)
    x = batches(1)[0]
    layer, twin = model[0], quantized[0]
    w = perf.dequantize(twin.weight_int8, twin.scale)
    expected = x @ w.T + layer.bias.detach().numpy()
    np.testing.assert_allclose(twin(tt.tensor(x)).detach().numpy(), expected, rtol=1e-6, atol=1e-6)
    # the weight's error, s/2 per entry, bounds the output's: sum_i |x_i| s_j / 2
    bound = np.abs(x).sum(axis=1, keepdims=True) * twin.scale / 2
    assert (
        np.abs(twin(tt.tensor(x)).detach().numpy() - layer(tt.tensor(x)).detach().numpy()) <= bound + 1e-5
    ).all()


def test_the_int8_path_is_exact_integer_arithmetic_rescaled():
    model = mlp()
    calibration = batches()
    quantized = perf.quantize(model, "int8", calibration)
    first = quantized[0]
    peak = max(np.abs(x).max() for x in calibration)
    assert first.input_scale == np.float32(peak / 127)
    x = calibration[0]
    xq = np.clip(np.rint(x / first.input_scale), -127, 127).astype(np.int64)
    exact = xq @ first.weight_int8.astype(np.int64).T  # no overflow in int64
    expected = exact * (first.input_scale.astype(np.float64) * first.scale) + first.bias
    np.testing.assert_allclose(first(tt.tensor(x)).detach().numpy(), expected, rtol=1e-5, atol=1e-5)
    out, reference = quantized(tt.tensor(x)).detach().numpy(), model(tt.tensor(x)).detach().numpy()
    assert np.abs(out - reference).max() < 0.05 * np.abs(reference).max()


def test_calibration_sees_each_layers_own_inputs():
    model = mlp()
    calibration = batches()
    quantized = perf.quantize(model, "int8", calibration)
    hidden = max(
        np.maximum(x @ model[0].weight.detach().numpy().T + model[0].bias.detach().numpy(), 0).max()
        for x in calibration
    )
    # the second layer saw the first quantized layer's outputs, within its error
    assert quantized[2].input_scale * 127 == pytest.approx(hidden, rel=1e-2)
    assert quantized.training and all(
        layer.observed is None for layer in list(quantized)[::2]
    )


def test_int8_needs_calibration_and_says_so():
    with pytest.raises(ValueError, match="pass calibration"):
        perf.quantize(mlp(), "int8")
    with pytest.raises(ValueError, match="matmul must be one of"):
        perf.quantize(mlp(), "int4")
    with pytest.raises(ValueError, match="no batches"):
        perf.quantize(mlp(), "int8", calibration=[])
    layer = perf.QuantizedLinear(nn.Linear(3, 2), matmul="int8")
    with pytest.raises(RuntimeError, match="calibrate"):
        layer(tt.ones(1, 3))
    with pytest.raises(tt.ShapeError, match="3 features"):
        layer(tt.ones(1, 4))
    with pytest.raises(ValueError, match="no quantized layers"):
        perf.calibrate(mlp(), batches())


def test_sizes_are_bytes_of_real_files(tmp_path):
    model = mlp()
    quantized = perf.quantize(model, "int8", batches())
    arrays = perf.state(quantized)
    assert sorted(arrays) == [
        "0.bias",
        "0.input_scale",
        "0.scale",
        "0.weight_int8",
        "2.bias",
        "2.input_scale",
        "2.scale",
        "2.weight_int8",
    ]
    sizes = {}
    for compress in (False, True):
        for name, m in (("float", model), ("int8", quantized)):
            path = tmp_path / f"{name}-{compress}.npz"
            sizes[name, compress] = perf.save(m, path, compress=compress)
            assert sizes[name, compress] == path.stat().st_size
    stored = sum(a.nbytes for a in arrays.values())
    # uncompressed: every byte of every array, and a header of about 240 bytes each
    assert stored < sizes["int8", False] < stored + 300 * len(arrays)
    assert (
        sizes["int8", True] < sizes["float", True] / 1.5
    )  # headers weigh on so few bytes
    big = nn.Linear(300, 200)
    big_float = perf.save(big, tmp_path / "big-float.npz", compress=False)
    big_int8 = perf.save(perf.quantize(big), tmp_path / "big-int8.npz", compress=False)
    assert 3.8 < big_float / big_int8 < 4  # int8 plus a scale per row, and headers
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, nothing left over


def test_float_and_int8_models_round_trip_through_their_files(tmp_path):
    model, calibration = mlp(), batches()
    quantized = perf.quantize(model, "int8", calibration)
    perf.save(model, tmp_path / "float.npz")
    perf.save(quantized, tmp_path / "int8.npz")
    float_copy, int8_copy = mlp(seed=5), perf.quantize(mlp(seed=5))  # other weights
    perf.load(float_copy, tmp_path / "float.npz")
    perf.load(int8_copy, tmp_path / "int8.npz")
    for layer in list(int8_copy)[::2]:
        layer.matmul = "int8"
    x = tt.tensor(calibration[0])
    assert np.array_equal(float_copy(x).detach().numpy(), model(x).detach().numpy())
    assert np.array_equal(int8_copy(x).detach().numpy(), quantized(x).detach().numpy())
    assert float_copy[0].weight.detach().numpy().flags.f_contiguous  # loaded in place, layout kept


def test_loading_into_another_model_fails_clearly(tmp_path):
    perf.save(mlp(), tmp_path / "float.npz")
    with pytest.raises(KeyError, match="unexpected"):
        perf.load(perf.quantize(mlp()), tmp_path / "float.npz")
    wider = nn.Sequential(nn.Linear(30, 41), nn.ReLU(), nn.Linear(41, 10))
    with pytest.raises(ValueError, match="0.weight is float32"):
        perf.load(wider, tmp_path / "float.npz")


# ------------------------------------------------------------------- convolutions


def cnn(seed: int = 0) -> nn.Sequential:
    tt.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(2, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 5, 3, stride=2),
        nn.ReLU(), nn.Flatten(), nn.Linear(5 * 3 * 3, 10),
    )  # fmt: skip


def images(n: int = 3, channels: int = 2, seed: int = 1) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [
        rng.standard_normal((6, channels, 8, 8), dtype=np.float32) for _ in range(n)
    ]


def test_a_quantized_convolution_convolves_with_its_dequantized_filters():
    model = cnn()
    quantized = perf.quantize(model)
    kinds = [type(layer).__name__ for layer in quantized]
    assert kinds[0] == kinds[2] == "QuantizedConv2d" and kinds[5] == "QuantizedLinear"
    for i, channels in ((0, 2), (2, 4)):  # padded, then strided
        layer, twin = model[i], quantized[i]
        x = images(1, channels)[0]
        assert twin.scale.shape == (layer.out_channels,)  # one scale per filter
        w = perf.dequantize(twin.weight_int8, twin.scale)
        expected = F.conv2d(
            tt.tensor(x), tt.tensor(w), layer.bias, layer.stride, layer.padding
        ).detach().numpy()
        out = twin(tt.tensor(x)).detach().numpy()
        assert out.shape == expected.shape
        np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
        # each output's error is bounded by its patch: sum |x| * s_filter / 2
        ones = tt.tensor(np.ones((1, *layer.weight.shape[1:]), np.float32))
        patch = F.conv2d(tt.tensor(np.abs(x)), ones, None, layer.stride, layer.padding)
        bound = patch.detach().numpy() * twin.scale[:, None, None] / 2
        assert (np.abs(out - layer(tt.tensor(x)).detach().numpy()) <= bound + 1e-5).all()


def test_the_int8_path_of_a_convolution_is_exact_integer_arithmetic_rescaled():
    model = cnn()
    calibration = images()
    quantized = perf.quantize(model, "int8", calibration)
    first, x = quantized[0], calibration[0]
    xq = np.clip(np.rint(x / first.input_scale), -127, 127)
    # integers in float64: every sum is exact (far below 2**53)
    exact = F.conv2d(
        tt.tensor(xq.astype(np.float64)),
        tt.tensor(first.weight_int8.astype(np.float64)),
        padding=1,
    ).detach().numpy()
    scales = first.input_scale.astype(np.float64) * first.scale[:, None, None]
    expected = exact * scales + first.bias[:, None, None]
    np.testing.assert_allclose(first(tt.tensor(x)).detach().numpy(), expected, rtol=1e-5, atol=1e-5)
    out, reference = quantized(tt.tensor(x)).detach().numpy(), model(tt.tensor(x)).detach().numpy()
    assert np.abs(out - reference).max() < 0.05 * np.abs(reference).max()


def test_quantized_cnns_round_trip_through_their_files_and_refuse_bad_images(tmp_path):
    quantized = perf.quantize(cnn(), "int8", images())
    perf.save(quantized, tmp_path / "cnn.npz")
    copy = perf.quantize(cnn(seed=5))
    perf.load(copy, tmp_path / "cnn.npz")
    x = tt.tensor(images(1)[0])
    for matmul in ("float32", "int8"):
        for model in (quantized, copy):
            for layer in (model[0], model[2], model[5]):
                layer.matmul = matmul
        assert np.array_equal(copy(x).detach().numpy(), quantized(x).detach().numpy())
    three_channels = tt.tensor(images(1, channels=3)[0])
    with pytest.raises(tt.ShapeError, match=r"expects float32 images \(N, 2, H, W\)"):
        quantized[0](three_channels)
    with pytest.raises(tt.ShapeError, match="got float64"):
        quantized[0](tt.tensor(images(1)[0], dtype=np.float64))
