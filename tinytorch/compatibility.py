"""How tinytorch stands to PyTorch: the one registry behind the errors for names it
does not offer, the book's compatibility page, and the compatibility tests.

A PyTorch name tinytorch keeps has PyTorch's meaning (tests/compat checks it against
PyTorch itself). A PyTorch name it does not keep is an AttributeError that says so,
at once: `missing` raises it from each public module's ``__getattr__``. The few
deliberate differences are listed in DIFFERENCES, each with the error it raises.

Book: book/compatibility.md
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import NoReturn

# tinytorch's public modules and the PyTorch modules they mirror
MIRRORS = {
    "tinytorch": "torch",
    "tinytorch.nn": "torch.nn",
    "tinytorch.nn.functional": "torch.nn.functional",
    "tinytorch.nn.init": "torch.nn.init",
    "tinytorch.optim": "torch.optim",
    "tinytorch.optim.lr_scheduler": "torch.optim.lr_scheduler",
    "tinytorch.utils.data": "torch.utils.data",
    "tinytorch.autograd": "torch.autograd",
    "tinytorch.cuda": "torch.cuda",
    "Tensor": "torch.Tensor",
    "Module": "torch.nn.Module",
}

# PyTorch names tinytorch does not offer, with what to use instead (every other
# PyTorch name it lacks gets the plain message)
NOT_OFFERED = {
    "torch.bfloat16": "tensors hold bool, integers, float16, float32 or float64 "
    "(numpy has no bfloat16)",
    "torch.complex64": "tinytorch has no complex numbers",
    "torch.compile": "tinytorch runs eagerly; call the model itself",
    "torch.jit": "tinytorch runs eagerly; call the model itself",
    "torch.nn.RNN": "tinytorch has no recurrent layers; the book's sequence model is "
    "the transformer (nn.TransformerBlock)",
    "torch.nn.LSTM": "tinytorch has no recurrent layers (see torch.nn.RNN)",
    "torch.nn.GRU": "tinytorch has no recurrent layers (see torch.nn.RNN)",
    "torch.nn.MultiheadAttention": "use nn.CausalSelfAttention (a decoder's "
    "self-attention) or F.scaled_dot_product_attention on your own projections",
    "torch.nn.Transformer": "use nn.TransformerBlock, GPT's pre-norm decoder block",
    "torch.nn.TransformerEncoderLayer": "use nn.TransformerBlock",
    "torch.nn.TransformerDecoderLayer": "use nn.TransformerBlock",
    "torch.nn.ConvTranspose2d": "tinytorch has no transposed convolution",
    "torch.nn.Conv3d": "tinytorch convolves in one and two dimensions",
    "torch.nn.MaxPool3d": "tinytorch pools in one and two dimensions",
    "torch.nn.GroupNorm": "tinytorch normalises with BatchNorm1d/2d and LayerNorm",
    "torch.nn.InstanceNorm2d": "tinytorch normalises with BatchNorm1d/2d and "
    "LayerNorm",
    "torch.nn.Upsample": "tinytorch has no interpolation",
    "torch.nn.functional.interpolate": "tinytorch has no interpolation",
    "torch.nn.DataParallel": "tinytorch runs in one process on the CPU",
    "torch.unique": "not yet in tinytorch; numpy's np.unique(x.numpy()) gives the "
    "values",
    "torch.median": "not yet in tinytorch; x.sort(dim).values picks any quantile",
}

# Where tinytorch keeps a PyTorch name but not all of its meaning: each case raises
# the error named, never gives a different result
DIFFERENCES = {
    "devices": "Only the CPU: device('cuda'), .to('cuda') and .cuda() raise a "
    "RuntimeError saying tinytorch runs on the CPU; torch.cuda.is_available() is "
    "False, so `'cuda' if torch.cuda.is_available() else 'cpu'` picks the CPU.",
    "in-place edit of a view while recording": "x[0].mul_(2) or v = x.view(-1); "
    "v += 1, where x requires grad, raises a RuntimeError (PyTorch rewrites x's "
    "history); edit x itself, or a .clone().",
    "tinytorch.ops": "tinytorch's primitive ops (one autograd Function each); "
    "PyTorch's torch.ops, its registry of compiled operators, is not part of "
    "tinytorch.",
    "view(dtype)": "x.view(torch.float16) (reinterpreting the bytes) raises "
    "NotImplementedError; x.view(*shape) works as in PyTorch.",
    "random numbers": "tinytorch draws from numpy's generator, not PyTorch's: the "
    "same seed gives reproducible numbers, but not PyTorch's numbers; the default "
    "generator starts from seed 0 (PyTorch's from a random seed).",
    "norm(p='nuc') and scatter(reduce=...)": "raise NotImplementedError.",
    "einsum with mixed dtypes": "promotes the operands as every other op does; "
    "PyTorch sometimes raises instead, depending on its internal path.",
    "Parameter(non-tensor)": "nn.Parameter of a list or array raises TypeError "
    "(PyTorch raises AttributeError); give it a tensor.",
    "rare options": "load_state_dict(assign=True), Embedding's max_norm, "
    "scale_grad_by_freq and sparse, pooling's return_indices=True, "
    "scaled_dot_product_attention's enable_gqa=True and nn.init's generator= "
    "raise NotImplementedError.",
    "initial weights and dropout": "drawn from tinytorch's generator: the same "
    "seed gives the same weights and masks every run, not PyTorch's.",
    "exact GELU in float64": "uses tinytorch's own erf (numpy has none): it agrees "
    "with PyTorch to about 1e-8, float32's precision and more, not float64's.",
    "register_buffer": "register_buffer(name, tensor) keeps the tensor as given "
    "(PyTorch's does too); it is not made an nn.Buffer instance.",
    "torch.load of PyTorch files": "tinytorch.save writes and tinytorch.load reads "
    "a format that holds only data (a zip of .npy arrays and a JSON structure, "
    "never pickle). Loading a PyTorch .pt/.pth file (a pickle) raises a "
    "RuntimeError that says how to convert the weights through numpy .npz. Tensors "
    "that shared memory when saved load as separate copies (the same tensor saved "
    "twice still loads as one).",
    "DataLoader(num_workers > 0)": "loads in the calling process and gives exactly "
    "the batches PyTorch's workers would; worker_init_fn is never called.",
    "higher derivatives": "backward(create_graph=True) and backward(inputs=...) "
    "raise NotImplementedError: tinytorch computes first derivatives into .grad.",
}

# tinytorch's own names, with no PyTorch counterpart
EXTRAS = {
    "tinytorch.ShapeError": "the RuntimeError (and ValueError) raised for shapes "
    "that do not fit, naming the op and the shapes",
    "tinytorch.gradcheck": "checks an op's backward against float64 central "
    "differences (PyTorch's is torch.autograd.gradcheck)",
    "tinytorch.GradcheckError": "raised by gradcheck, naming the input and element",
    "tinytorch.Function": "the op base class (PyTorch's torch.autograd.Function, "
    "with forward and backward as plain methods taking ctx)",
    "tinytorch.unbroadcast": "sums a gradient back to an operand's shape",
    "tinytorch.ops": "the primitive ops, one Function each",
    "tinytorch.compatibility": "this registry: what tinytorch offers of PyTorch",
    "tinytorch.nn.CausalSelfAttention": "GPT's masked multi-head self-attention, "
    "with a KV cache for generation (nanoGPT's CausalSelfAttention)",
    "tinytorch.nn.KVCache": "the keys and values an attention layer computed so "
    "far, so a generated token costs O(T), not O(T^2)",
    "tinytorch.nn.TransformerBlock": "GPT's pre-norm decoder block: attention and "
    "an MLP, each added to the residual stream",
    "tinytorch.datasets": "the bundled datasets the milestones train on",
    "tinytorch.fit": "a training loop over epochs that returns a History",
    "tinytorch.train_epoch": "one epoch of fit",
    "tinytorch.evaluate": "accuracy of a model on a DataLoader",
    "tinytorch.predict": "a model's outputs on a DataLoader, without gradients",
    "tinytorch.History": "what fit returns: per-epoch loss and accuracy",
    "tinytorch.Progress": "what fit's callback sees after each step",
    "tinytorch.TrainingDiverged": "raised by fit when the loss becomes NaN",
}


@cache
def _snapshot() -> dict:
    text = resources.files("tinytorch").joinpath("pytorch_names.json").read_text()
    return json.loads(text)


def pytorch_names() -> dict[str, frozenset[str]]:
    """The public names of each mirrored PyTorch module (scripts/pytorch_names.py
    wrote them from PyTorch itself)."""
    return {k: frozenset(v) for k, v in _snapshot()["names"].items()}


def pytorch_version() -> str:
    """The PyTorch release the names were read from (the one the tests compare with)."""
    return _snapshot()["pytorch"]


@dataclass(frozen=True)
class Mirror:
    """One tinytorch module (or class) beside the PyTorch one it mirrors."""

    module: str
    mirror: str
    offered: tuple[str, ...]  # PyTorch's public names that tinytorch has too
    not_offered: tuple[str, ...]


def report() -> list[Mirror]:
    """For each mirrored module, which of PyTorch's public names tinytorch offers."""
    import tinytorch  # here: this module is imported while tinytorch is

    rows = []
    for module, mirror in MIRRORS.items():
        if module in ("Tensor", "Module"):
            owner = tinytorch.Tensor if module == "Tensor" else tinytorch.nn.Module
            have = set(dir(owner))
        else:
            found = importlib.import_module(module)
            have = set(getattr(found, "__all__", None) or _defined_in(found))
        names = sorted(pytorch_names()[mirror])
        rows.append(Mirror(module, mirror, tuple(n for n in names if n in have),
                           tuple(n for n in names if n not in have)))  # fmt: skip
    return rows


def _defined_in(module: object) -> list[str]:
    """The public functions and classes a module without __all__ defines."""
    return [name for name, value in vars(module).items() if not name.startswith("_")
            and getattr(value, "__module__", None) == module.__name__]  # fmt: skip


def missing(module: str, name: str) -> NoReturn:
    """The AttributeError for `module.name`: PyTorch's name that tinytorch does not
    offer, or a name that neither has."""
    mirror = MIRRORS.get(module, module)
    owner = (
        f"'{module}' object" if module in ("Tensor", "Module") else f"module '{module}'"
    )
    message = f"{owner} has no attribute '{name}'"
    if name.startswith("__"):
        raise AttributeError(message)
    reason = NOT_OFFERED.get(f"{mirror}.{name}")
    if reason is not None or name in pytorch_names().get(mirror, ()):
        message += (
            f": {mirror}.{name} is part of PyTorch but not of tinytorch"
            f"{'; ' + reason if reason else ''} (the book's compatibility page "
            f"lists what tinytorch offers)"
        )
    raise AttributeError(message)
