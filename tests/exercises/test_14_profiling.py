"""Exercises of book/modules/14_profiling.md, done as a student would."""

import tinytorch as torch
from tinytorch import autograd, nn, perf


def mlp() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))


def test_a_linear_layer_counts_batch_times_out_times_in() -> None:
    layer = nn.Linear(64, 32)
    with torch.no_grad(), perf.profile(layer) as prof:
        layer(torch.randn(8, 64))
    assert prof.ops["Linear"].forward_macs == 8 * 32 * 64
    assert prof.ops["Linear"].backward_macs == 0  # no graph, no backward


def test_the_first_layer_backward_costs_one_product_the_second_two() -> None:
    model = mlp()
    x, y = torch.randn(16, 64), torch.arange(16) % 10
    with perf.profile(model) as prof:
        nn.functional.cross_entropy(model(x), y).backward()
    first, second = prof.modules["0"], prof.modules["2"]
    assert first.forward_macs == 16 * 32 * 64
    assert second.forward_macs == 16 * 10 * 32
    # the first layer needs only its weight's gradient; the second also its input's
    assert first.backward_macs == first.forward_macs
    assert second.backward_macs == 2 * second.forward_macs


def test_the_work_per_image_does_not_depend_on_the_batch() -> None:
    model = mlp()
    per_image = []
    for batch in (1, 64):
        x, y = torch.randn(batch, 64), torch.arange(batch) % 10
        with perf.profile(model) as prof:
            nn.functional.cross_entropy(model(x), y).backward()
        per_image.append(prof.gemm_macs / batch)
    assert per_image[0] == per_image[1] == 2 * 64 * 32 + 3 * 32 * 10


def test_a_convolution_counts_filters_times_patch_times_pixels() -> None:
    torch.manual_seed(0)
    conv = nn.Conv2d(1, 4, 3)
    with torch.no_grad(), perf.profile(conv) as prof:
        conv(torch.randn(1, 1, 8, 8))
    assert prof.ops["Unfold"].macs == 0  # im2col copies, it does not multiply
    assert prof.ops["MatMul"].forward_macs == 4 * (1 * 3 * 3) * (6 * 6)


def test_profiling_changes_no_result_and_unhooks_itself() -> None:
    model = mlp()
    x = torch.randn(5, 64)
    with torch.no_grad():
        before = model(x)
        with perf.profile(model):
            inside = model(x)
    assert torch.equal(before, inside)
    assert autograd.hook is None
