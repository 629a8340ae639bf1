"""Milestone 05 (2017), part 2: a character-level GPT learns JourneyTalks, questions
and answers about this site's journey, then answers questions it never saw.

Vaswani et al. (2017) built the Transformer from attention alone; GPT (2018) kept its
decoder and predicted the next token. This GPT reads one character at a time and
is trained on the answers of JourneyTalks' training talks (the questions are given).
The test asks held-out talks: wordings and facts it knows, in combinations it has
never seen; an answer counts only if it is exactly the reference.

    python milestones/05_2017_transformer/01_vaswani_generation.py [--epochs 30]
        [--seed 0] [--quick] [--quiet]
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

from tinytorch import optim
from tinytorch.datasets import load_journeytalks
from tinytorch.models import GPT, GPTConfig

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root
from milestones import splits  # noqa: E402
from milestones.cli import main  # noqa: E402
from milestones.language import (  # noqa: E402
    TOKENIZER,
    next_token_loss,
    score,
    warmup_cosine,
)
from milestones.results import Goal  # noqa: E402
from milestones.training import Settings, trainer  # noqa: E402

CONFIG = GPTConfig(
    block_size=128, vocab_size=TOKENIZER.vocab_size, n_layer=2, n_head=4, n_embd=64
)
LONGEST_ANSWER = 40  # characters generated at most per answer (the longest is 33)


def gpt() -> GPT:
    """Characters -> 2 transformer blocks of width 64 (4 heads) -> next character."""
    return GPT(CONFIG)


def held_out_answers(model: GPT, data: splits.Splits) -> dict[str, object]:
    """The trained model's answers to every held-out question, scored."""
    return score(model, load_journeytalks()[1], LONGEST_ANSWER)


NAME = "2017 GPT on JourneyTalks"
EXPECTED = {"loss": (0.0, 1.5, "< 1.5, sensible words")}
GOALS = (
    Goal("loss", high=1.5),
    Goal("answer_accuracy", low=0.8),
    Goal("seconds", high=60),
    Goal("loss", high=1.5, quick=True),
)
SETTINGS = Settings(epochs=30, batch_size=8, lr=8e-3, quick_epochs=3)

# run(epochs=..., seed=..., ...) trains the model above and returns its metrics
run = trainer(
    NAME,
    gpt,
    partial(splits.journeytalks, block_size=CONFIG.block_size),
    next_token_loss,
    optim.AdamW,
    SETTINGS,
    scheduler=warmup_cosine(50),
    metrics=held_out_answers,
)


if __name__ == "__main__":
    main(run, EXPECTED, GOALS, SETTINGS)
