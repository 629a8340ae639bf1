"""Exercises of book/milestones/05_transformer.md, done as a student would."""

import numpy as np
import pytest

import tinytorch as torch
from milestones import load
from milestones.language import TOKENIZER
from tinytorch.models import GPT, GPTConfig

proof = load("05_2017_transformer/00_vaswani_attention_proof")
generation = load("05_2017_transformer/01_vaswani_generation")
dialogue = load("05_2017_transformer/02_vaswani_dialogue")


@pytest.mark.slow
def test_the_proof_needs_its_position_embeddings() -> None:
    result = proof.run(epochs=1, seed=0, quiet=True)
    model, L = result["model"], proof.LENGTH
    data = proof.reversal(0)
    (weights,) = model.attention_maps(data.x_test)
    rows = np.arange(L, 2 * L)
    assert weights[:, 0, rows, 2 * L - 1 - rows].mean() > 0.5  # on the mirror digit
    assert proof.exact_match(model, data)["answer_accuracy"] > 0.9
    with torch.no_grad():
        model.wpe.weight.mul_(0)  # every position now looks the same
    assert proof.exact_match(model, data)["answer_accuracy"] < 0.1


def test_a_later_character_changes_no_earlier_score() -> None:
    torch.manual_seed(0)
    model = generation.gpt()
    text = TOKENIZER.encode("Q: Who built LeNet?\nA: Yann")
    other = text.copy()
    other[-1] = TOKENIZER.encode("x")[0]
    with torch.no_grad():
        a = model(torch.tensor(text)[None]).numpy()
        b = model(torch.tensor(other)[None]).numpy()
    assert np.array_equal(a[:, :-1], b[:, :-1])  # the causal mask at work
    assert not np.allclose(a[:, -1], b[:, -1])


def test_a_block_holds_about_twelve_d_squared_weights() -> None:
    model = generation.gpt()
    d = generation.CONFIG.n_embd
    for block in model.blocks:
        weights = sum(p.numel() for p in block.parameters())
        assert 12 * d * d < weights < 1.05 * 12 * d * d  # the rest: biases, norms


def saved_attention_bytes(length: int) -> int:
    """The bytes of the attention weights one layer keeps for backward."""
    probe = GPT(
        GPTConfig(block_size=length, vocab_size=16, n_layer=1, n_head=4, n_embd=32)
    )
    stack = [probe(torch.zeros(1, length, dtype=torch.long)).grad_fn]
    while stack:
        node = stack.pop()
        if type(node).__name__ == "ScaledDotProductAttention":
            return node.saved_tensors[3].nbytes  # q, k, v, the weights, the output
        if node is not None:
            stack.extend(t.grad_fn for t in node.inputs)
    raise AssertionError("no attention in the graph")


def test_twice_the_context_keeps_four_times_the_attention_weights() -> None:
    assert saved_attention_bytes(64) == 4 * saved_attention_bytes(32)
    assert saved_attention_bytes(64) == 4 * 64 * 64 * 4  # heads x T x T x float32


def test_the_window_keeps_the_latest_turns_that_fit() -> None:
    turns = [(f"Question {i}?", f"Answer {i}.") for i in range(10)]
    prompt = dialogue.window(turns, "Who was behind it?", size=100)
    assert len(prompt) <= 100
    assert prompt.endswith("Q: Who was behind it?\nA: ")
    assert "Question 9?" in prompt and "Question 0?" not in prompt
    turn = len("Q: Question 9?\nA: Answer 9.\n")
    question = len("Q: Who was behind it?\nA: ")
    assert prompt.count("Q: ") - 1 == (100 - question) // turn == 2
