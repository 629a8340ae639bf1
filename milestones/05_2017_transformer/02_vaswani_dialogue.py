"""Milestone 05 (2017), part 3: a conversation of several turns with the JourneyTalks
GPT, which sees as much of it as its context window holds.

A GPT has no memory but its context: each answer is generated from the window of the
last characters of the conversation (earlier turns slide out whole). A follow-up
such as "Who was behind it?" can only be answered if the turn naming "it" is still
in the window. The script trains the GPT of part 2, holds a scripted session and
checks every answer; it then asks the follow-ups again without the turns before
them, to show what the context was worth.

    python milestones/05_2017_transformer/02_vaswani_dialogue.py [--epochs 30]
        [--seed 0] [--quick] [--quiet]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root
from milestones import load  # noqa: E402
from milestones.cli import main  # noqa: E402
from milestones.language import answers  # noqa: E402
from milestones.results import Goal  # noqa: E402
from tinytorch.datasets import load_journeytalks  # noqa: E402

generation = load("05_2017_transformer/01_vaswani_generation")

# (what the reader says, the answer JourneyTalks gives); a follow-up about "it"
# needs the turn before it. Every exchange is in the corpus (a test checks), some in
# its training split and some held out.
SESSION = (
    ("Good morning, I am Grace.", "Hello, Grace!"),
    ("What about the Transformer?", "The Transformer, 2017."),
    ("Who do we thank for it?", "Vaswani and colleagues."),
    ("What came before the Transformer?", "LeNet."),
    ("Tell me about the perceptron.", "The perceptron, 1957."),
    ("What was its idea?", "Weights learned from examples."),
    ("Which came first, the MLP revival or LeNet?", "The MLP revival."),
    ("What about the XOR crisis?", "The XOR crisis, 1969."),
    ("And who made it?", "Marvin Minsky and Seymour Papert."),
    ("Thank you!", "You are welcome."),
    ("Goodbye!", "Goodbye, happy learning!"),
)
FOLLOW_UPS = tuple(i for i, (question, _) in enumerate(SESSION) if " it" in question)


def window(turns: list[tuple[str, str]], question: str, size: int) -> str:
    """The prompt: as many of the latest turns as fit in `size` characters with the
    question and room for an answer, then the question."""
    prompt = f"Q: {question}\nA: "
    for q, a in reversed(turns):
        turn = f"Q: {q}\nA: {a}\n"
        if len(turn) + len(prompt) > size:
            break
        prompt = turn + prompt
    return prompt


def converse(model: Any, session=SESSION, keep_context: bool = True) -> dict[str, Any]:
    """Hold the session: each answer generated from the window of the conversation
    so far (the model's own answers included); checked against the reference."""
    room = generation.LONGEST_ANSWER
    size = model.config.block_size - room
    trained = {
        tuple(q for q, _ in t.turns[:n])
        for t in load_journeytalks()[0]
        for n in (1, len(t.turns))
    }  # the questions of training talks
    turns: list[tuple[str, str]] = []
    log = []
    for question, expected in session:
        prompt = window(turns if keep_context else [], question, size)
        (answer,) = answers(model, [prompt], room)
        before = turns[-1][0] if turns and keep_context else None
        seen = (question,) in trained or (before, question) in trained
        log.append(
            {
                "question": question,
                "answer": answer,
                "expected": expected,
                "right": answer == expected,
                "context": len(prompt),
                "trained": seen,
            }
        )
        turns.append((question, answer))
    return {"turns": log, "session_accuracy": sum(t["right"] for t in log) / len(log)}


def session_results(model: Any) -> dict[str, Any]:
    """The session with its context, and the follow-ups asked without it."""
    result = converse(model)
    alone = [
        converse(model, [SESSION[i]], keep_context=False)["turns"][0]
        for i in FOLLOW_UPS
    ]
    with_context = [result["turns"][i]["right"] for i in FOLLOW_UPS]
    return {
        **result,
        "follow_up_accuracy": sum(with_context) / len(FOLLOW_UPS),
        "follow_up_accuracy_alone": sum(t["right"] for t in alone) / len(FOLLOW_UPS),
        "follow_ups_alone": alone,
    }


def run(**settings: Any) -> dict[str, Any]:
    """Train part 2's GPT (same settings), then hold the session."""
    result = generation.run(**settings)
    return result | session_results(result["model"]) | {"name": NAME}


NAME = "2017 GPT in conversation"
EXPECTED = {"session_accuracy": (0.0, 1.0, "context-aware responses")}
GOALS = (Goal("session_accuracy", low=0.8), Goal("follow_up_accuracy", low=1.0))
SETTINGS = generation.SETTINGS


if __name__ == "__main__":
    main(run, EXPECTED, GOALS, SETTINGS)
