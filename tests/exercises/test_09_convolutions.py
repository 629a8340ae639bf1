"""The exercises of book/modules/09_convolutions.md, done as a student would."""

from __future__ import annotations

import tinytorch as torch
import tinytorch.nn.functional as F
from tinytorch import nn
from tinytorch.datasets import load_tinydigits


def test_a_convolution_counts_its_weights_not_its_pixels() -> None:
    conv = nn.Conv2d(3, 16, 5)
    assert sum(p.numel() for p in conv.parameters()) == 16 * (3 * 5 * 5 + 1)
    with torch.no_grad():
        assert conv(torch.zeros(1, 3, 32, 32)).shape == (1, 16, 28, 28)
        assert conv(torch.zeros(1, 3, 64, 64)).shape == (1, 16, 60, 60)
        padded = nn.Conv2d(3, 16, 5, padding=2)
        assert padded(torch.zeros(1, 3, 32, 32)).shape == (1, 16, 32, 32)
        strided = nn.Conv2d(3, 16, 5, padding=2, stride=2)
        assert strided(torch.zeros(1, 3, 32, 32)).shape == (1, 16, 16, 16)


def test_a_one_hot_filter_moves_the_image() -> None:
    x_train = load_tinydigits()[0]
    digit = torch.tensor(x_train[:1].reshape(1, 1, 8, 8))
    right = torch.zeros(1, 1, 3, 3)
    right[0, 0, 1, 2] = 1.0  # a single one, in the middle of the right column
    out = F.conv2d(digit, right, padding=1)
    # cross-correlation: out[i, j] = digit[i, j + 1], the digit moved one pixel left
    assert torch.equal(out[..., :, :-1], digit[..., :, 1:])
    assert torch.equal(out[..., :, -1], torch.zeros(1, 1, 8))
    assert not torch.equal(out[..., :, 1:], digit[..., :, :-1])  # not moved right


def test_im2col_copies_each_pixel_once_per_window() -> None:
    image = torch.randn(1, 1, 28, 28)
    sizes = {}
    for k in (3, 5):
        columns = torch.ops.Unfold.apply(image, kernel_size=(k, k), stride=(1, 1),
                                         padding=(k // 2, k // 2))  # fmt: skip
        sizes[k] = columns.numel() / image.numel()
    assert sizes == {3: 9, 5: 25}


def test_max_pooling_forgives_a_shift_inside_its_window() -> None:
    def dot(i: int, j: int) -> torch.Tensor:
        x = torch.zeros(1, 1, 4, 4)
        x[0, 0, i, j] = 1.0
        return F.max_pool2d(x, 2)

    assert torch.equal(dot(0, 0), dot(1, 1))  # moved inside one window: same answer
    assert not torch.equal(dot(1, 1), dot(1, 2))  # across a window's edge: another


def test_batch_norm_depends_on_the_batch_only_in_training() -> None:
    torch.manual_seed(0)
    bn = nn.BatchNorm2d(3)
    x = torch.randn(8, 3, 4, 4) * 5 + 2
    with torch.no_grad():
        bn.train()
        alone = bn(x[:2])[0]
        together = bn(x)[0]
        assert (alone - together).abs().max().item() > 1e-3
        bn.eval()
        assert torch.allclose(bn(x[:2])[0], bn(x)[0])
    assert [name for name, _ in bn.named_buffers()][:2] == [
        "running_mean",
        "running_var",
    ]
    assert {name for name, _ in bn.named_parameters()} == {"weight", "bias"}
