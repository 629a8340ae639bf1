"""JourneyTalks: questions and answers about the journey this site tells, written for
this project in the spirit of the course's TinyTalks, with held-out combinations of
question wording and fact for testing (see data/journeytalks.md, its datasheet).

Book: book/modules/10_tokenization.md
"""

from __future__ import annotations

from dataclasses import dataclass

from .checks import DatasetError, read_checked
from .mnist import DATA_DIR

JOURNEYTALKS_SHA256 = "e47c4a8dd64f950179521c1aec0b03df2da4fd3fafc0e1548fc39323ad58cf6f"
LEVELS = {
    1: "conversation: greetings with a name, thanks, goodbyes",
    2: "one fact about a milestone: its year, people, idea, number, model",
    3: "the other way round: from a year, a person or a number to the milestone",
    4: "two milestones: which came first, what came after or before",
    5: "two steps: a fact of the milestone of a year, or a follow-up about 'it'",
}


@dataclass(frozen=True)
class Talk:
    """One record: its level (1-5), split, question template, fact, and its turns
    (question, answer); only the last turn's answer is asked, the turns before it
    are its context."""

    level: int
    split: str
    template: str
    fact: str
    turns: tuple[tuple[str, str], ...]

    @property
    def question(self) -> str:
        """The question asked."""
        return self.turns[-1][0]

    @property
    def answer(self) -> str:
        """The reference answer."""
        return self.turns[-1][1]

    def text(self) -> str:
        """The whole record as the model reads it: 'Q: ...' and 'A: ...' lines."""
        return "".join(f"Q: {q}\nA: {a}\n" for q, a in self.turns)

    def prompt(self) -> str:
        """The text before the answer: earlier turns, the question, and 'A: '."""
        return "".join(f"Q: {q}\nA: {a}\n" for q, a in self.turns[:-1]) + (
            f"Q: {self.question}\nA: "
        )


def load_journeytalks() -> tuple[list[Talk], list[Talk]]:
    """JourneyTalks (train, test): lists of Talk, read from the bundled text file
    once its SHA-256 is checked."""
    path = DATA_DIR / "journeytalks.txt"
    data = read_checked(
        path, JOURNEYTALKS_SHA256, "tinytorch/datasets/data/journeytalks.txt"
    )
    talks = parse_journeytalks(data.decode("utf-8"))
    return (
        [t for t in talks if t.split == "train"],
        [t for t in talks if t.split == "test"],
    )


def parse_journeytalks(text: str) -> list[Talk]:
    """Records from the file's text: a line '# <level> <split> <template> <fact>'
    and its 'Q: '/'A: ' lines, records separated by blank lines."""
    talks = []
    for number, block in enumerate(text.strip("\n").split("\n\n")[1:], start=1):
        lines = block.split("\n")
        head = lines[0].split(" ")
        questions, answers = lines[1::2], lines[2::2]
        ok = (
            len(head) == 5 and head[0] == "#" and head[1] in "12345"
            and head[2] in ("train", "test") and len(lines) % 2 == 1 and questions
            and all(q.startswith("Q: ") for q in questions)
            and all(a.startswith("A: ") for a in answers)
        )  # fmt: skip
        if not ok:
            raise DatasetError(
                f"JourneyTalks: record {number} is malformed ({lines[0]!r}); restore "
                f"the file with `git checkout -- "
                f"tinytorch/datasets/data/journeytalks.txt`"
            )
        turns = tuple((q[3:], a[3:]) for q, a in zip(questions, answers, strict=True))
        talks.append(Talk(int(head[1]), head[2], head[3], head[4], turns))
    return talks
