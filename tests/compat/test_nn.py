"""torch.nn against PyTorch: Module's rules (registration, state_dict, to, train),
the containers, every layer, activation and loss forward and backward from the same
weights, nn.init and nn.utils."""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np
import pytest

from .harness import Case, case, check

CASES_HERE: list[Case] = []


def here(id: str, *names: str, **options) -> object:
    def register(run):
        made = case(id, *names, **options)(run)
        CASES_HERE.append(made)
        return made

    return register


def data(*shape: int, seed: int = 0, dtype=np.float32) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def leaf(m, *shape: int, seed: int = 0, dtype=np.float32):
    return m.tensor(data(*shape, seed=seed, dtype=dtype), requires_grad=True)


def loaded(m, module, seed: int = 0):
    """`module` with the same weights in both libraries, drawn by numpy (variances
    positive)."""
    rng = np.random.default_rng(seed)
    state = {}
    for key, value in module.state_dict().items():
        if value.is_floating_point():
            values = rng.standard_normal(tuple(value.shape)).astype(np.float32)
            values = np.abs(values) + 0.5 if key.endswith("running_var") else values
            state[key] = m.tensor(values, dtype=value.dtype)
        else:
            state[key] = value
    module.load_state_dict(state)
    return module


def run_layer(m, module, x, seed: int = 1):
    """The layer's output and the gradients of sum(output * weights) for its
    input and parameters."""
    out = module(x)
    (out * m.tensor(data(*out.shape, seed=seed, dtype=np.float64), dtype=out.dtype)).sum().backward()
    return out, x.grad, {name: p.grad for name, p in module.named_parameters()}


# ------------------------------------------------------------------ Module's rules


@here("Module registers parameters, buffers and children in order", "tinytorch.nn.Module", "tinytorch.nn.Parameter",
      "tinytorch.nn.Buffer", "tinytorch.nn.ModuleList")
def _(m):
    class Net(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = m.nn.Linear(2, 3)
            self.scale = m.nn.Parameter(m.ones(3))
            self.register_buffer("steps", m.zeros(1))
            self.stats = m.nn.Buffer(m.ones(2), persistent=False)
            self.blocks = m.nn.ModuleList([m.nn.Linear(3, 3) for _ in range(2)])
            self.plain = [m.nn.Linear(3, 3)]  # a list: not registered, as in PyTorch
            self.count = 3

    net = Net()
    return ([n for n, _ in net.named_parameters()], [n for n, _ in net.named_buffers()],
            list(net.state_dict()), [n for n, _ in net.named_modules()],
            [n for n, _ in net.named_children()], len(list(net.parameters())),
            len(list(net.parameters(recurse=False))), len(list(net.buffers())), net.count)


@here("assigning the wrong kind to a parameter's name", "tinytorch.nn.Module")
def _(m):
    layer = m.nn.Linear(2, 2)
    layer.weight = m.ones(2, 2)


@here("assigning the wrong kind to a child's name", "tinytorch.nn.Module")
def _(m):
    net = m.nn.Sequential(m.nn.Linear(2, 2))
    net.__setattr__("0", 3)


@here("assigning the wrong kind to a buffer's name", "tinytorch.nn.Module")
def _(m):
    bn = m.nn.BatchNorm1d(2)
    bn.running_mean = 3


@here("register_buffer over an attribute", "tinytorch.nn.Module")
def _(m):
    layer = m.nn.Linear(2, 2)
    layer.register_buffer("in_features", m.zeros(1))


@here("register_parameter of a plain tensor", "tinytorch.nn.Module")
def _(m):
    m.nn.Linear(2, 2).register_parameter("extra", m.zeros(1))


@here("a dotted buffer name", "tinytorch.nn.Module")
def _(m):
    m.nn.Linear(2, 2).register_buffer("a.b", m.zeros(1))


@here("add_module of a non-module", "tinytorch.nn.Module")
def _(m):
    m.nn.Linear(2, 2).add_module("x", 3)


@here("None parameters and deletion", "tinytorch.nn.Module")
def _(m):
    layer = m.nn.Linear(2, 3)
    layer.bias = None
    names = [n for n, _ in layer.named_parameters()]
    del layer.weight
    return names, [n for n, _ in layer.named_parameters()], list(layer.state_dict())


@here("a layer used twice is one set of parameters", "tinytorch.nn.Sequential", "tinytorch.nn.Module")
def _(m):
    shared = m.nn.Linear(3, 3)
    net = m.nn.Sequential(shared, m.nn.ReLU(), shared)
    tied = m.nn.Sequential(m.nn.Embedding(4, 3), m.nn.Linear(3, 4, bias=False))
    tied[1].weight = tied[0].weight
    return (len(list(net.parameters())), [n for n, _ in net.named_parameters()], list(net.state_dict()),
            [n for n, _ in net.named_modules()], len(list(tied.parameters())), list(tied.state_dict()))


@here("state_dict shares memory and detaches", "tinytorch.nn.Module")
def _(m):
    layer = loaded(m, m.nn.Linear(2, 2))
    state = layer.state_dict()
    state["weight"][0, 0] = 5.0
    kept = layer.state_dict(keep_vars=True)
    return layer.weight, state["weight"].requires_grad, kept["weight"].requires_grad


@here("load_state_dict, strict and not", "tinytorch.nn.Module")
def _(m):
    a, b = loaded(m, m.nn.Linear(2, 3), 0), loaded(m, m.nn.Linear(2, 3), 1)
    result = b.load_state_dict(a.state_dict())
    partial = {"weight": m.zeros(3, 2), "extra": m.zeros(1)}
    missing, unexpected = b.load_state_dict(partial, strict=False)
    return tuple(result), missing, unexpected, b.weight, b.bias, repr(result)


def _load_state_dict_errors_as_pytorch(problem: str) -> None:
    def run(m):
        layer = m.nn.Linear(2, 3)
        state = dict(layer.state_dict())
        if problem == "missing":
            del state["bias"]
        elif problem == "unexpected":
            state["extra"] = m.zeros(1)
        elif problem == "shape":
            state["weight"] = m.zeros(2, 2)
        else:
            state["weight"] = np.zeros((3, 2), np.float32)
        layer.load_state_dict(state)

    here(f"load_state_dict {problem}")(run)


for problem in ["missing", "unexpected", "shape", "array"]:
    _load_state_dict_errors_as_pytorch(problem)


@here("to, double, float, half, cpu keep the parameters", "tinytorch.nn.Module")
def _(m):
    net = m.nn.Sequential(m.nn.Linear(2, 2), m.nn.BatchNorm1d(2))
    weight = net[0].weight
    net.double()
    dtypes = [net[0].weight.dtype, net[1].running_mean.dtype, net[1].num_batches_tracked.dtype]
    net.to(m.float32).to("cpu").to(m.device("cpu")).cpu()
    dtypes.append(net[0].weight.dtype)
    net.half()
    dtypes.append(net[1].weight.dtype)
    net.to(m.zeros(1, dtype=m.float64))
    return dtypes, net[0].weight is weight, net[0].weight.dtype


@here("to(an integer dtype) is an error", "tinytorch.nn.Module")
def _(m):
    m.nn.Linear(2, 2).to(m.int64)


@here("train and eval reach every module", "tinytorch.nn.Module")
def _(m):
    net = m.nn.Sequential(m.nn.Linear(2, 2), m.nn.Sequential(m.nn.Dropout(), m.nn.BatchNorm1d(2)))
    modes = [mod.training for mod in net.modules()]
    net.eval()
    modes += [mod.training for mod in net.modules()]
    returned = net.train() is net
    return modes, [mod.training for mod in net.modules()], returned


@here("train(mode) must be a bool", "tinytorch.nn.Module")
def _(m):
    m.nn.Linear(2, 2).train(1)


@here("zero_grad, requires_grad_, apply", "tinytorch.nn.Module")
def _(m):
    net = loaded(m, m.nn.Sequential(m.nn.Linear(2, 2), m.nn.Tanh(), m.nn.Linear(2, 1)))
    net(m.ones(3, 2)).sum().backward()
    net.zero_grad(set_to_none=False)
    zeros = [p.grad for p in net.parameters()]
    net.zero_grad()
    cleared = [p.grad is None for p in net.parameters()]
    net.requires_grad_(False)
    frozen = [p.requires_grad for p in net.parameters()]
    seen = []
    net.apply(lambda mod: seen.append(type(mod).__name__))
    return zeros, cleared, frozen, seen


@here("an unknown attribute is an AttributeError", "tinytorch.nn.Module")
def _(m):
    return m.nn.Linear(2, 2).no_such_thing


@here("reprs as PyTorch prints them", "tinytorch.nn.Module", "tinytorch.nn.Sequential", "tinytorch.nn.ModuleList",
      "tinytorch.nn.ModuleDict")
def _(m):
    nn = m.nn
    net = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(inplace=True),
        nn.MaxPool2d(2), nn.Conv1d(2, 2, 3, padding="same", dilation=2, groups=2, padding_mode="reflect"),
        nn.AvgPool2d(2), nn.AvgPool1d(3), nn.MaxPool1d(2, 1), nn.AdaptiveAvgPool2d((2, None)),
        nn.AdaptiveAvgPool1d(3), nn.Flatten(), nn.Unflatten(1, (2, 2)), nn.Identity(), nn.Dropout(0.1),
        nn.Linear(4, 2), nn.GELU(), nn.GELU(approximate="tanh"), nn.LeakyReLU(0.2), nn.ELU(), nn.SiLU(),
        nn.Softplus(beta=2.0), nn.Sigmoid(), nn.Tanh(), nn.Softmax(dim=1), nn.LogSoftmax(dim=-1),
        nn.LayerNorm(4), nn.LayerNorm((2, 3), elementwise_affine=False), nn.Embedding(5, 2, padding_idx=0),
        nn.BatchNorm1d(3, momentum=None, affine=False, track_running_stats=False),
        nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU()]), nn.ModuleDict({"a": nn.ReLU()}),
        nn.CrossEntropyLoss(), nn.MSELoss(), nn.L1Loss(), nn.NLLLoss(), nn.BCELoss(), nn.BCEWithLogitsLoss(),
        nn.SmoothL1Loss(), nn.HuberLoss(),
    )  # fmt: skip
    return repr(net), repr(nn.ModuleList()), repr(nn.Sequential()), str(nn.Conv2d(2, 3, 2, padding="valid"))


# --------------------------------------------------------------------- containers


@here("Sequential: indexing, slicing, append, OrderedDict", "tinytorch.nn.Sequential")
def _(m):
    nn = m.nn
    net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    named = nn.Sequential(OrderedDict([("first", nn.Linear(2, 2)), ("act", nn.Tanh())]))
    part = net[1:]
    net.append(nn.Sigmoid())
    del net[0]
    return (type(net[-1]).__name__, type(part).__name__, list(part._modules), len(net), list(net._modules),
            [type(x).__name__ for x in net], list(named._modules), type(named.first).__name__)


@here("Sequential index out of range", "tinytorch.nn.Sequential")
def _(m):
    return m.nn.Sequential(m.nn.ReLU())[3]


@here("Sequential computes the chain", "tinytorch.nn.Sequential")
def _(m):
    net = loaded(m, m.nn.Sequential(m.nn.Linear(3, 4), m.nn.ReLU(), m.nn.Linear(4, 2)))
    return run_layer(m, net, leaf(m, 5, 3))


@here("ModuleList: append, extend, insert, slices, +=", "tinytorch.nn.ModuleList")
def _(m):
    nn = m.nn
    layers = nn.ModuleList([nn.Linear(2, 2)])
    layers.append(nn.ReLU())
    layers.extend([nn.Tanh(), nn.Sigmoid()])
    layers.insert(1, nn.Identity())
    layers += [nn.GELU()]
    popped = layers.pop(0)
    part = layers[1:3]
    return ([type(x).__name__ for x in layers], len(layers), type(part).__name__, list(part._modules),
            type(popped).__name__, type(layers[-1]).__name__, [n for n, _ in layers.named_children()])


@here("ModuleDict: keys, items, update, pop, in", "tinytorch.nn.ModuleDict")
def _(m):
    nn = m.nn
    layers = nn.ModuleDict({"a": nn.Linear(2, 2), "b": nn.ReLU()})
    layers["c"] = nn.Tanh()
    layers.update({"d": nn.Sigmoid()})
    popped = layers.pop("a")
    return (list(layers.keys()), [type(v).__name__ for v in layers.values()], "b" in layers, len(layers),
            type(popped).__name__, [k for k in layers], [k for k, _ in layers.items()],
            [n for n, _ in layers.named_parameters()])


@here("ParameterList and ParameterDict make Parameters", "tinytorch.nn.ParameterList", "tinytorch.nn.ParameterDict")
def _(m):
    nn = m.nn
    plist = nn.ParameterList([m.ones(2), nn.Parameter(m.zeros(3))])
    plist.append(m.ones(1))
    pdict = nn.ParameterDict({"w": m.ones(2)})
    pdict["b"] = m.zeros(1)

    class Holder(nn.Module):
        def __init__(self):
            super().__init__()
            self.plist, self.pdict = plist, pdict

    return (len(plist), [isinstance(p, nn.Parameter) for p in plist], list(pdict.keys()), "w" in pdict,
            [n for n, _ in Holder().named_parameters()], plist[1], pdict["w"])


# ---------------------------------------------------------------------- Parameter


@here("Parameter shares its tensor's memory and requires grad", "tinytorch.nn.Parameter")
def _(m):
    t = m.zeros(3)
    p = m.nn.Parameter(t)
    t[0] = 5.0
    frozen = m.nn.Parameter(m.ones(2), requires_grad=False)
    empty = m.nn.Parameter()
    return p, p.requires_grad, p.is_leaf, frozen.requires_grad, empty.shape, repr(p).startswith("Parameter containing:")


@here("an integer Parameter cannot require grad", "tinytorch.nn.Parameter")
def _(m):
    m.nn.Parameter(m.tensor([1, 2]))


# -------------------------------------------------------------- linear, flatten


@here("Linear forward and backward, batches of any rank", "tinytorch.nn.Linear", "tinytorch.nn.functional.linear")
def _(m):
    layer = loaded(m, m.nn.Linear(4, 3))
    plain = m.nn.functional.linear(m.tensor(data(2, 4)), layer.weight.detach())
    return run_layer(m, layer, leaf(m, 2, 5, 4)), plain, layer.weight.shape, layer.bias.shape


@here("Linear with another dtype's input", "tinytorch.nn.Linear")
def _(m):
    m.nn.Linear(2, 2)(m.zeros(1, 2, dtype=m.float64))


@here("Linear's initial weights and factory keywords", "tinytorch.nn.Linear")
def _(m):
    m.manual_seed(0)
    layer = m.nn.Linear(400, 300, device="cpu", dtype=m.float64)
    bound = 1 / math.sqrt(400)
    w = layer.weight.detach()
    return (layer.weight.dtype, bool(w.abs().max() <= bound), bool(w.abs().max() > 0.99 * bound),
            bool(layer.bias.abs().max() <= bound), layer.bias.dtype, m.nn.Linear(2, 2, bias=False).bias)


@here("Identity, Flatten, Unflatten", "tinytorch.nn.Identity", "tinytorch.nn.Flatten", "tinytorch.nn.Unflatten")
def _(m):
    x = m.tensor(data(2, 3, 4, 5))
    return (m.nn.Identity(3, key=4)(x), m.nn.Flatten()(x).shape, m.nn.Flatten(0, 2)(x).shape,
            m.nn.Flatten(-2)(x).shape, m.nn.Unflatten(1, (3, 1))(x).shape, m.nn.Unflatten(-1, (-1, 5))(x).shape)


# -------------------------------------------------------------------- convolution

CONVS = {
    "plain": dict(),
    "stride and padding": dict(stride=2, padding=1),
    "pair settings": dict(stride=(2, 1), padding=(0, 2)),
    "same": dict(padding="same"),
    "same even kernel, dilation": dict(padding="same", dilation=2, kernel_size=4),
    "valid": dict(padding="valid"),
    "dilation": dict(dilation=(2, 1), padding=1),
    "groups": dict(groups=2, in_channels=4, out_channels=6),
    "depthwise": dict(groups=4, in_channels=4, out_channels=4),
    "no bias": dict(bias=False),
    "reflect": dict(padding=1, padding_mode="reflect"),
    "replicate": dict(padding=(1, 2), padding_mode="replicate"),
    "circular": dict(padding=2, padding_mode="circular"),
    "same, circular": dict(padding="same", kernel_size=4, padding_mode="circular"),
}


def _convolutions_as_pytorch(dims: int, settings: str) -> None:
    options = dict(in_channels=2, out_channels=3, kernel_size=3) | CONVS[settings]
    if dims == 1:
        options = {k: v[0] if isinstance(v, tuple) else v for k, v in options.items()}

    def run(m):
        layer = loaded(m, getattr(m.nn, f"Conv{dims}d")(**options))
        shape = (2, options["in_channels"], 9) + ((8,) if dims == 2 else ())
        return run_layer(m, layer, leaf(m, *shape))

    here(f"Conv{dims}d {settings}", f"tinytorch.nn.Conv{dims}d", rtol=1e-4, atol=1e-5)(run)


for dims in [1, 2]:
    for settings in list(CONVS):
        _convolutions_as_pytorch(dims, settings)


@here("conv1d, conv2d functions, unbatched input", "tinytorch.nn.functional.conv1d", "tinytorch.nn.functional.conv2d")
def _(m):
    F = m.nn.functional
    w2, w1 = m.tensor(data(4, 3, 2, 2, seed=2)), m.tensor(data(4, 3, 2, seed=3))
    return (F.conv2d(m.tensor(data(3, 5, 5)), w2, m.tensor(data(4)), stride=2),
            F.conv1d(m.tensor(data(3, 6)), w1, padding=1), F.conv2d(m.tensor(data(1, 3, 5, 5)), w2, dilation=2))


def _convolution_errors_as_pytorch(problem: str) -> None:
    def run(m):
        F = m.nn.functional
        x, w = m.zeros(2, 2, 4, 4), m.zeros(3, 2, 3, 3)
        calls = {
            "channels": lambda: F.conv2d(m.zeros(2, 1, 4, 4), w),
            "kernel too large": lambda: F.conv2d(m.zeros(1, 2, 2, 8), w),
            "2-d input": lambda: F.conv2d(m.zeros(4, 4), w),
            "bias": lambda: F.conv2d(x, w, m.zeros(2)),
            "dtype": lambda: F.conv2d(x.double(), w),
            "stride 0": lambda: F.conv2d(x, w, stride=0),
            "same with stride": lambda: m.nn.Conv2d(2, 3, 3, stride=2, padding="same"),
            "groups": lambda: m.nn.Conv2d(3, 4, 3, groups=2),
        }
        return calls[problem]()

    here(f"conv error: {problem}")(run)


for problem in ["channels", "kernel too large", "2-d input", "bias", "dtype", "stride 0",
                                     "same with stride", "groups"]:
    _convolution_errors_as_pytorch(problem)


@here("Conv2d's initial weights", "tinytorch.nn.Conv2d")
def _(m):
    m.manual_seed(0)
    conv = m.nn.Conv2d(16, 32, 5, groups=2)
    bound = 1 / math.sqrt(8 * 5 * 5)
    w = conv.weight.detach()
    return conv.weight.shape, bool(w.abs().max() <= bound), bool(w.abs().max() > 0.99 * bound), bool(
        conv.bias.abs().max() <= bound)


# ------------------------------------------------------------------------ pooling

POOLS = {
    "MaxPool2d(2)": ("MaxPool2d", (2,), {}),
    "MaxPool2d(3, 2, 1)": ("MaxPool2d", (3, 2, 1), {}),
    "MaxPool2d ceil_mode": ("MaxPool2d", (2,), dict(ceil_mode=True)),
    "MaxPool2d ceil_mode, padding": ("MaxPool2d", ((3, 2), 2, 1), dict(ceil_mode=True)),
    "MaxPool2d dilation": ("MaxPool2d", (2, 1), dict(dilation=2)),
    "AvgPool2d(2)": ("AvgPool2d", (2,), {}),
    "AvgPool2d(3, 2, 1)": ("AvgPool2d", (3, 2, 1), {}),
    "AvgPool2d no count_include_pad": ("AvgPool2d", (3, 2, 1), dict(count_include_pad=False)),
    "AvgPool2d ceil_mode": ("AvgPool2d", (3, 2, 1), dict(ceil_mode=True)),
    "AvgPool2d ceil_mode, no pad count": ("AvgPool2d", (3, 2, 1), dict(ceil_mode=True, count_include_pad=False)),
    "AvgPool2d divisor_override": ("AvgPool2d", (2,), dict(divisor_override=3)),
    "MaxPool1d(3, 2, 1)": ("MaxPool1d", (3, 2, 1), {}),
    "MaxPool1d ceil_mode": ("MaxPool1d", (2,), dict(ceil_mode=True)),
    "AvgPool1d(3, 2, 1)": ("AvgPool1d", (3, 2, 1), {}),
    "AvgPool1d ceil_mode": ("AvgPool1d", (2,), dict(ceil_mode=True, count_include_pad=False)),
    "AdaptiveAvgPool2d(1)": ("AdaptiveAvgPool2d", (1,), {}),
    "AdaptiveAvgPool2d divisible": ("AdaptiveAvgPool2d", ((3, 2),), {}),
    "AdaptiveAvgPool2d not divisible": ("AdaptiveAvgPool2d", ((4, 3),), {}),
    "AdaptiveAvgPool2d None": ("AdaptiveAvgPool2d", ((None, 2),), {}),
    "AdaptiveAvgPool1d": ("AdaptiveAvgPool1d", (4,), {}),
}


def _pooling_as_pytorch(name: str) -> None:
    kind, args, kwargs = POOLS[name]

    def run(m):
        layer = getattr(m.nn, kind)(*args, **kwargs)
        shape = (2, 3, 7) if kind.endswith("1d") else (2, 3, 7, 6)
        batched = run_layer(m, layer, leaf(m, *shape))
        return batched, layer(m.tensor(data(*shape[1:])))  # one image too

    here(name, f"tinytorch.nn.{kind}")(run)


for name in list(POOLS):
    _pooling_as_pytorch(name)


@here("pooling functions", "tinytorch.nn.functional.max_pool1d", "tinytorch.nn.functional.max_pool2d",
      "tinytorch.nn.functional.avg_pool1d", "tinytorch.nn.functional.avg_pool2d",
      "tinytorch.nn.functional.adaptive_avg_pool1d", "tinytorch.nn.functional.adaptive_avg_pool2d")
def _(m):
    F, x = m.nn.functional, m.tensor(data(1, 2, 6, 5))
    return (F.max_pool2d(x, 2), F.max_pool2d(x, (2, 3), stride=1), F.avg_pool2d(x, 3, padding=1),
            F.max_pool1d(x[0], 2), F.avg_pool1d(x[0], 2, ceil_mode=True), F.adaptive_avg_pool2d(x, 3),
            F.adaptive_avg_pool1d(x[0], 2))


@here("max pooling's gradient goes to the first maximum", "tinytorch.nn.functional.max_pool2d")
def _(m):
    x = m.tensor([[[[0.0, 0.0, 3.0, 1.0], [0.0, 0.0, 3.0, 2.0]]]], requires_grad=True)
    out = m.nn.functional.max_pool2d(x, 2)
    out.backward(m.tensor([[[[4.0, 6.0]]]]))
    return out, x.grad


def _pooling_errors_as_pytorch(problem: str) -> None:
    def run(m):
        F = m.nn.functional
        if problem == "too large":
            return F.max_pool2d(m.zeros(1, 1, 2, 2), 3)
        return F.max_pool2d(m.zeros(1, 1, 6, 6), 3, padding=2)

    here(f"pooling error: {problem}")(run)


for problem in ["too large", "padding above half the kernel"]:
    _pooling_errors_as_pytorch(problem)


# ---------------------------------------------------------------- normalisation


def _batch_norm_as_pytorch(kind: str, shape: tuple, options: dict) -> None:
    def run(m):
        bn = loaded(m, getattr(m.nn, kind)(3, **options))
        first = run_layer(m, bn, leaf(m, *shape))
        bn(m.tensor(data(*shape, seed=5)) * 2 + 1)
        state = bn.state_dict()
        bn.eval()
        return first, state, bn(m.tensor(data(*shape, seed=6))), list(state)

    here(f"{kind} {options}", f"tinytorch.nn.{kind}", "tinytorch.nn.functional.batch_norm", rtol=1e-4,
               atol=1e-5)(run)


for kind,shape,options in [
    ("BatchNorm1d", (5, 3), {}), ("BatchNorm1d", (4, 3, 6), {}), ("BatchNorm2d", (4, 3, 5, 5), {}),
    ("BatchNorm2d", (4, 3, 2, 2), dict(momentum=None)), ("BatchNorm2d", (4, 3, 2, 2), dict(affine=False)),
    ("BatchNorm1d", (5, 3), dict(track_running_stats=False)), ("BatchNorm2d", (3, 3, 2, 2), dict(eps=1e-3, momentum=0.5)),
]:
    _batch_norm_as_pytorch(kind, shape, options)


def _batch_norm_errors_as_pytorch(problem: str) -> None:
    def run(m):
        if problem == "channels":
            return m.nn.BatchNorm2d(4)(m.zeros(2, 3, 4, 4))
        if problem == "dimensions":
            return m.nn.BatchNorm2d(3)(m.zeros(3, 4, 4))
        return m.nn.BatchNorm1d(3)(m.zeros(1, 3))

    here(f"batch norm error: {problem}")(run)


for problem in ["channels", "dimensions", "one value per channel"]:
    _batch_norm_errors_as_pytorch(problem)


@here("batch_norm function in training and evaluation", "tinytorch.nn.functional.batch_norm")
def _(m):
    x = m.tensor(data(4, 3, 2))
    mean, var = m.zeros(3), m.ones(3)
    out = m.nn.functional.batch_norm(x, mean, var, training=True, momentum=0.3)
    return out, mean, var, m.nn.functional.batch_norm(x, mean, var), m.nn.functional.batch_norm(x, None, None, training=True)


def _layer_norm_as_pytorch(options: dict) -> None:
    def run(m):
        norm = loaded(m, m.nn.LayerNorm((3, 4), **options))
        return run_layer(m, norm, leaf(m, 2, 3, 4)), [n for n, _ in norm.named_parameters()]

    here(f"LayerNorm {options}", "tinytorch.nn.LayerNorm", "tinytorch.nn.functional.layer_norm", rtol=1e-4,
         atol=1e-5)(run)


for options in [{}, dict(bias=False), dict(elementwise_affine=False), dict(eps=1e-3)]:
    _layer_norm_as_pytorch(options)


@here("layer_norm's shape errors", "tinytorch.nn.functional.layer_norm")
def _(m):
    m.nn.functional.layer_norm(m.ones(2, 4), (5,))


@here("normalize", "tinytorch.nn.functional.normalize")
def _(m):
    x = m.tensor([[3.0, 4.0, 0.0], [0.0, 0.0, 0.0]], requires_grad=True)
    F = m.nn.functional
    out = F.normalize(x) + F.normalize(x, p=1, dim=0) + F.normalize(x, dim=-1) * 2
    out.sum().backward()
    return out, x.grad, F.normalize(m.tensor(data(2, 3)), p=3.0)


# ----------------------------------------------------------------- dropout


@here("dropout: identity in evaluation, scaled survivors in training", "tinytorch.nn.Dropout",
      "tinytorch.nn.functional.dropout")
def _(m):
    F, x = m.nn.functional, m.ones(100, 100)
    drop = m.nn.Dropout(0.25)
    trained = drop(x)
    kept = sorted({round(v, 4) for v in trained.flatten().tolist()})
    fraction = float((trained == 0).float().mean())
    drop.eval()
    return (kept, round(fraction, 1), drop(x), F.dropout(x, 0.5, training=False), F.dropout(x, 1.0),
            F.dropout(x, 0.0), sorted({round(v, 4) for v in F.dropout(x, 0.5).flatten().tolist()}))


@here("dropout's probability must be in [0, 1]", "tinytorch.nn.Dropout")
def _(m):
    m.nn.Dropout(1.5)


# --------------------------------------------------------------- embeddings


@here("Embedding: rows, repeated ids add up, padding_idx learns nothing", "tinytorch.nn.Embedding",
      "tinytorch.nn.functional.embedding")
def _(m):
    emb = m.nn.Embedding(5, 3, padding_idx=1)
    zero_row = emb.weight[1].tolist()
    loaded(m, emb)
    ids = m.tensor([[4, 1, 4], [1, 0, 2]])
    out = emb(ids)
    (out * m.tensor(data(2, 3, 3, seed=2))).sum().backward()
    plain = m.nn.functional.embedding(ids, emb.weight.detach(), padding_idx=-1)
    return zero_row, out, emb.weight.grad, plain, emb(m.tensor([0, 1], dtype=m.int32))


def _embedding_errors_as_pytorch(problem: str) -> None:
    def run(m):
        F, w = m.nn.functional, m.zeros(3, 2)
        calls = {"float ids": lambda: F.embedding(m.tensor([0.0, 1.0]), w),
                 "out of range": lambda: F.embedding(m.tensor([0, 5]), w),
                 "negative": lambda: F.embedding(m.tensor([-1]), w),
                 "1-d weight": lambda: F.embedding(m.tensor([0]), m.zeros(3))}  # fmt: skip
        return calls[problem]()

    here(f"embedding error: {problem}")(run)


for problem in ["float ids", "out of range", "negative", "1-d weight"]:
    _embedding_errors_as_pytorch(problem)


@here("one_hot", "tinytorch.nn.functional.one_hot")
def _(m):
    F = m.nn.functional
    return F.one_hot(m.tensor([0, 2, 1])), F.one_hot(m.tensor([[1], [0]]), 4), F.one_hot(m.tensor(3), 5)


def _one_hot_errors_as_pytorch(problem: str) -> None:
    def run(m):
        F = m.nn.functional
        calls = {"int32": lambda: F.one_hot(m.tensor([1], dtype=m.int32)),
                 "negative": lambda: F.one_hot(m.tensor([-1, 2])),
                 "too small": lambda: F.one_hot(m.tensor([1, 2]), 2)}  # fmt: skip
        return calls[problem]()

    here(f"one_hot error: {problem}")(run)


for problem in ["int32", "negative", "too small"]:
    _one_hot_errors_as_pytorch(problem)


# --------------------------------------------------------------------- padding


def _pad_as_pytorch(mode: str, pad: tuple, shape: tuple) -> None:
    def run(m):
        x = leaf(m, *shape)
        out = m.nn.functional.pad(x, pad, mode=mode, **({"value": 2.5} if mode == "constant" else {}))
        (out * m.tensor(data(*out.shape, seed=3))).sum().backward()
        return out, x.grad

    here(f"pad {mode} {pad}", "tinytorch.nn.functional.pad")(run)


for mode,pad,shape in [
    ("constant", (1, 2), (2, 3)), ("constant", (1, 0, 2, 1), (1, 2, 3, 4)), ("constant", (-1, 1), (2, 3)),
    ("constant", (0, 0, 0, 0, 1, 1), (2, 3, 4)), ("reflect", (1, 2), (1, 2, 4)), ("reflect", (2, 1, 1, 2), (1, 2, 4, 5)),
    ("replicate", (2, 1), (2, 1, 3)), ("replicate", (1, 2, 2, 0), (1, 1, 3, 3)), ("circular", (2, 1), (1, 2, 3)),
    ("circular", (1, 1, 2, 1), (1, 1, 3, 4)),
]:
    _pad_as_pytorch(mode, pad, shape)


def _pad_errors_as_pytorch(problem: str) -> None:
    def run(m):
        F = m.nn.functional
        calls = {"odd length": lambda: F.pad(m.ones(1, 1, 3), (3,)),
                 "reflect too wide": lambda: F.pad(m.ones(1, 1, 3), (3, 3), mode="reflect"),
                 "unknown mode": lambda: F.pad(m.ones(1, 2, 3), (1, 1), mode="wrap")}  # fmt: skip
        return calls[problem]()

    here(f"pad error: {problem}")(run)


for problem in ["odd length", "reflect too wide", "unknown mode"]:
    _pad_errors_as_pytorch(problem)


@here("pad keeps integers integers", "tinytorch.nn.functional.pad")
def _(m):
    return m.nn.functional.pad(m.tensor([[1, 2], [3, 4]]), (1, 1), value=2.5)


# ----------------------------------------------------------------- activations

ACTIVATIONS = {
    "relu": ("relu", {}), "leaky_relu": ("leaky_relu", {}), "leaky_relu 0.2": ("leaky_relu", dict(negative_slope=0.2)),
    "elu": ("elu", {}), "elu alpha": ("elu", dict(alpha=0.5)), "gelu": ("gelu", {}),
    "gelu tanh": ("gelu", dict(approximate="tanh")), "silu": ("silu", {}), "softplus": ("softplus", {}),
    "softplus beta threshold": ("softplus", dict(beta=2.0, threshold=3.0)), "sigmoid": ("sigmoid", {}),
    "tanh": ("tanh", {}), "softmax": ("softmax", dict(dim=1)), "softmax dim 0": ("softmax", dict(dim=0)),
    "log_softmax": ("log_softmax", dict(dim=-1)),
}  # fmt: skip
X_ACT = np.array([[-30.0, -4.0, -1.5, -0.5, 0.0], [0.25, 1.0, 2.0, 5.0, 40.0]])


def _activation_functions_as_pytorch(name: str, dtype: str) -> None:
    fn, kwargs = ACTIVATIONS[name]

    def run(m):
        x = m.tensor(X_ACT, dtype=getattr(m, dtype), requires_grad=True)
        out = getattr(m.nn.functional, fn)(x, **kwargs)
        (out * m.tensor(data(2, 5, seed=4), dtype=out.dtype)).sum().backward()
        return out, x.grad

    # float64: as exact as PyTorch's, but the exact GELU's erf (relative error below 7e-9)
    tight = {} if dtype == "float32" else dict(rtol=1e-8, atol=1e-9) if fn == "gelu" else dict(rtol=1e-12, atol=1e-12)
    here(f"{name} {dtype}", f"tinytorch.nn.functional.{fn}", **tight)(run)


for dtype in ["float32", "float64"]:
    for name in list(ACTIVATIONS):
        _activation_functions_as_pytorch(name, dtype)


MODULES = {"ReLU": {}, "LeakyReLU": dict(negative_slope=0.1), "ELU": dict(alpha=2.0), "GELU": {},
           "SiLU": {}, "Softplus": dict(beta=0.5), "Sigmoid": {}, "Tanh": {}, "Softmax": dict(dim=-1),
           "LogSoftmax": dict(dim=1)}  # fmt: skip


def _activation_modules_as_pytorch(name: str) -> None:
    def run(m):
        return run_layer(m, getattr(m.nn, name)(**MODULES[name]), leaf(m, 3, 4))

    here(name, f"tinytorch.nn.{name}")(run)


for name in list(MODULES):
    _activation_modules_as_pytorch(name)


@here("GELU is exact by default, tanh when asked", "tinytorch.nn.GELU", "tinytorch.nn.functional.gelu")
def _(m):
    x = m.tensor(np.linspace(-6, 6, 241), dtype=m.float64)
    return m.nn.GELU()(x), m.nn.GELU(approximate="tanh")(x), m.nn.functional.gelu(x.float())


@here("gelu's approximate must be none or tanh", "tinytorch.nn.functional.gelu")
def _(m):
    m.nn.functional.gelu(m.ones(2), approximate="fast")


@here("in-place activations edit their input", "tinytorch.nn.functional.relu", "tinytorch.nn.functional.leaky_relu",
      "tinytorch.nn.functional.elu", "tinytorch.nn.functional.silu", "tinytorch.nn.ReLU")
def _(m):
    F = m.nn.functional
    results = []
    for fn in (lambda x: F.relu(x, inplace=True), lambda x: F.leaky_relu(x, 0.1, inplace=True),
               lambda x: F.elu(x, inplace=True), lambda x: F.silu(x, inplace=True),
               lambda x: m.nn.ReLU(inplace=True)(x)):  # fmt: skip
        x = m.tensor(X_ACT[1:] - 1)
        out = fn(x)
        results.append((out is x, x))
    w = m.tensor([1.0, -2.0], requires_grad=True)
    y = w * 2
    F.relu(y, inplace=True).sum().backward()
    return results, w.grad


@here("softmax without dim picks PyTorch's", "tinytorch.nn.functional.softmax", "tinytorch.nn.functional.log_softmax")
def _(m):
    with pytest.warns(UserWarning):
        two = m.nn.functional.softmax(m.tensor(data(2, 3)))
    with pytest.warns(UserWarning):
        three = m.nn.functional.log_softmax(m.tensor(data(2, 3, 4)))
    return two, three, m.nn.functional.softmax(m.tensor(data(2, 3)), 0, dtype=m.float64)


@here("sigmoid and tanh functions", "tinytorch.nn.functional.sigmoid", "tinytorch.nn.functional.tanh")
def _(m):
    x = m.tensor(X_ACT)
    return m.nn.functional.sigmoid(x), m.nn.functional.tanh(x), m.nn.functional.relu(m.tensor([-1, 2]))


# ------------------------------------------------------------------- attention


def _attention_as_pytorch(kind: str) -> None:
    def run(m):
        keys = 7 if kind == "more keys" else 5
        q, k, v = leaf(m, 2, 3, 5, 4, seed=1), leaf(m, 2, 3, keys, 4, seed=2), leaf(m, 2, 3, keys, 2, seed=3)
        allowed = np.tri(5, keys, k=keys - 5, dtype=bool)
        options = {"causal": dict(is_causal=True), "bool mask": dict(attn_mask=m.tensor(allowed)),
                   "float mask": dict(attn_mask=m.tensor(data(5, keys, seed=4))), "scale": dict(scale=0.3),
                   "more keys": dict(is_causal=True)}.get(kind, {})  # fmt: skip
        out = m.nn.functional.scaled_dot_product_attention(q, k, v, **options)
        (out * m.tensor(data(*out.shape, seed=5))).sum().backward()
        return out, q.grad, k.grad, v.grad

    here(f"attention {kind}", "tinytorch.nn.functional.scaled_dot_product_attention", rtol=1e-4,
               atol=1e-5)(run)


for kind in ["plain", "causal", "bool mask", "float mask", "scale", "more keys"]:
    _attention_as_pytorch(kind)


@here("attention with a mask and is_causal", "tinytorch.nn.functional.scaled_dot_product_attention")
def _(m):
    x = m.zeros(1, 2, 3)
    m.nn.functional.scaled_dot_product_attention(x, x, x, m.ones(2, 2, dtype=m.bool), is_causal=True)


@here("attention dropout drops weights", "tinytorch.nn.functional.scaled_dot_product_attention")
def _(m):
    x = m.ones(1, 4, 2)
    out = m.nn.functional.scaled_dot_product_attention(x, x, x, dropout_p=0.999999)
    return out.shape, float(out.abs().sum()) < 1.0


# --------------------------------------------------------------------- losses

TARGETS = {"float": lambda m: m.tensor(data(3, 4, seed=7)),
           "probabilities": lambda m: m.tensor(np.random.default_rng(8).uniform(size=(3, 4)).astype(np.float32))}


def _regression_losses_as_pytorch(fn: str, options: dict, reduction: str) -> None:
    def run(m):
        x, y = leaf(m, 3, 4), m.tensor(data(3, 4, seed=7))
        y[0, 0] = x[0, 0].item()  # a zero difference: the kinks' gradients
        kwargs = dict(options)
        if kwargs.get("weight"):
            kwargs["weight"] = m.tensor(np.abs(data(3, 4, seed=9)))
        loss = getattr(m.nn.functional, fn)(x, y, reduction=reduction, **kwargs)
        (loss * m.tensor(data(*loss.shape, seed=3))).sum().backward()
        return loss, x.grad

    here(f"{fn} {options} {reduction}", f"tinytorch.nn.functional.{fn}")(run)


for reduction in ["mean", "sum", "none"]:
    for fn,options in [
    ("mse_loss", {}), ("l1_loss", {}), ("smooth_l1_loss", {}), ("smooth_l1_loss", dict(beta=0.5)),
    ("smooth_l1_loss", dict(beta=0.0)), ("huber_loss", {}), ("huber_loss", dict(delta=0.3)),
    ("mse_loss", dict(weight=True)), ("l1_loss", dict(weight=True)), ("huber_loss", dict(weight=True)),
]:
        _regression_losses_as_pytorch(fn, options, reduction)


def _regression_loss_modules_as_pytorch(name: str, options: dict) -> None:
    def run(m):
        x = leaf(m, 3, 4)
        loss = getattr(m.nn, name)(**options)(x, m.tensor(data(3, 4, seed=7)) * 2)
        loss.backward()
        return loss, x.grad

    here(f"{name} {options}", f"tinytorch.nn.{name}")(run)


for name,options in [("MSELoss", {}), ("L1Loss", dict(reduction="sum")),
                                           ("SmoothL1Loss", dict(beta=0.5)), ("HuberLoss", dict(delta=2.0))]:
    _regression_loss_modules_as_pytorch(name, options)


@here("regression losses: mixed dtypes, broadcast shapes, bad reduction", "tinytorch.nn.functional.mse_loss",
      "tinytorch.nn.functional.l1_loss")
def _(m):
    F = m.nn.functional
    mixed = F.mse_loss(m.tensor(data(3)), m.tensor(data(3, seed=1), dtype=m.float64))
    with pytest.warns(UserWarning):
        broadcast = F.mse_loss(m.tensor(data(4, 1)), m.tensor(data(4, seed=1)))
    with pytest.warns(UserWarning):
        legacy = F.l1_loss(m.tensor(data(3)), m.tensor(data(3, seed=2)), size_average=False)
    return mixed, broadcast, legacy


@here("a reduction that does not exist", "tinytorch.nn.functional.mse_loss")
def _(m):
    m.nn.functional.mse_loss(m.zeros(2), m.zeros(2), reduction="avg")


def _binary_cross_entropy_as_pytorch(reduction: str, weighted: bool) -> None:
    def run(m):
        p = m.tensor([[0.0, 0.3, 0.9], [1.0, 0.5, 0.01]], requires_grad=True)
        y = m.tensor([[1.0, 0.0, 1.0], [0.0, 0.5, 1.0]])
        weight = m.tensor([1.0, 2.0, 0.5]) if weighted else None
        loss = m.nn.functional.binary_cross_entropy(p, y, weight, reduction=reduction)
        (loss * m.tensor(data(*loss.shape, seed=3))).sum().backward()
        module = m.nn.BCELoss(weight=weight, reduction=reduction)(p.detach(), y)
        return loss, p.grad, module

    here(f"BCE {reduction} {weighted}", "tinytorch.nn.functional.binary_cross_entropy", "tinytorch.nn.BCELoss")(run)


for reduction in ["mean", "sum", "none"]:
    for weighted in [False, True]:
        _binary_cross_entropy_as_pytorch(reduction, weighted)


def _binary_cross_entropy_errors_as_pytorch(problem: str) -> None:
    def run(m):
        F = m.nn.functional
        calls = {"above one": lambda: F.binary_cross_entropy(m.tensor([1.5]), m.tensor([1.0])),
                 "shapes": lambda: F.binary_cross_entropy(m.tensor([[0.5]]), m.tensor([1.0])),
                 "dtypes": lambda: F.binary_cross_entropy(m.tensor([0.5]), m.tensor([1.0], dtype=m.float64))}  # fmt: skip
        return calls[problem]()

    here(f"BCE error: {problem}")(run)


for problem in ["above one", "shapes", "dtypes"]:
    _binary_cross_entropy_errors_as_pytorch(problem)


def _binary_cross_entropy_with_logits_as_pytorch(reduction: str, options: str) -> None:
    def run(m):
        z = m.tensor([[0.0, -3.0, 2.0], [40.0, -40.0, 0.5]], requires_grad=True)
        y = m.tensor([[1.0, 0.0, 0.3], [0.0, 1.0, 1.0]])
        kwargs = {"weight": dict(weight=m.tensor([1.0, 2.0, 0.5])),
                  "pos_weight": dict(pos_weight=m.tensor([3.0, 0.5, 1.0]))}.get(options, {})  # fmt: skip
        loss = m.nn.functional.binary_cross_entropy_with_logits(z, y, reduction=reduction, **kwargs)
        (loss * m.tensor(data(*loss.shape, seed=3))).sum().backward()
        module = m.nn.BCEWithLogitsLoss(reduction=reduction, **kwargs)(z.detach(), y)
        return loss, z.grad, module, list(m.nn.BCEWithLogitsLoss(**kwargs).state_dict())

    here(f"BCE with logits {options} {reduction}", "tinytorch.nn.functional.binary_cross_entropy_with_logits",
         "tinytorch.nn.BCEWithLogitsLoss")(run)


for reduction in ["mean", "sum", "none"]:
    for options in ["plain", "weight", "pos_weight"]:
        _binary_cross_entropy_with_logits_as_pytorch(reduction, options)


@here("BCE with logits: shapes must match, dtypes promote", "tinytorch.nn.functional.binary_cross_entropy_with_logits")
def _(m):
    F = m.nn.functional
    return F.binary_cross_entropy_with_logits(m.tensor([0.5]), m.tensor([1.0], dtype=m.float64))


@here("BCE with logits of different shapes", "tinytorch.nn.functional.binary_cross_entropy_with_logits")
def _(m):
    m.nn.functional.binary_cross_entropy_with_logits(m.tensor([[0.5]]), m.tensor([1.0]))


CROSS_ENTROPY = {
    "plain": dict(),
    "ignore_index": dict(targets=[2, -100, 0, 1, -100]),
    "ignore_index 0": dict(ignore_index=0),
    "all ignored": dict(targets=[-100] * 5),
    "weight": dict(weight=True),
    "weight, ignore_index": dict(weight=True, targets=[2, -100, 0, 1, 3]),
    "label_smoothing": dict(label_smoothing=0.1),
    "label_smoothing, weight, ignore": dict(label_smoothing=0.2, weight=True, targets=[2, -100, 0, 1, 3]),
    "sum": dict(reduction="sum"),
    "none": dict(reduction="none", targets=[2, -100, 0, 1, 3]),
    "sum, smoothing, ignore": dict(reduction="sum", label_smoothing=0.3, targets=[2, -100, 0, 1, 3]),
    "none, smoothing, weight": dict(reduction="none", label_smoothing=0.3, weight=True),
    "spatial": dict(shape=(2, 4, 3, 2)),
    "spatial, weight, ignore": dict(shape=(2, 4, 3), weight=True, ignore_index=1),
    "unbatched": dict(shape=(4,)),
    "probabilities": dict(probabilities=True),
    "probabilities, smoothing, weight": dict(probabilities=True, label_smoothing=0.2, weight=True),
    "probabilities, none": dict(probabilities=True, reduction="none"),
    "probabilities, spatial, sum": dict(probabilities=True, shape=(2, 4, 3), reduction="sum"),
    "huge logits": dict(scale=1e4),
}


def _cross_entropy_as_pytorch(name: str) -> None:
    settings = dict(CROSS_ENTROPY[name])
    shape = settings.pop("shape", (5, 4))
    targets, probabilities = settings.pop("targets", None), settings.pop("probabilities", False)
    scale = settings.pop("scale", 1.0)

    def run(m):
        x = m.tensor(data(*shape) * scale, requires_grad=True)
        kwargs = dict(settings)
        if kwargs.get("weight"):
            kwargs["weight"] = m.tensor([0.5, 2.0, 1.0, 3.0])
        class_dim = 1 if len(shape) > 1 else 0
        target_shape = shape[:class_dim] + shape[class_dim + 1 :]
        if probabilities:
            p = np.random.default_rng(3).uniform(size=shape)
            y = m.tensor((p / p.sum(axis=class_dim, keepdims=True)).astype(np.float32))
        elif targets is not None:
            y = m.tensor(targets)
        else:
            y = m.tensor(np.random.default_rng(3).integers(0, 4, target_shape))
        loss = m.nn.functional.cross_entropy(x, y, **kwargs)
        (loss * m.tensor(data(*loss.shape, seed=3))).sum().backward()
        module = m.nn.CrossEntropyLoss(**kwargs)(x.detach(), y)
        return loss, x.grad, module

    here(f"cross_entropy {name}", "tinytorch.nn.functional.cross_entropy", "tinytorch.nn.CrossEntropyLoss", rtol=1e-5, atol=1e-6)(run)


for name in list(CROSS_ENTROPY):
    _cross_entropy_as_pytorch(name)


def _cross_entropy_errors_as_pytorch(problem: str) -> None:
    def run(m):
        F, x = m.nn.functional, m.zeros(3, 4)
        calls = {"out of range": lambda: F.cross_entropy(x, m.tensor([0, 7, 1])),
                 "negative": lambda: F.cross_entropy(x, m.tensor([0, -1, 1])),
                 "int32 targets": lambda: F.cross_entropy(x, m.tensor([0, 1, 2], dtype=m.int32)),
                 "batch sizes": lambda: F.cross_entropy(x, m.tensor([0, 1])),
                 "spatial sizes": lambda: F.cross_entropy(m.zeros(2, 3, 4), m.zeros(2, 5, dtype=m.int64)),
                 "integer scores": lambda: F.cross_entropy(m.zeros(2, 3, dtype=m.int64), m.zeros(2, dtype=m.int64)),
                 "numpy targets": lambda: F.cross_entropy(x, np.array([0, 1, 2]))}  # fmt: skip
        return calls[problem]()

    here(f"cross_entropy error: {problem}")(run)


for problem in ["out of range", "negative", "int32 targets", "batch sizes", "spatial sizes",
                                     "integer scores", "numpy targets"]:
    _cross_entropy_errors_as_pytorch(problem)


def _nll_loss_as_pytorch(options: dict) -> None:
    def run(m):
        x = leaf(m, 5, 4)
        logp = x.log_softmax(1)
        kwargs = dict(options)
        if kwargs.get("weight"):
            kwargs["weight"] = m.tensor([0.5, 2.0, 1.0, 3.0])
        y = m.tensor([0, 1, 3, 1, 2])
        loss = m.nn.functional.nll_loss(logp, y, **kwargs)
        (loss * m.tensor(data(*loss.shape, seed=3))).sum().backward()
        return loss, x.grad, m.nn.NLLLoss(**kwargs)(logp.detach(), y), list(m.nn.NLLLoss(**kwargs).state_dict())

    here(f"nll_loss {options}", "tinytorch.nn.functional.nll_loss", "tinytorch.nn.NLLLoss")(run)


for options in [{}, dict(weight=True), dict(ignore_index=1), dict(reduction="none"),
                                     dict(reduction="sum", weight=True)]:
    _nll_loss_as_pytorch(options)


# -------------------------------------------------------------------- nn.init


def spread(w) -> np.ndarray:
    return np.asarray(w.detach().numpy(), np.float64)


@here("nn.init: calculate_gain and deterministic fills", "tinytorch.nn.init")
def _(m):
    init = m.nn.init
    gains = [init.calculate_gain(n) for n in ("linear", "conv2d", "sigmoid", "tanh", "relu", "selu")]
    gains += [init.calculate_gain("leaky_relu"), init.calculate_gain("leaky_relu", 0.2)]
    w = m.zeros(3, 4)
    filled = [init.constant_(w, 0.5).clone(), init.ones_(w).clone(), init.zeros_(w).clone(), init.eye_(w).clone()]
    return gains, filled, init.ones_(w) is w


@here("nn.init: an unknown nonlinearity, a 1-d fan", "tinytorch.nn.init")
def _(m):
    m.nn.init.kaiming_uniform_(m.zeros(5))


def _uniform_inits_fill_their_range_as_pytorch(fn: str, kwargs: dict, bound: float) -> None:
    def run(m):
        w = m.zeros(32, 16, 2, 2)
        getattr(m.nn.init, fn)(w, **kwargs)
        top = float(w.abs().max())
        return top <= bound * (1 + 1e-6), top > 0.99 * bound, round(spread(w).std() / bound * math.sqrt(3), 1)

    here(f"init {fn} {kwargs}", "tinytorch.nn.init")(run)


for fn,kwargs,bound in [
    ("uniform_", dict(a=-0.3, b=0.3), 0.3), ("xavier_uniform_", {}, math.sqrt(6 / (64 + 32))),
    ("xavier_uniform_", dict(gain=2.0), 2 * math.sqrt(6 / (64 + 32))),
    ("kaiming_uniform_", {}, math.sqrt(6 / 64)), ("kaiming_uniform_", dict(a=math.sqrt(5)), 1 / math.sqrt(64)),
    ("kaiming_uniform_", dict(mode="fan_out", nonlinearity="relu"), math.sqrt(6 / 32)),
]:
    _uniform_inits_fill_their_range_as_pytorch(fn, kwargs, bound)


def _normal_inits_have_their_spread_as_pytorch(fn: str, kwargs: dict, std: float | None) -> None:
    def run(m):
        m.manual_seed(0)
        w = m.zeros(32, 64)
        getattr(m.nn.init, fn)(w, **kwargs)
        if fn == "orthogonal_":
            rows = spread(w)
            return bool(np.abs(rows @ rows.T - np.eye(32)).max() < 1e-5)
        if std is None:
            return bool(w.abs().max() <= 0.04), spread(w).std() < 0.02
        return round(spread(w).std() / std, 1), round(spread(w).mean() - kwargs.get("mean", 0.0), 1)

    here(f"init {fn} {kwargs}", "tinytorch.nn.init")(run)


for fn,kwargs,std in [
    ("normal_", dict(mean=1.0, std=0.5), 0.5), ("xavier_normal_", {}, math.sqrt(2 / (64 + 32))),
    ("kaiming_normal_", dict(nonlinearity="relu"), math.sqrt(2 / 64)), ("trunc_normal_", dict(std=0.02, a=-0.04, b=0.04), None),
    ("orthogonal_", {}, None),
]:
    _normal_inits_have_their_spread_as_pytorch(fn, kwargs, std)


# ------------------------------------------------------------------- nn.utils


def _clip_grad_norm_as_pytorch(norm_type: float) -> None:
    def run(m):
        net = loaded(m, m.nn.Sequential(m.nn.Linear(3, 4), m.nn.Tanh(), m.nn.Linear(4, 2)))
        net(m.tensor(data(5, 3))).pow(2).sum().backward()
        total = m.nn.utils.clip_grad_norm_(net.parameters(), 0.5, norm_type=norm_type)
        small = m.nn.utils.clip_grad_norm_(net[0].weight, 100.0)
        return total, small, [p.grad for p in net.parameters()]

    here(f"clip_grad_norm_ {norm_type}", "tinytorch.nn.utils")(run)


for norm_type in [2.0, 1.0, math.inf]:
    _clip_grad_norm_as_pytorch(norm_type)


@here("clip_grad_value_", "tinytorch.nn.utils")
def _(m):
    net = loaded(m, m.nn.Linear(3, 2))
    net(m.tensor(data(5, 3))).pow(3).sum().backward()
    result = m.nn.utils.clip_grad_value_(net.parameters(), 0.1)
    return result, net.weight.grad, net.bias.grad, m.nn.utils.clip_grad_norm_([m.nn.Parameter(m.ones(1))], 1.0)


@here("the functional and init namespaces", "tinytorch.nn.functional", "tinytorch.nn.init")
def _(m):
    return (m.nn.functional.relu(m.tensor([-1.0, 1.0])), hasattr(m.nn.functional, "conv2d"),
            hasattr(m.nn.init, "xavier_uniform_"))


@pytest.mark.parametrize("c", CASES_HERE, ids=lambda c: c.id)
def test_against_pytorch(c: Case) -> None:
    check(c)
