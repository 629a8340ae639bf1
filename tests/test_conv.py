"""Convolution, pooling and batch normalisation as layers: initialisation, PyTorch's
rule for tied maxima, running statistics, buffers in the state dict, errors, and a
whole CNN against gradcheck (the ops themselves are in test_ops.py's registry;
tests/compat/test_nn.py compares every setting with PyTorch)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import nn
from tinytorch.nn import functional as F


def images(*shape: int, seed: int = 0) -> tt.Tensor:
    return tt.tensor(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))


def values(t: tt.Tensor) -> np.ndarray:
    return t.detach().numpy()


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
    assert conv.weight.dtype == conv.bias.dtype == tt.float32
    bound = 1 / math.sqrt(16 * 5 * 5)
    for p in (conv.weight, conv.bias):
        assert np.abs(values(p)).max() <= bound
    assert np.abs(values(conv.weight)).max() > 0.99 * bound  # the whole range is used
    assert abs(values(conv.weight).std() - bound / math.sqrt(3)) < 0.02 * bound
    assert [n for n, _ in conv.named_parameters()] == ["weight", "bias"]
    assert repr(conv) == "Conv2d(16, 32, kernel_size=(5, 5), stride=(1, 1))"
    out = nn.Conv2d(3, 6, (3, 2), stride=2, padding=(1, 0))(tt.zeros(4, 3, 9, 8))
    assert out.shape == (4, 6, 5, 4)  # floor((9 + 2 - 3) / 2) + 1, floor((8 - 2) / 2) + 1
    assert nn.Conv2d(1, 2, 3, bias=False).bias is None


def test_kaiming_uniform_with_pytorchs_slope_is_one_over_root_fan_in() -> None:
    """nn.init.kaiming_uniform_(w, a=sqrt(5)), PyTorch's default for Linear and Conv2d,
    bounds the weights by 1/sqrt(fan_in); a=0 is He's rule for ReLU, sqrt(6/fan_in)."""
    tt.manual_seed(0)
    w = nn.Parameter(tt.zeros(64, 8, 3, 3))
    nn.init.kaiming_uniform_(w, a=math.sqrt(5))
    assert nn.init._calculate_fan_in_and_fan_out(w) == (72, 64 * 9)
    assert np.abs(values(w)).max() <= 1 / math.sqrt(72) < 1.001 * np.abs(values(w)).max()
    nn.init.kaiming_uniform_(w)
    assert np.abs(values(w)).max() <= math.sqrt(6 / 72) < 1.01 * np.abs(values(w)).max()
    with pytest.raises(ValueError, match=r"Fan in and fan out can not be computed"):
        nn.init.kaiming_uniform_(tt.zeros(5))


def test_conv2d_is_cross_correlation_with_a_known_kernel() -> None:
    """The kernel is not flipped (PyTorch's convention): a kernel with a single one
    at the top left copies the pixel at each window's top left."""
    x = tt.tensor(np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4))
    kernel = np.zeros((1, 1, 2, 2), np.float32)
    kernel[0, 0, 0, 0] = 1
    out = F.conv2d(x, tt.tensor(kernel), tt.tensor([0.5]))
    np.testing.assert_array_equal(values(out)[0, 0], values(x)[0, 0, :3, :3] + 0.5)


def test_groups_convolve_each_block_of_channels_on_its_own() -> None:
    """groups=2 is two convolutions side by side: the first half of the channels
    in, the first half out; then the second halves."""
    x, w = images(2, 4, 5, 5), images(6, 2, 3, 3, seed=1)
    both = values(F.conv2d(x, w, groups=2))
    np.testing.assert_allclose(both[:, :3], values(F.conv2d(x[:, :2], w[:3])), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(both[:, 3:], values(F.conv2d(x[:, 2:], w[3:])), rtol=1e-5, atol=1e-6)


def test_dilation_is_a_kernel_with_gaps() -> None:
    """A 2x2 kernel dilated by 2 is the 3x3 kernel with zeros between its taps."""
    x, w = images(1, 2, 6, 6), images(3, 2, 2, 2, seed=1)
    gapped = np.zeros((3, 2, 3, 3), np.float32)
    gapped[:, :, ::2, ::2] = values(w)
    np.testing.assert_allclose(values(F.conv2d(x, w, dilation=2)), values(F.conv2d(x, tt.tensor(gapped))),
                               rtol=1e-5, atol=1e-6)  # fmt: skip


def test_same_padding_keeps_the_size_even_for_an_even_kernel() -> None:
    x = images(1, 1, 5, 6)
    assert nn.Conv2d(1, 2, 4, padding="same")(x).shape == (1, 2, 5, 6)
    assert nn.Conv1d(1, 2, 3, padding="same", padding_mode="reflect")(x[0, :, 0]).shape == (2, 6)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: nn.Conv2d(3, 4, 3)(tt.zeros(2, 1, 8, 8)),
         r"Given groups=1, weight of size \[4, 3, 3, 3\], expected input\[2, 1, 8, 8\] to have 3 channels, but got 1"),
        (lambda: nn.Conv2d(1, 4, 5)(tt.zeros(2, 1, 3, 8)),
         r"Calculated padded input size per channel: \(3 x 8\). Kernel size: \(5 x 5\)"),
        (lambda: nn.Conv2d(1, 4, 3)(tt.zeros(8, 8)),
         r"Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d, but got input of size: \[8, 8\]"),
        (lambda: F.max_pool2d(tt.zeros(1, 1, 2, 2), 3),
         r"Given input size: \(1x2x2\). Calculated output size: \(1x0x0\). Output size is too small"),
        (lambda: F.conv2d(tt.zeros(1, 2, 4, 4), tt.zeros(3, 2, 2, 2), tt.zeros(2)),
         r"expected bias to be 1-dimensional with 3 elements, but got bias of size \[2\]"),
        (lambda: F.conv2d(tt.zeros(1, 2, 4, 4), tt.zeros(3, 2, 2)), r"the weight has shape \(3, 2, 2\)"),
        (lambda: nn.Conv2d(1, 2, 3)(tt.zeros(1, 1, 4, 4, dtype=tt.uint8)),
         r"Input type \(uint8\) and weight type \(float32\) should be the same"),
        (lambda: nn.Conv2d(1, 2, 3, stride=0)(tt.zeros(1, 1, 4, 4)), "non-positive stride is not supported"),
        (lambda: nn.Conv2d(1, 2, 3, padding=-1)(tt.zeros(1, 1, 4, 4)), "negative padding is not supported"),
        (lambda: F.max_pool2d(tt.zeros(1, 1, 6, 6), 3, padding=2), "pad should be at most half"),
    ],
    ids=["channels", "kernel-too-large", "2-d-input", "pool-too-large", "bias", "weight", "dtype", "stride",
         "padding", "pool-padding"],
)  # fmt: skip
def test_errors_are_pytorchs(call, message) -> None:
    with pytest.raises(RuntimeError, match=message):
        call()


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: nn.Conv2d(1, 2, 2.5), TypeError, r"kernel_size must be an int or a tuple of 2 ints, got 2.5"),
        (lambda: nn.Conv2d(1, 2, 3, padding="full"), ValueError, r"Invalid padding string 'full'"),
        (lambda: nn.Conv2d(1, 2, 3, stride=2, padding="same"), ValueError, "not supported for strided"),
        (lambda: nn.Conv2d(3, 2, 3, groups=2), ValueError, "in_channels must be divisible by groups"),
        (lambda: nn.Conv2d(1, 2, 3, padding_mode="wrap"), ValueError, "padding_mode must be one of"),
    ],
)  # fmt: skip
def test_bad_settings_are_refused_by_name(call, error, message) -> None:
    with pytest.raises(error, match=message):
        call()


# ------------------------------------------------------------------------- pooling


def test_tied_maxima_give_the_gradient_to_the_first_as_pytorch() -> None:
    """MNIST's background is exactly 0, so a window of background ties four ways: the
    first maximum in reading order gets the whole gradient, as in PyTorch."""
    x = np.zeros((1, 1, 2, 4), np.float32)
    x[0, 0, :, 2:] = [[3, 1], [3, 2]]  # the right window: 3 twice
    t = tt.tensor(x, requires_grad=True)
    out = F.max_pool2d(t, 2)
    np.testing.assert_array_equal(values(out), [[[[0, 3]]]])
    out.backward(tt.tensor([[[[4.0, 6.0]]]]))
    np.testing.assert_array_equal(values(t.grad)[0, 0], [[4, 0, 6, 0], [0, 0, 0, 0]])


def test_pooling_modules_match_their_functions_and_drop_the_ragged_edge() -> None:
    x = images(2, 3, 7, 6)
    out = nn.MaxPool2d(2)(x)
    assert out.shape == (2, 3, 3, 3)  # the last row of 7 fits no window: dropped
    assert nn.MaxPool2d(2, ceil_mode=True)(x).shape == (2, 3, 4, 3)  # unless ceil_mode
    np.testing.assert_array_equal(values(out), values(F.max_pool2d(x, 2)))
    np.testing.assert_array_equal(values(nn.AvgPool2d(3, 1)(x)), values(F.avg_pool2d(x, 3, 1)))
    assert repr(nn.MaxPool2d(2)) == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"


def test_average_pooling_counts_padding_unless_told_not_to() -> None:
    x = tt.ones(1, 1, 3, 3)
    corner = F.avg_pool2d(x, 3, stride=1, padding=1)[0, 0, 0, 0].item()
    assert corner == pytest.approx(4 / 9)  # 4 ones and 5 zeros of padding
    assert F.avg_pool2d(x, 3, 1, 1, count_include_pad=False)[0, 0, 0, 0].item() == 1


def test_adaptive_average_pooling_is_global_pooling_at_one() -> None:
    x = images(2, 3, 5, 7)
    np.testing.assert_allclose(values(nn.AdaptiveAvgPool2d(1)(x))[..., 0, 0], values(x).mean(axis=(2, 3)),
                               rtol=1e-5, atol=1e-6)  # fmt: skip
    assert nn.AdaptiveAvgPool2d((2, 3))(x).shape == (2, 3, 2, 3)


# ------------------------------------------------------------------- BatchNorm2d


def test_batchnorm_normalises_in_training_and_tracks_running_statistics() -> None:
    bn = nn.BatchNorm2d(3)
    x = images(8, 3, 4, 5) * 2 + 1
    out = values(bn(x))
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-5)
    np.testing.assert_allclose(out.var(axis=(0, 2, 3)), 1, atol=1e-3)
    channels = values(x).transpose(1, 0, 2, 3).reshape(3, -1)
    np.testing.assert_allclose(values(bn.running_mean), 0.1 * channels.mean(axis=1), rtol=1e-5)
    unbiased = channels.var(axis=1, ddof=1)  # as PyTorch: the running variance is unbiased
    np.testing.assert_allclose(values(bn.running_var), 0.9 + 0.1 * unbiased, rtol=1e-5)
    assert bn.num_batches_tracked.item() == 1


def test_batchnorm_in_eval_uses_the_running_statistics_and_leaves_them() -> None:
    bn = nn.BatchNorm2d(2)
    for seed in range(5):
        bn(images(4, 2, 3, 3, seed=seed) + 3)
    bn.eval()
    mean, var = values(bn.running_mean).copy(), values(bn.running_var).copy()
    x = images(1, 2, 3, 3, seed=9)
    expected = (values(x) - mean[:, None, None]) / np.sqrt(var[:, None, None] + 1e-5)
    np.testing.assert_allclose(values(bn(x)), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(values(bn.running_mean), mean)
    assert bn.num_batches_tracked.item() == 5


def test_batchnorm_without_momentum_keeps_a_cumulative_average() -> None:
    bn = nn.BatchNorm2d(1, momentum=None)
    batches = [images(2, 1, 2, 2, seed=s) + s for s in range(4)]
    for x in batches:
        bn(x)
    np.testing.assert_allclose(values(bn.running_mean), np.mean([values(x).mean() for x in batches]), rtol=1e-5)


def test_batchnorm_without_running_statistics_always_uses_the_batch() -> None:
    bn = nn.BatchNorm1d(3, affine=False, track_running_stats=False).eval()
    assert list(bn.state_dict()) == [] and list(bn.parameters()) == []
    out = values(bn(images(6, 3) * 5 + 2))
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-5)


def test_batchnorm_refuses_the_wrong_input() -> None:
    with pytest.raises(RuntimeError, match=r"input of shape \(2, 3, 4, 4\) has 3 channels, num_features is 4"):
        nn.BatchNorm2d(4)(tt.zeros(2, 3, 4, 4))
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input\)"):
        nn.BatchNorm2d(3)(tt.zeros(3, 4, 4))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        nn.BatchNorm1d(3)(tt.zeros(1, 3))


def test_buffers_are_saved_and_loaded_with_the_parameters() -> None:
    """state_dict holds what PyTorch's holds: parameters and buffers (named_buffers),
    so a model in evaluation mode comes back exactly."""
    tt.manual_seed(0)
    model = small_cnn()
    for seed in range(3):
        model(images(4, 1, 6, 6, seed=seed))
    state = model.state_dict()
    assert [n for n, _ in model.named_buffers()] == ["1.running_mean", "1.running_var", "1.num_batches_tracked"]
    assert set(state) == {n for n, _ in model.named_parameters()} | {n for n, _ in model.named_buffers()}
    assert state["1.num_batches_tracked"].item() == 3
    assert not any(isinstance(p, nn.Buffer) for p in model.parameters())
    tt.manual_seed(1)
    copy = small_cnn()
    copy.load_state_dict(state)
    x = images(2, 1, 6, 6, seed=7)
    np.testing.assert_array_equal(values(copy.eval()(x)), values(model.eval()(x)))
    with pytest.raises(RuntimeError, match=r'Missing key\(s\) in state_dict: "1.running_var"'):
        copy.load_state_dict({k: v for k, v in state.items() if k != "1.running_var"})


def test_to_float64_casts_float_buffers_but_not_counts() -> None:
    model = small_cnn().to(tt.float64)
    assert model[1].running_mean.dtype == tt.float64
    assert model[1].num_batches_tracked.dtype == tt.int64


# ------------------------------------------------------------------ a whole CNN


@pytest.mark.parametrize("training", [True, False])
def test_cnn_parameter_gradients_match_gradcheck(training: bool) -> None:
    tt.manual_seed(2)
    model = small_cnn().double()
    x = tt.tensor(np.random.default_rng(0).standard_normal((4, 1, 6, 6)))
    y = tt.tensor([0, 2, 1, 1])
    model(x)  # running statistics away from their start
    model.train(training)  # in training the batch's statistics, else the running ones
    assert tt.gradcheck(lambda *params: F.cross_entropy(model(x), y), list(model.parameters()))


def test_matches_pytorch_when_installed() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional extra")
    tt.manual_seed(0)
    model = small_cnn()
    reference = torch.nn.Sequential(
        torch.nn.Conv2d(1, 3, 3, padding=1), torch.nn.BatchNorm2d(3), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2), torch.nn.Conv2d(3, 4, 2), torch.nn.ReLU(),
        torch.nn.AvgPool2d(2), torch.nn.Flatten(), torch.nn.Linear(4, 3),
    )  # fmt: skip
    reference.load_state_dict({k: torch.from_numpy(values(v).copy()) for k, v in model.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((5, 1, 6, 6)).astype(np.float32)
    y = np.array([0, 1, 2, 0, 1])
    ours = F.cross_entropy(model(tt.tensor(x)), tt.tensor(y))
    ours.backward()
    theirs = torch.nn.functional.cross_entropy(reference(torch.from_numpy(x)), torch.from_numpy(y))
    theirs.backward()
    assert math.isclose(ours.item(), theirs.item(), rel_tol=1e-5)
    grads = dict(reference.named_parameters())
    for name, p in model.named_parameters():
        np.testing.assert_allclose(values(p.grad), grads[name].grad.numpy(), rtol=1e-4, atol=1e-6)
    for name, b in model.named_buffers():
        np.testing.assert_allclose(values(b), reference.state_dict()[name].numpy(), rtol=1e-5)
