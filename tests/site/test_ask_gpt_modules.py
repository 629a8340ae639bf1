"""The GPT file the ask-gpt box runs (book/_ext/tinytorch_book/gpt_file.py) and the box's model modules
(book/_assets/ask-gpt/), run in Node.js against tinytorch on small untrained GPTs: quick, no site build.

The browser tests (test_ask_gpt_*.py) prove the same on the model the site publishes; these cover what that one
model cannot: the exact GELU a migrated library may use, and every refusal.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import safetensors.numpy
from sitebuild import ROOT

import tinytorch as tt
from milestones.language import TOKENIZER, answers
from tinytorch import nn
from tinytorch.files import DamagedFile
from tinytorch.models import GPT, GPTConfig

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from tinytorch_book.gpt_file import gpt_bytes, read_gpt, tensor_names  # noqa: E402

FINGERPRINT = "f" * 64
ALPHABET = TOKENIZER.decode(np.arange(TOKENIZER.vocab_size))
RUNNER = Path(__file__).with_name("gpt_modules.mjs")
PROMPTS = ["Q: When was LeNet?\nA: ", "Q: Hi\nA: ", "x", "Q: " + "abc " * 6]
MAX_NEW = 12
TALK = {"level": 1, "prompt": "Q: Hi\nA: ", "reference": "Hello!", "answer": "Hey"}


class ExactGELU(nn.Module):
    """The exact GELU, 0.5 x (1 + erf(x / sqrt 2)), PyTorch's default: forward only."""

    def forward(self, x: tt.Tensor) -> tt.Tensor:
        a = x.detach().numpy().astype(np.float64)
        erf = np.vectorize(math.erf)(a / math.sqrt(2))
        return tt.tensor((0.5 * a * (1 + erf)).astype(np.float32))


# Weights scaled up from GPT-2's small initial ones, so that the GELUs' inputs spread over [-4, 4], attention is
# far from uniform and the logits far apart, as in a trained model.
LIVELY = {"mlp.0.weight": 40, "q_proj.weight": 15, "k_proj.weight": 15, "lm_head.weight": 40}


def small_gpt(gelu: str = "tanh", seed: int = 0) -> GPT:
    tt.manual_seed(seed)
    model = GPT(GPTConfig(block_size=32, vocab_size=len(ALPHABET), n_layer=2, n_head=2, n_embd=16))
    state = {name: tt.tensor(np.asarray(value) * next((k for end, k in LIVELY.items() if name.endswith(end)), 1))
             for name, value in model.state_dict().items()}
    model.load_state_dict(state)
    if gelu == "erf":
        for block in model.blocks:
            block.mlp = nn.Sequential(block.mlp[0], ExactGELU(), block.mlp[2], block.mlp[3])
    return model.eval()


def written(tmp_path: Path, model: GPT, **changes: object) -> Path:
    options = {"held_out": [TALK], "max_new_tokens": MAX_NEW, "attention": (1, 0)} | changes
    path = tmp_path / "gpt.safetensors"
    path.write_bytes(gpt_bytes(model, ALPHABET, options["held_out"], options["max_new_tokens"],
                               options["attention"], FINGERPRINT, "tiny GPT", {"page": "test"}))
    return path


def run_modules(tmp_path: Path, path: Path, prompts: list[str] = PROMPTS) -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed (README: you need Python 3.11, Node.js with npm, and make)", pytrace=False)
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"file": str(path), "prompts": prompts,
                               "sample": {"temperature": 0.9, "topK": 10, "seed": 7}}))
    done = subprocess.run([node, str(RUNNER), str(job)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def python_logits(model: GPT, prompt: str) -> np.ndarray:
    with tt.no_grad():
        return model(TOKENIZER.encode(prompt)[None]).detach().numpy()[0]


@pytest.mark.parametrize("gelu", ["tanh", "erf"])
def test_the_modules_compute_what_tinytorch_computes(tmp_path: Path, gelu: str) -> None:
    model = small_gpt(gelu)
    got = run_modules(tmp_path, written(tmp_path, model))
    assert got["gelu"] == gelu
    expected = answers(model, PROMPTS, MAX_NEW)
    for prompt, result, python in zip(PROMPTS, got["results"], expected, strict=True):
        np.testing.assert_allclose(result["logits"], python_logits(model, prompt), atol=1e-4, err_msg=prompt)
        assert result["greedy"] == python, prompt
        first, again = result["sampled"]
        assert first == again, "the same seed must draw the same answer"


def test_the_exact_and_the_approximate_gelu_give_different_logits(tmp_path: Path) -> None:
    """The erf model's logits differ from the tanh model's by ten times the tolerance: the test above tells them
    apart."""
    tanh, erf = small_gpt("tanh"), small_gpt("erf")
    assert np.abs(python_logits(tanh, PROMPTS[0]) - python_logits(erf, PROMPTS[0])).max() > 1e-3


def test_the_file_round_trips_the_model_and_its_header(tmp_path: Path) -> None:
    model = small_gpt()
    read = read_gpt(written(tmp_path, model))
    read.metadata.pop("sha256")
    assert read.metadata == {
        "format": "tinytorch-gpt", "format_version": "1", "fingerprint": FINGERPRINT, "title": "tiny GPT",
        "config": {"block_size": 32, "vocab_size": 96, "n_layer": 2, "n_head": 2, "n_embd": 16, "eps": 1e-5,
                   "gelu": "tanh"},
        "tokenizer": {"alphabet": ALPHABET},
        "generation": {"max_new_tokens": MAX_NEW, "stop": "\n"},
        "held_out": [TALK],
        "attention": {"layer": 1, "head": 0},
        "about": {"page": "test"},
    }
    assert sorted(read.tensors) == sorted(tensor_names(2))
    np.testing.assert_array_equal(python_logits(read.model(), PROMPTS[0]), python_logits(model, PROMPTS[0]))


def test_every_flipped_byte_of_a_gpt_file_is_caught(tmp_path: Path) -> None:
    data = bytearray(written(tmp_path, small_gpt()).read_bytes())
    path = tmp_path / "flipped.safetensors"
    for index in np.random.default_rng(0).integers(0, len(data), 40):
        flipped = data.copy()
        flipped[index] ^= 0x20
        path.write_bytes(bytes(flipped))
        with pytest.raises((DamagedFile, ValueError)):
            read_gpt(path)


class Doubled(nn.Module):
    def forward(self, x: tt.Tensor) -> tt.Tensor:
        return x * 2


def with_activation(activation: nn.Module) -> GPT:
    model = small_gpt()
    block = model.blocks[1]
    block.mlp = nn.Sequential(block.mlp[0], activation, block.mlp[2], block.mlp[3])
    return model


@pytest.mark.parametrize(
    ("model", "changes", "message"),
    [
        (with_activation(Doubled()), {}, "the activation of block 1 (Doubled()) is neither GELU's tanh approximation nor the exact GELU"),
        (with_activation(ExactGELU()), {}, "the blocks use different GELUs"),
        (small_gpt(), {"attention": (2, 0)}, "attention (layer 2, head 0) is not a head of the model"),
        (small_gpt(), {"held_out": [TALK | {"prompt": "Q: " + "x" * 40}]}, "must be at most 31 characters of the alphabet"),
        (small_gpt(), {"held_out": [TALK | {"prompt": "Q: caf\u00e9\nA: "}]}, "unknown: {'\u00e9'}"),
        (small_gpt(), {"held_out": [{"prompt": "Q: Hi\nA: "}]}, "held-out question 0 has the keys ['prompt']"),
    ],
)
def test_what_the_browser_could_not_run_is_refused(tmp_path: Path, model: GPT, changes: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        written(tmp_path, model, **changes)


def test_a_model_that_diverged_is_not_published(tmp_path: Path) -> None:
    model = small_gpt()
    state = model.state_dict()
    state["blocks.0.mlp.0.weight"] = tt.tensor(np.full_like(np.asarray(state["blocks.0.mlp.0.weight"]), np.nan))
    model.load_state_dict(state)
    with pytest.raises(ValueError, match="blocks.0.mlp.0.weight holds NaN or infinite values"):
        written(tmp_path, model)


def rewritten(path: Path, change: callable) -> Path:
    """The GPT file at ``path`` written again after ``change(metadata, tensors)`` (no longer sealed)."""
    data = path.read_bytes()
    metadata = json.loads(data[8 : 8 + int.from_bytes(data[:8], "little")])["__metadata__"]
    tensors = safetensors.numpy.load(data)
    change(metadata, tensors)
    path.write_bytes(safetensors.numpy.save(tensors, metadata=metadata))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m, t: t.pop("ln_f.bias"), "it does not hold the tensor ln_f.bias"),
        (lambda m, t: t.update({"wpe.weight": t["wpe.weight"][:8]}), "its tensor wpe.weight is [8,16], not [32,16]"),
        (lambda m, t: t["lm_head.weight"].__setitem__((0, 0), np.inf), "its tensor lm_head.weight holds NaN or infinite values"),
        (lambda m, t: m.update(config=m["config"].replace('"tanh"', '"relu"')), 'its GELU is "relu", which this page does not compute (it computes tanh and erf)'),
        (lambda m, t: m.update(tokenizer='{"alphabet": "abc"}'), "its alphabet does not give each of its 96 ids a character"),
        (lambda m, t: m.update(held_out="[{"), "its held_out is damaged (not JSON)"),
        (lambda m, t: m.update(format_version="2"), "not a tinytorch-gpt file of version 1 (format tinytorch-gpt, version 2)"),
    ],
)
def test_the_modules_say_what_is_wrong_with_a_file(tmp_path: Path, change: callable, message: str) -> None:
    path = rewritten(written(tmp_path, small_gpt()), change)
    assert run_modules(tmp_path, path) == {"error": message}
