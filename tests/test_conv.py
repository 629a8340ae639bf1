"""Convolution, pooling and batch normalisation as layers: initialisation, the tie rule
of max-pooling, running statistics, buffers in the state dict, clear errors, and a
whole CNN against gradcheck (the ops themselves are in test_ops.py's registry)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import nn
from tinytorch.nn import functional as F


def images(*shape: int, seed: int = 0) -> tt.Tensor:
    return tt.tensor(np.random.default_rng(seed).standard_normal(shape))


def small_cnn() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(1, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(3, 4, 2), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(4, 3),
    )  # fmt: skip


# --------------------------------------------------------------------- Conv2d, init


def test_conv2d_shapes_names_and_pytorch_initialisation() -> None:
    tt.manual_seed(0)
    conv = nn.Conv2d(16, 32, 5)
    assert conv.weight.shape == (32, 16, 5, 5) and conv.bias.shape == (32,)
    assert conv.weight.dtype == conv.bias.dtype == np.float32
    bound = 1 / math.sqrt(16 * 5 * 5)
    for p in (conv.weight, conv.bias):
        assert np.abs(p.data).max() <= bound
    assert np.abs(conv.weight.data).max() > 0.99 * bound  # the whole range is used
    assert abs(conv.weight.data.std() - bound / math.sqrt(3)) < 0.02 * bound
    assert [n for n, _ in conv.named_parameters()] == ["weight", "bias"]
    assert repr(conv) == (
        "Conv2d(16, 32, kernel_size=(5, 5), stride=(1, 1), padding=(0, 0), bias=True)"
    )
    out = nn.Conv2d(3, 6, (3, 2), stride=2, padding=(1, 0))(tt.zeros(4, 3, 9, 8))
    assert out.shape == (4, 6, 5, 4)  # floor((9 + 2 - 3) / 2) + 1, floor((8 - 2) / 2) + 1
    assert nn.Conv2d(1, 2, 3, bias=False).bias is None


def test_kaiming_uniform_with_pytorchs_slope_is_one_over_root_fan_in() -> None:
    """nn.init.kaiming_uniform_(w, a=sqrt(5)), PyTorch's default for Linear and Conv2d,
    bounds the weights by 1/sqrt(fan_in); a=0 is He's rule for ReLU, sqrt(6/fan_in)."""
    tt.manual_seed(0)
    w = nn.Parameter(np.zeros((64, 8, 3, 3)))
    nn.init.kaiming_uniform_(w, a=math.sqrt(5))
    assert nn.init.fan_in(w.shape) == 72
    assert np.abs(w.data).max() <= 1 / math.sqrt(72) < 1.001 * np.abs(w.data).max()
    nn.init.kaiming_uniform_(w)
    assert np.abs(w.data).max() <= math.sqrt(6 / 72) < 1.01 * np.abs(w.data).max()
    with pytest.raises(ValueError, match=r"fan_in: needs a weight of 2 or more"):
        nn.init.fan_in((5,))


def test_conv2d_is_cross_correlation_with_a_known_kernel() -> None:
    """The kernel is not flipped (PyTorch's convention): a kernel with a single one
    at the top left copies the pixel at each window's top left."""
    x = tt.tensor(np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4))
    kernel = np.zeros((1, 1, 2, 2), np.float32)
    kernel[0, 0, 0, 0] = 1
    out = F.conv2d(x, tt.tensor(kernel), tt.tensor([0.5]))
    np.testing.assert_array_equal(out.data[0, 0], x.data[0, 0, :3, :3] + 0.5)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: nn.Conv2d(3, 4, 3)(tt.zeros(2, 1, 8, 8)),
         r"conv2d: input of shape \(2, 1, 8, 8\) has 1 channels, but the weight \(4, 3, 3, 3\) expects 3"),
        (lambda: nn.Conv2d(1, 4, 5)(tt.zeros(2, 1, 3, 8)),
         r"conv2d: kernel \(5, 5\) is larger than the input \(2, 1, 3, 8\) padded by \(0, 0\) \(3x8 pixels\)"),
        (lambda: nn.Conv2d(1, 4, 3)(tt.zeros(1, 8, 8)),
         r"conv2d: the input has shape \(1, 8, 8\); it needs 4 dimensions"),
        (lambda: F.max_pool2d(tt.zeros(1, 1, 2, 2), 3),
         r"max_pool2d: kernel \(3, 3\) is larger than the input \(1, 1, 2, 2\)"),
        (lambda: F.conv2d(tt.zeros(1, 2, 4, 4), tt.zeros(3, 2, 2, 2), tt.zeros(2)),
         r"conv2d: bias of shape \(2,\) for a weight of shape \(3, 2, 2, 2\); it needs shape \(3,\)"),
        (lambda: F.conv2d(tt.zeros(1, 2, 4, 4), tt.zeros(3, 2, 2)),
         r"conv2d: the weight has shape \(3, 2, 2\); it needs 4 dimensions"),
    ],
    ids=["channels", "kernel-too-large", "3-d-input", "pool-too-large", "bias", "weight"],
)  # fmt: skip
def test_shape_errors_name_both_shapes(call, message) -> None:
    with pytest.raises(tt.ShapeError, match=message):
        call()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: nn.Conv2d(1, 2, 3, stride=0), r"Conv2d: stride must be an integer >= 1 or a pair of them, got 0"),
        (lambda: nn.Conv2d(1, 2, 3, padding=-1), r"Conv2d: padding must be an integer >= 0 or a pair of them, got -1"),
        (lambda: nn.Conv2d(1, 2, (3, 2, 1)), r"Conv2d: kernel_size must be .* got \(3, 2, 1\)"),
        (lambda: nn.Conv2d(1, 2, 2.5), r"Conv2d: kernel_size must be .* got 2.5"),
        (lambda: F.conv2d(tt.zeros(1, 1, 4, 4), tt.zeros(1, 1, 2, 2), stride="2"), r"conv2d: stride must be .* got '2'"),
        (lambda: nn.MaxPool2d(2, stride=True), r"MaxPool2d: stride must be .* got True"),
        (lambda: nn.Conv2d(0, 2, 3), r"Conv2d: in_channels must be an integer >= 1, got 0"),
    ],
)  # fmt: skip
def test_bad_settings_are_refused_by_name(call, message) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_integer_or_float64_images_are_refused_for_a_float32_layer() -> None:
    conv = nn.Conv2d(1, 2, 3)
    with pytest.raises(TypeError, match=r"conv2d: the input is uint8 but the weight is float32"):
        conv(tt.tensor(np.zeros((1, 1, 4, 4), np.uint8)))
    with pytest.raises(TypeError, match=r"the input is float64 .*\(model.to\(np.float64\)\)"):
        conv(tt.tensor(np.zeros((1, 1, 4, 4)), dtype=np.float64))


# ------------------------------------------------------------------------- pooling


def test_tied_maxima_share_the_gradient_equally() -> None:
    """MNIST's background is exactly 0, so a window of background ties four ways:
    each of the four pixels gets a quarter of the gradient (a 2-way tie, a half)."""
    x = np.zeros((1, 1, 2, 4), np.float32)
    x[0, 0, :, 2:] = [[3, 1], [3, 2]]  # the right window: 3 twice
    t = tt.tensor(x, requires_grad=True)
    out = F.max_pool2d(t, 2)
    np.testing.assert_array_equal(out.data, [[[[0, 3]]]])
    out.backward(np.array([[[[4, 6]]]], np.float32))
    np.testing.assert_array_equal(t.grad[0, 0], [[1, 1, 3, 0], [1, 1, 3, 0]])
    assert t.grad.sum() == 10  # nothing lost, nothing made up


def test_pooling_modules_match_their_functions_and_drop_the_ragged_edge() -> None:
    x = images(2, 3, 7, 6)
    out = nn.MaxPool2d(2)(x)
    assert out.shape == (2, 3, 3, 3)  # the last row of 7 fits no window: dropped
    np.testing.assert_array_equal(out.data, F.max_pool2d(x, 2).data)
    np.testing.assert_array_equal(nn.AvgPool2d(3, 1)(x).data, F.avg_pool2d(x, 3, 1).data)
    assert repr(nn.MaxPool2d(2)) == "MaxPool2d(kernel_size=(2, 2), stride=(2, 2))"


# ------------------------------------------------------------------- BatchNorm2d


def test_batchnorm_normalises_in_training_and_tracks_running_statistics() -> None:
    bn = nn.BatchNorm2d(3)
    x = images(8, 3, 4, 5) * 2 + 1
    out = bn(x).data
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-5)
    np.testing.assert_allclose(out.var(axis=(0, 2, 3)), 1, atol=1e-3)
    values = x.data.transpose(1, 0, 2, 3).reshape(3, -1)
    np.testing.assert_allclose(bn.running_mean.data, 0.1 * values.mean(axis=1), rtol=1e-5)
    unbiased = values.var(axis=1, ddof=1)  # as PyTorch: the running variance is unbiased
    np.testing.assert_allclose(bn.running_var.data, 0.9 + 0.1 * unbiased, rtol=1e-5)
    assert bn.num_batches_tracked.item() == 1


def test_batchnorm_in_eval_uses_the_running_statistics_and_leaves_them() -> None:
    bn = nn.BatchNorm2d(2)
    for seed in range(5):
        bn(images(4, 2, 3, 3, seed=seed) + 3)
    bn.eval()
    mean, var = bn.running_mean.data.copy(), bn.running_var.data.copy()
    x = images(1, 2, 3, 3, seed=9)
    expected = (x.data - mean[:, None, None]) / np.sqrt(var[:, None, None] + 1e-5)
    np.testing.assert_allclose(bn(x).data, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(bn.running_mean.data, mean)
    assert bn.num_batches_tracked.item() == 5


def test_batchnorm_without_momentum_keeps_a_cumulative_average() -> None:
    bn = nn.BatchNorm2d(1, momentum=None)
    batches = [images(2, 1, 2, 2, seed=s) + s for s in range(4)]
    for x in batches:
        bn(x)
    np.testing.assert_allclose(
        bn.running_mean.data, np.mean([x.data.mean() for x in batches]), rtol=1e-5
    )


def test_batchnorm_refuses_the_wrong_number_of_channels() -> None:
    with pytest.raises(tt.ShapeError, match=r"BatchNorm2d: input of shape \(2, 3, 4, 4\); .* num_features = 4"):
        nn.BatchNorm2d(4)(tt.zeros(2, 3, 4, 4))
    with pytest.raises(ValueError, match=r"BatchNorm2d: momentum must be a finite number in \[0, 1\], got 2"):
        nn.BatchNorm2d(4, momentum=2)


def test_buffers_are_saved_and_loaded_with_the_parameters() -> None:
    """state_dict holds what PyTorch's holds: parameters and buffers (named_buffers),
    so a model in evaluation mode comes back exactly."""
    tt.manual_seed(0)
    model = small_cnn()
    for seed in range(3):
        model(images(4, 1, 6, 6, seed=seed))
    state = model.state_dict()
    assert [n for n, _ in model.named_buffers()] == [
        "1.running_mean", "1.running_var", "1.num_batches_tracked",
    ]  # fmt: skip
    assert set(state) == {n for n, _ in model.named_parameters()} | {
        n for n, _ in model.named_buffers()
    }
    assert state["1.num_batches_tracked"] == 3
    assert not any(isinstance(p, nn.Buffer) for p in model.parameters())
    tt.manual_seed(1)
    copy = small_cnn()
    copy.load_state_dict(state)
    x = images(2, 1, 6, 6, seed=7)
    np.testing.assert_array_equal(copy.eval()(x).data, model.eval()(x).data)
    with pytest.raises(KeyError, match=r"missing keys \['1.running_var'\]"):
        copy.load_state_dict({k: v for k, v in state.items() if k != "1.running_var"})


def test_to_float64_casts_float_buffers_but_not_counts() -> None:
    model = small_cnn().to(np.float64)
    assert model[1].running_mean.dtype == np.float64
    assert model[1].num_batches_tracked.dtype == np.int64


# ------------------------------------------------------------------ a whole CNN


@pytest.mark.parametrize("training", [True, False])
def test_cnn_parameter_gradients_match_gradcheck(training: bool) -> None:
    tt.manual_seed(2)
    model = small_cnn().to(np.float64)
    rng = np.random.default_rng(0)
    x = tt.tensor(rng.standard_normal((4, 1, 6, 6)), dtype=np.float64)
    y = np.array([0, 2, 1, 1])
    model(x)  # running statistics away from their start
    model.train(training)  # in training the batch's statistics, else the running ones
    assert tt.gradcheck(lambda *params: F.cross_entropy(model(x), y), model.parameters())


def test_matches_pytorch_when_installed() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional extra")
    tt.manual_seed(0)
    model = small_cnn()
    reference = torch.nn.Sequential(
        torch.nn.Conv2d(1, 3, 3, padding=1), torch.nn.BatchNorm2d(3), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2), torch.nn.Conv2d(3, 4, 2), torch.nn.ReLU(),
        torch.nn.AvgPool2d(2), torch.nn.Flatten(), torch.nn.Linear(4, 3),
    )  # fmt: skip
    reference.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in model.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((5, 1, 6, 6)).astype(np.float32)
    y = np.array([0, 1, 2, 0, 1])
    ours = F.cross_entropy(model(tt.tensor(x)), y)
    ours.backward()
    theirs = torch.nn.functional.cross_entropy(reference(torch.from_numpy(x)), torch.from_numpy(y))
    theirs.backward()
    assert math.isclose(ours.item(), theirs.item(), rel_tol=1e-5)
    grads = dict(reference.named_parameters())
    for name, p in model.named_parameters():
        np.testing.assert_allclose(p.grad, grads[name].grad.numpy(), rtol=1e-4, atol=1e-6)
    for name, b in model.named_buffers():
        np.testing.assert_allclose(b.data, reference.state_dict()[name].numpy(), rtol=1e-5)
