"""Exercises of book/modules/18_acceleration.md, done as a student would."""

import numpy as np

import tinytorch as torch
from tinytorch import nn, perf


def graph_nodes(out: torch.Tensor) -> list[str]:
    """The class names of the nodes `backward()` would walk, from `out` down."""
    seen, stack, names = set(), [out.grad_fn], []
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        names.append(type(node).__name__)
        stack.extend(t.grad_fn for t in node.inputs)
    return names


def test_the_fused_layer_is_one_node_and_gives_the_same_gradients() -> None:
    torch.manual_seed(0)
    layer = nn.Linear(16, 8)
    x = torch.randn(4, 16)
    composed = x @ layer.weight.T + layer.bias
    fused = layer(x)
    assert graph_nodes(fused) == ["Linear"]
    assert len(graph_nodes(composed)) == 3  # a transpose, a product, an addition
    grads = []
    for out in (composed, fused):
        layer.zero_grad()
        out.sum().backward()
        grads.append((layer.weight.grad.numpy().copy(), layer.bias.grad.numpy().copy()))
    for composed_grad, fused_grad in zip(*grads, strict=True):
        assert np.allclose(composed_grad, fused_grad, rtol=1e-5, atol=1e-6)


def test_the_fused_layer_computes_no_gradient_for_the_data() -> None:
    torch.manual_seed(0)
    layer = nn.Linear(16, 8)
    work = {}
    for needs in (False, True):
        x = torch.randn(4, 16, requires_grad=needs)
        with perf.profile(layer) as prof:
            layer(x).sum().backward()
        work[needs] = prof.ops["Linear"]
        assert (x.grad is not None) == needs
    assert work[False].backward_macs == work[False].forward_macs  # the weight's only
    assert work[True].backward_macs == 2 * work[True].forward_macs


def test_a_cube_by_multiplication_is_the_same_number_as_pow() -> None:
    values = np.random.default_rng(0).standard_normal(1000).astype(np.float32)
    x = torch.tensor(values, requires_grad=True)
    cube = x**3
    assert torch.equal(cube, x * x * x)  # bit for bit: it is x * x * x
    assert np.allclose(cube.detach().numpy(), np.power(values, 3.0), rtol=1e-6)
    cube.sum().backward()
    assert np.allclose(x.grad.numpy(), 3 * values**2, rtol=1e-5)
