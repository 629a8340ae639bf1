"""The surface keeps to PyTorch's names: every Tensor method and every name of the
tinytorch namespace is PyTorch's (or one of tinytorch's own, listed in EXTRAS), and
an in-place method comes with its out-of-place twin wherever PyTorch has one."""

from __future__ import annotations

import tinytorch as tt
from tinytorch import compatibility


def test_every_tensor_method_is_a_pytorch_tensor_method() -> None:
    pytorch = compatibility.pytorch_names()["torch.Tensor"]
    ours = {n for n in dir(tt.Tensor) if not n.startswith("_")}
    assert sorted(ours - pytorch) == []


def test_every_name_of_the_namespace_is_pytorchs_or_tinytorchs_own() -> None:
    pytorch = compatibility.pytorch_names()["torch"]
    own = {name.removeprefix("tinytorch.") for name in compatibility.EXTRAS}
    assert sorted(set(tt.__all__) - pytorch - own) == []


def test_every_in_place_method_has_its_out_of_place_twin_where_pytorch_does() -> None:
    pytorch = compatibility.pytorch_names()["torch.Tensor"]
    in_place = [n for n in dir(tt.Tensor) if n.endswith("_") and not n.startswith("_")]
    twins = {n: hasattr(tt.Tensor, n[:-1]) for n in in_place}
    assert twins == {n: n[:-1] in pytorch for n in in_place}
