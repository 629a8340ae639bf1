"""Exercises of book/milestones/06_olympics.md, done as a student would."""

import numpy as np
import pytest

import tinytorch as torch
from milestones import load, olympics
from tinytorch import perf

lenet = load("04_1998_cnn/03_lecun_mnist")
BASE = olympics.Entry("float32", bytes=240_000, accuracy=0.99, seconds=50e-6)


def lenet5() -> torch.nn.Sequential:
    torch.manual_seed(0)
    return lenet.lenet5()


def test_exactly_one_point_lost_still_qualifies() -> None:
    assert 0.99 - 0.98 > 0.01  # floating point: a hair more than one point
    one_point = olympics.Entry("one point", 24_000, 0.98, 40e-6)
    more = olympics.Entry("more", 12_000, 0.9799, 20e-6)
    rows = {r["event"]: r for r in olympics.standings([BASE, one_point, more])}
    assert rows["Latency Sprint"]["winner"] == "one point"
    assert rows["Memory Challenge"]["winner"] == "one point"
    assert rows["Accuracy Contest"]["winner"] == "one point"  # a tenth of the bytes


def test_an_extreme_push_of_your_own(monkeypatch: pytest.MonkeyPatch) -> None:
    push = olympics.Event(
        "Extreme Push",
        "smallest file, losing at most 5 points of accuracy",
        "bytes",
        True,
        lambda entry, base: round(100 * (base.accuracy - entry.accuracy), 9) <= 5,
    )
    monkeypatch.setattr(olympics, "EVENTS", (*olympics.EVENTS, push))
    careful = olympics.Entry("careful", 60_000, 0.985, 50e-6)
    bold = olympics.Entry("bold", 8_000, 0.95, 50e-6)
    rows = {r["event"]: r for r in olympics.standings([BASE, careful, bold])}
    assert rows["Memory Challenge"]["winner"] == "careful"
    assert rows["Extreme Push"]["winner"] == "bold"
    assert rows["Extreme Push"]["gain"] == 30  # 240,000 bytes / 8,000


def test_an_int8_lenet_holds_more_than_its_int8_weights() -> None:
    model = lenet5()
    held = perf.state(perf.quantize(model))
    weights = sum(a.nbytes for k, a in held.items() if k.endswith("_int8"))
    payload = sum(a.nbytes for a in held.values())
    float_bytes = 4 * sum(p.numel() for p in model.parameters())
    assert len(held) == 4 * 5  # weight, scale, bias, input scale per layer
    assert float_bytes / weights > 3.9  # the weights alone: nearly a quarter
    assert float_bytes / payload < float_bytes / weights  # scales and biases stay


def test_removing_lenets_channels_cuts_the_work_more_than_the_channels() -> None:
    model = lenet5()
    masks = perf.ln_structured(model, 0.5)
    thin = perf.remove_pruned_channels(model, masks)
    image = torch.rand(1, 1, 28, 28)
    work = {}
    with torch.no_grad():
        for name, m in (("zeros", model), ("removed", thin)):
            with perf.profile(m) as prof:
                out = m(image).numpy()
            work[name] = (prof.modules["3"].macs, out)
    assert np.allclose(work["zeros"][1], work["removed"][1], atol=1e-6)
    # the second convolution lost half its filters and half its input channels
    assert work["removed"][0] * 4 == pytest.approx(work["zeros"][0], rel=0.05)
    assert thin[7].in_features == 8 * 5 * 5  # the Flatten's blocks went too
