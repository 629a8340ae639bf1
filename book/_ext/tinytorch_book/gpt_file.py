"""A trained GPT as one file the browser runs: the "Ask this build's GPT" box fetches
it and generates answers in JavaScript, character by character, as `GPT.generate`
does in Python.

The file is of the classifier files' family (tinytorch_book.classifier): safetensors,
every tensor float32 and named as in the model's ``state_dict()``, sealed with its
own SHA-256. The header's ``__metadata__`` (strings only; the structured values are
JSON text) says:

- ``format``, ``format_version``: ``tinytorch-gpt``, ``1``;
- ``fingerprint``: the sources fingerprint of the build that trained it;
- ``title``: what the page calls the model;
- ``config``: GPTConfig's sizes (``block_size``, ``vocab_size``, ``n_layer``,
  ``n_head``, ``n_embd``), the layer norms' ``eps``, and ``gelu``: ``"tanh"`` (the
  tanh approximation) or ``"erf"`` (the exact GELU), measured on the model's own
  activation modules, so a change of GELU cannot go unnoticed;
- ``tokenizer``: ``{"alphabet": ...}``, the character of each id, in id order;
- ``generation``: ``{"max_new_tokens": n, "stop": "\\n"}``: an answer is the greedy
  continuation of its prompt up to the first newline, at most n characters, and no
  more than the context window leaves after the prompt (as milestones.language's
  ``answers``);
- ``held_out``: the held-out questions the chapter asked, each ``{"level", "prompt",
  "reference", "answer"}``, where ``answer`` is what the chapter's Python model gave;
- ``attention``: ``{"layer", "head"}`` (from 0), the head the chapter draws;
- ``about``: what the chapter adds (accuracy, settings, page);
- ``sha256``: as in the classifier files.

book/_assets/ask-gpt/model-file.mjs reads it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import safetensors.numpy

import tinytorch as tt
from tinytorch.models import GPT, GPTConfig

from .classifier import UNSEALED, _check_sum, _damage_named, _metadata, seal
from .files import build_fingerprint, publish_file

FORMAT, VERSION = "tinytorch-gpt", "1"
JSON_FIELDS = ("config", "tokenizer", "generation", "held_out", "attention", "about")
SIZES = ("block_size", "vocab_size", "n_layer", "n_head", "n_embd")
BROWSER = "book/_assets/ask-gpt/"  # where the browser's forward pass lives
HELD_OUT_KEYS = {"level", "prompt", "reference", "answer"}
# The GELUs the browser computes (gelu.mjs), by name.
_C = math.sqrt(2 / math.pi)
GELUS = {
    "tanh": lambda x: 0.5 * x * (1 + np.tanh(_C * (x + 0.044715 * x**3))),
    "erf": lambda x: 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2))),
}
GELU_PROBE = np.linspace(-4, 4, 41)  # the two GELUs differ by up to 5e-4 here


def tensor_names(n_layer: int) -> list[str]:
    """The tensors the browser's GPT reads, named as GPT's ``state_dict()``."""
    block = [f"{part}.{kind}" for part in ("ln_1", "attn.q_proj", "attn.k_proj",
                                           "attn.v_proj", "attn.out_proj", "ln_2",
                                           "mlp.0", "mlp.2")
             for kind in ("weight", "bias")]  # fmt: skip
    return ["wte.weight", "wpe.weight",
            *(f"blocks.{i}.{name}" for i in range(n_layer) for name in block),
            "ln_f.weight", "ln_f.bias", "lm_head.weight"]  # fmt: skip


@dataclass(frozen=True)
class GPTFile:
    """A GPT file, read back: its metadata (JSON fields decoded) and tensors."""

    metadata: dict[str, Any]
    tensors: dict[str, np.ndarray]

    def model(self) -> GPT:
        """The GPT as tinytorch modules, holding the file's weights, in eval mode."""
        config = self.metadata["config"]
        model = GPT(GPTConfig(**{size: config[size] for size in SIZES}))
        model.load_state_dict({k: tt.from_numpy(v) for k, v in self.tensors.items()})
        model.eval()
        return model

    def encode(self, text: str) -> np.ndarray:
        """The ids of ``text`` under the file's alphabet."""
        index = {c: i for i, c in enumerate(self.metadata["tokenizer"]["alphabet"])}
        return np.array([index[c] for c in text], np.int64)


def gelu_of(model: GPT) -> str:
    """Which GELU the model's feed-forward networks compute ("tanh" or "erf"), found
    by running each block's activation on a probe: the browser must compute the
    same one."""
    found = set()
    x = GELU_PROBE.astype(np.float32)
    for i, block in enumerate(model.blocks):
        with tt.no_grad():
            y = block.mlp[1](tt.tensor(x)).detach().numpy().astype(np.float64)
        kinds = [name for name, f in GELUS.items() if np.abs(y - f(x)).max() < 1e-5]
        if len(kinds) != 1:
            raise ValueError(
                f"gpt_bytes: the activation of block {i} ({block.mlp[1]!r}) is "
                f"neither GELU's tanh approximation nor the exact GELU; the browser "
                f"computes only those ({BROWSER}gelu.mjs): add it there and here")
        found.add(kinds[0])
    if len(found) != 1:
        raise ValueError(f"gpt_bytes: the blocks use different GELUs ({found}); the "
                         f"browser runs one for all")
    return found.pop()


def gpt_bytes(model: GPT, alphabet: str, held_out: Sequence[Mapping[str, Any]],
              max_new_tokens: int, attention: tuple[int, int], fingerprint: str,
              title: str = "GPT", about: dict[str, Any] | None = None) -> bytes:
    """The file's content: ``model``'s weights, the character of each id
    (``alphabet``), the held-out questions with the Python model's answers, the
    longest answer generated and the (layer, head) the chapter draws."""
    config = {size: getattr(model.config, size) for size in SIZES}
    if len(alphabet) != config["vocab_size"] or len(set(alphabet)) != len(alphabet):
        raise ValueError(f"gpt_bytes: the alphabet must give each of the model's "
                         f"{config['vocab_size']} ids one distinct character, got "
                         f"{len(alphabet)} characters")
    eps = {module.eps for module in model.modules() if hasattr(module, "eps")}
    if len(eps) != 1:
        raise ValueError(f"gpt_bytes: the layer norms' eps differ ({sorted(eps)}); "
                         f"the browser uses one")
    config |= {"eps": eps.pop(), "gelu": gelu_of(model)}
    tensors = {name: np.ascontiguousarray(np.asarray(value), dtype=np.float32)
               for name, value in model.state_dict().items()}
    expected = tensor_names(config["n_layer"])
    if sorted(tensors) != sorted(expected):
        raise ValueError(
            f"gpt_bytes: the model's tensors are not the ones the browser's GPT reads "
            f"({BROWSER}gpt.mjs): it lacks {sorted(set(expected) - set(tensors))} "
            f"and has {sorted(set(tensors) - set(expected))} besides; change both")
    for name, value in tensors.items():
        if not np.isfinite(value).all():
            raise ValueError(f"gpt_bytes: {name} holds NaN or infinite values; a "
                             f"model that diverged must not be published")
    _check_held_out(held_out, set(alphabet), config["block_size"] - 1)
    layer, head = attention
    if not (0 <= layer < config["n_layer"] and 0 <= head < config["n_head"]):
        raise ValueError(f"gpt_bytes: attention (layer {layer}, head {head}) is not "
                         f"a head of the model (from 0)")
    metadata = {
        "format": FORMAT,
        "format_version": VERSION,
        "fingerprint": fingerprint,
        "title": title,
        "config": config,
        "tokenizer": {"alphabet": alphabet},
        "generation": {"max_new_tokens": max_new_tokens, "stop": "\n"},
        "held_out": [dict(talk) for talk in held_out],
        "attention": {"layer": int(layer), "head": int(head)},
        "about": about or {},
        "sha256": UNSEALED,
    }
    text = {k: json.dumps(v) if k in JSON_FIELDS else v for k, v in metadata.items()}
    return seal(safetensors.numpy.save(tensors, metadata=text))


def _check_held_out(held_out: Sequence[Mapping[str, Any]], alphabet: set[str],
                    longest_prompt: int) -> None:
    for i, talk in enumerate(held_out):
        if set(talk) != HELD_OUT_KEYS:
            raise ValueError(f"gpt_bytes: held-out question {i} has the keys "
                             f"{sorted(talk)}, not {sorted(HELD_OUT_KEYS)}")
        unknown = set(talk["prompt"]) - alphabet
        if unknown or len(talk["prompt"]) > longest_prompt:
            raise ValueError(
                f"gpt_bytes: held-out prompt {i} ({talk['prompt']!r}) must be at most "
                f"{longest_prompt} characters of the alphabet (unknown: {unknown})")


def publish_gpt(name: str, model: GPT, alphabet: str,
                held_out: Sequence[Mapping[str, Any]], max_new_tokens: int,
                attention: tuple[int, int], title: str = "GPT",
                about: dict[str, Any] | None = None) -> dict[str, Any]:
    """Publish ``model`` as the site's ``published/<name>`` (see `gpt_bytes`),
    stamped with this build's fingerprint; returns the manifest's record."""
    data = gpt_bytes(model, alphabet, held_out, max_new_tokens, attention,
                     build_fingerprint(), title, about)
    return publish_file(name, data)


def read_gpt(path: str | Path) -> GPTFile:
    """Read a GPT file, checking its format; a `DamagedFile` names a file that is
    not whole (its checksum, header or tensors do not hold together)."""
    data = Path(path).read_bytes()
    with _damage_named(path):
        metadata = _metadata(data)
        digest = metadata.get("sha256")
        if digest is not None:
            _check_sum(data, digest)
    if (metadata.get("format"), metadata.get("format_version")) != (FORMAT, VERSION):
        raise ValueError(f"read_gpt: {path} is not a {FORMAT} file of version "
                         f"{VERSION} (format {metadata.get('format')!r}, version "
                         f"{metadata.get('format_version')!r})")
    with _damage_named(path):
        if digest is None:
            raise ValueError("it carries no checksum")
        tensors = safetensors.numpy.load(data)
        for key in JSON_FIELDS:
            if key not in metadata:
                raise ValueError(f"its metadata has no {key!r}")
            metadata[key] = json.loads(metadata[key])
        for name in tensor_names(metadata["config"]["n_layer"]):
            if name not in tensors:
                raise ValueError(f"it does not hold the tensor {name!r}")
            if not np.isfinite(tensors[name]).all():
                raise ValueError(f"the tensor {name!r} holds NaN or infinite values")
    return GPTFile(metadata, tensors)
