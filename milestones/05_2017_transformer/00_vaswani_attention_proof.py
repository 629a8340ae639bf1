"""Milestone 05 (2017), part 1: attention proves itself by writing sequences
backwards.

To reverse a sequence, each output position must read exactly one input position,
its mirror image, wherever it is: attention does that in one step, where a
recurrent network would have to carry the whole sequence in its state. A one-layer
GPT sees eight random digits and a separator, and learns to write the digits in
reverse order; it is then tested on sequences it never saw, and its attention map
shows the mirror.

    python milestones/05_2017_transformer/00_vaswani_attention_proof.py
        [--epochs 3] [--seed 0] [--quick] [--quiet]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import tinytorch as tt
from tinytorch import optim
from tinytorch.models import GPT, GPTConfig

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root
from milestones.cli import main  # noqa: E402
from milestones.language import IGNORE, next_token_loss  # noqa: E402
from milestones.results import Goal  # noqa: E402
from milestones.splits import HELD_OUT, Splits  # noqa: E402
from milestones.training import Settings, trainer  # noqa: E402

LENGTH, DIGITS = 8, 10
SEPARATOR = DIGITS  # token 10 separates a sequence from its reverse
CONFIG = GPTConfig(
    block_size=2 * LENGTH, vocab_size=DIGITS + 1, n_layer=1, n_head=1, n_embd=64
)


def sequences(n: int, seed: int) -> np.ndarray:
    """`n` rows: LENGTH random digits, the separator, the digits reversed."""
    digits = np.random.default_rng(seed).integers(0, DIGITS, (n, LENGTH))
    return np.concatenate([digits, np.full((n, 1), SEPARATOR), digits[:, ::-1]], axis=1)


def reversal(seed: int, n_train: int = 6000, n_test: int = 500) -> Splits:
    """Rows to learn from: inputs are a row but its last token, targets the next
    token where it is an output digit (IGNORE before the separator). The test
    sequences come from another seed and never occur in training."""
    train, test = sequences(n_train, seed), sequences(n_test, seed + HELD_OUT)
    seen = {row.tobytes() for row in train}
    test = np.array([row for row in test if row.tobytes() not in seen])
    rows = []
    for data in (train, test):
        targets = data[:, 1:].copy()
        targets[:, :LENGTH] = IGNORE  # the input digits are given, not predicted
        rows += [data[:, :-1], targets]
    return Splits(
        *rows,
        f"{n_train} random sequences of {LENGTH} digits",
        f"{len(test)} other sequences (seed {seed + HELD_OUT})",
    )


def proof_model() -> GPT:
    """Digits -> one transformer block of width 64, one attention head -> digits."""
    return GPT(CONFIG)


def reverse(model: GPT, rows: np.ndarray) -> np.ndarray:
    """The model's reversal of each row's digits, most likely token each time."""
    prompts = tt.from_numpy(rows[:, : LENGTH + 1])
    return model.generate(prompts, LENGTH, top_k=1)[:, LENGTH + 1 :].numpy()


def exact_match(model: GPT, data: Splits) -> dict[str, object]:
    """How many held-out sequences the model reverses without a single mistake."""
    wanted = data.y_test[:, LENGTH:]
    got = reverse(model, data.x_test)
    return {
        "answer_accuracy": float((got == wanted).all(axis=1).mean()),
        "digit_accuracy": float((got == wanted).mean()),
    }


NAME = "2017 attention: reversing sequences"
EXPECTED = {"answer_accuracy": (0.95, 1.0, "95 %+ on sequence reversal")}
GOALS = (Goal("answer_accuracy", low=1.0), Goal("answer_accuracy", low=0.9, quick=True))
SETTINGS = Settings(epochs=3, batch_size=64, lr=3e-3, quick_epochs=1)

# run(epochs=..., seed=..., ...) trains the model above and returns its metrics
run = trainer(
    NAME,
    proof_model,
    reversal,
    next_token_loss,
    optim.AdamW,
    SETTINGS,
    metrics=exact_match,
)


if __name__ == "__main__":
    main(run, EXPECTED, GOALS, SETTINGS)
