"""Exercises of book/modules/20_capstone.md, done as a student would."""

from pathlib import Path

import tinytorch as torch
from milestones import olympics
from tinytorch import nn, perf

BASE = olympics.Entry("float32", bytes=400_000, accuracy=0.97, seconds=10e-6)


def winners(*entries: olympics.Entry) -> dict[str, str | None]:
    return {row["event"]: row["winner"] for row in olympics.standings([BASE, *entries])}


def mlp() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


def test_a_tie_goes_to_the_baseline() -> None:
    twin = olympics.Entry("twin", BASE.bytes, BASE.accuracy, BASE.seconds)
    assert winners(twin)["Latency Sprint"] == "float32"
    assert winners(twin)["Memory Challenge"] == "float32"


def test_a_fast_model_that_loses_too_much_accuracy_is_out_of_the_sprint() -> None:
    careless = olympics.Entry("careless", BASE.bytes, 0.955, BASE.seconds / 2)
    careful = olympics.Entry("careful", BASE.bytes, 0.965, BASE.seconds / 2)
    assert winners(careless)["Latency Sprint"] == "float32"  # 1.5 points lost
    assert winners(careful)["Latency Sprint"] == "careful"  # half a point lost


def test_the_accuracy_contest_needs_a_tenth_of_the_bytes() -> None:
    ninth = olympics.Entry("a ninth", BASE.bytes // 9, 0.96, BASE.seconds)
    tenth = olympics.Entry("a tenth", BASE.bytes // 10, 0.90, BASE.seconds)
    assert winners(ninth)["Accuracy Contest"] is None  # not even the baseline enters
    assert winners(ninth, tenth)["Accuracy Contest"] == "a tenth"


def test_pruned_and_sparse_int8_is_the_smallest_file(tmp_path: Path) -> None:
    model = mlp()
    int8 = perf.save(perf.quantize(model), tmp_path / "int8.npz")
    perf.global_unstructured(model, 0.9)
    dense = perf.save(perf.quantize(model), tmp_path / "dense.npz")
    sparse = perf.save(perf.quantize(model), tmp_path / "sparse.npz", sparse=True)
    assert sparse < dense < int8


def test_the_first_layer_does_nearly_all_the_multiply_adds() -> None:
    model = mlp()
    with torch.no_grad(), perf.profile(model) as prof:
        model(torch.rand(100, 784))
    assert prof.modules["0"].macs == 100 * 784 * 128
    assert prof.modules["2"].macs == 100 * 128 * 10
    assert prof.modules["0"].macs / prof.macs > 0.98
