"""Text for the language milestone: JourneyTalks as token rows a GPT trains on, and
the model's answers to questions, generated and scored by exact match."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence

import numpy as np

import tinytorch as tt
from tinytorch.datasets import Talk
from tinytorch.models import GPT
from tinytorch.nn import functional as F
from tinytorch.optim import Optimizer
from tinytorch.optim.lr_scheduler import LambdaLR
from tinytorch.tokenizers import CharTokenizer
from tinytorch.utils.data import Dataset

IGNORE = -100  # F.cross_entropy's ignore_index: a target the model is not asked for
# Every printable ASCII character and the newline: any typed question encodes.
TOKENIZER = CharTokenizer("\n" + "".join(map(chr, range(32, 127))))


def answer_mask(text: str) -> np.ndarray:
    """True at the characters of answers (after 'A: ', with their newline)."""
    mask = np.zeros(len(text), bool)
    start = 0
    for line in text.split("\n"):
        if line.startswith("A: "):
            mask[start + 3 : start + len(line) + 1] = True
        start += len(line) + 1
    return mask[: len(text)]


class TalkRows(Dataset):
    """Rows of `block_size` characters, one starting at each talk, the rest of the
    row filled with other talks drawn afresh (from a seeded generator) every time
    a row is asked for, so every epoch packs differently. A row's targets are the
    next character where it belongs to an answer and IGNORE elsewhere: the
    questions are given, only the answers are learned."""

    def __init__(self, talks: Sequence[Talk], block_size: int, seed: int) -> None:
        texts = [t.text() for t in talks]
        self.ids = [TOKENIZER.encode(text) for text in texts]
        self.answers = [answer_mask(text) for text in texts]
        self.block_size, self.rng = block_size, np.random.default_rng(seed)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        x, y = self.batch(np.array([index]))
        return x[0], y[0]

    def batch(self, indices: np.ndarray | slice) -> tuple[np.ndarray, np.ndarray]:
        """Inputs and targets (len(indices), block_size) of the rows at `indices`."""
        rows, answers = [], []
        for i in range(len(self))[indices] if isinstance(indices, slice) else indices:
            parts, length = [int(i)], len(self.ids[i])
            while length < self.block_size + 1:
                parts.append(int(self.rng.integers(len(self))))
                length += len(self.ids[parts[-1]])
            rows.append(
                np.concatenate([self.ids[p] for p in parts])[: self.block_size + 1]
            )
            answers.append(
                np.concatenate([self.answers[p] for p in parts])[
                    1 : self.block_size + 1
                ]
            )
        rows = np.stack(rows)
        return rows[:, :-1], np.where(np.stack(answers), rows[:, 1:], IGNORE)


def next_token_loss(logits: tt.Tensor, targets: tt.Tensor) -> tt.Tensor:
    """Cross-entropy of every scored position: (batch, time, vocab) logits against
    (batch, time) targets, IGNORE ones left out."""
    return F.cross_entropy(
        logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=IGNORE
    )


def answers(model: GPT, prompts: Sequence[str], max_new_tokens: int) -> list[str]:
    """The model's most likely continuation of each prompt, up to its first newline.

    Prompts of equal length are answered together, one batch each."""
    by_length: dict[int, list[int]] = defaultdict(list)
    for i, prompt in enumerate(prompts):
        by_length[len(prompt)].append(i)
    out = [""] * len(prompts)
    for length, members in by_length.items():
        ids = tt.tensor(np.stack([TOKENIZER.encode(prompts[i]) for i in members]))
        new = min(max_new_tokens, model.config.block_size - length)
        generated = model.generate(ids, new, top_k=1)[:, length:].numpy()
        for i, row in zip(members, generated, strict=True):
            out[i] = TOKENIZER.decode(row).split("\n")[0]
    return out


def warmup_cosine(warmup: int) -> Callable[..., LambdaLR]:
    """A schedule factory for `trainer`: the learning rate rises linearly for
    `warmup` steps to `max_lr` (the settings' lr), then falls along a cosine to
    zero at the last step."""

    def schedule(
        optimizer: Optimizer, max_lr: float, epochs: int, steps_per_epoch: int
    ) -> LambdaLR:
        for group in optimizer.param_groups:  # LambdaLR scales the lr it finds
            group["lr"] = max_lr
        total = epochs * steps_per_epoch

        def factor(step: int) -> float:
            if step < warmup:
                return (step + 1) / warmup
            angle = math.pi * (step - warmup) / max(1, total - warmup)
            return 0.5 * (1 + math.cos(angle))

        return LambdaLR(optimizer, factor)

    schedule.__name__ = f"warmup_cosine({warmup})"  # as the README tables name it
    return schedule


def score(model: GPT, talks: Sequence[Talk], max_new_tokens: int) -> dict[str, object]:
    """The model's answers to `talks` and how many are exactly the reference:
    overall, per level, and every answer with its reference."""
    got = answers(model, [t.prompt() for t in talks], max_new_tokens)
    right = [g == t.answer for g, t in zip(got, talks, strict=True)]
    levels = sorted({t.level for t in talks})
    return {
        "answer_accuracy": float(np.mean(right)),
        "answer_accuracy_by_level": {
            level: float(
                np.mean(
                    [r for r, t in zip(right, talks, strict=True) if t.level == level]
                )
            )
            for level in levels
        },
        "answers": [(t.prompt(), g, t.answer) for g, t in zip(got, talks, strict=True)],
    }
