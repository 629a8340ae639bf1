"""Write tinytorch/datasets/data/journeytalks.txt: JourneyTalks, this project's
question-and-answer corpus about the journey the site tells, in the spirit of the
course's TinyTalks (every sentence here is ours).

Each question is a template filled with a fact. Templates and facts come in groups
(a year question about a milestone, a greeting with a name, ...); in every group
each fact is held out for the test split with exactly one of its templates, a
different one from fact to fact, so the test asks only combinations the training
split never showed, while every template and every fact appears in training. The
output is deterministic: rerunning the script reproduces the file byte for byte (it
prints the SHA-256 that tinytorch.datasets checks).

    python scripts/make_journeytalks.py            # write the file
    python scripts/make_journeytalks.py --check    # exit 1 if the file differs
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tinytorch/datasets/data/journeytalks.txt"

sys.path.insert(0, str(Path(__file__).resolve().parent))  # its tables, beside it
from journeytalks_tables import (  # noqa: E402
    ANSWERS,
    ATTRIBUTES,
    COMPARE,
    FOLLOW_UPS,
    GREETING_ANSWER,
    GREETINGS,
    HOPS,
    INTENTS,
    LOOKUPS,
    MILESTONES,
    NAMES,
    NAMES_HELD_OUT,
    NEIGHBOURS,
    OPENER_ANSWER,
    OPENERS,
    ORDER,
    PEOPLE,
    PERSON_ANSWERS,
    PERSON_FACTS,
)


def held_out(index: int, shift: int, templates: int) -> int:
    """The template held out for fact `index`: a different one from fact to fact."""
    return (index + shift) % templates


def group(
    level: int, kind: str, templates: list, facts: list, shift: int, every: int = 1
) -> list:
    """Every (template, fact) pair of a group: (level, split, kind, fact, turns);
    every `every`-th fact has one of its pairs in the test split."""
    records = []
    for i, (fact, fill) in enumerate(facts):
        test = held_out(i // every, shift, len(templates)) if i % every == 0 else -1
        for j, template in enumerate(templates):
            turns = fill(template)
            split = "test" if j == test else "train"
            records.append((level, split, f"{kind}/{j + 1}", fact, turns))
    return records


def corpus() -> list:
    """All records, in a fixed order."""
    records = []
    shift = iter(range(100))  # each group starts its held-out template elsewhere
    greet = [
        (name, lambda t, n=name: [(t.format(name=n), GREETING_ANSWER.format(name=n))])
        for name in NAMES
    ]
    records += group(1, "greeting", GREETINGS, greet, next(shift), NAMES_HELD_OUT)
    for intent, (questions, answer) in INTENTS.items():
        fill = [(intent, lambda t, a=answer: [(t, a)])]
        records += group(1, intent, questions, fill, next(shift))
    for attribute, templates in ATTRIBUTES.items():
        facts = [
            (key, lambda t, m=m, a=attribute: [(t.format(**m), ANSWERS[a].format(**m))])
            for key, m in MILESTONES.items()
        ]
        records += group(2, attribute, templates, facts, next(shift))
    people = [
        (person, MILESTONES[key] | {"person": person, "place": place})
        for person, key, place in PEOPLE
    ]
    for attribute, templates in PERSON_FACTS.items():
        facts = [
            (
                person.replace(" ", "_"),
                lambda t, m=m, a=attribute: [
                    (t.format(**m), PERSON_ANSWERS[a].format(**m))
                ],
            )
            for person, m in people
        ]
        records += group(2, f"person-{attribute}", templates, facts, next(shift))
    for attribute, templates in LOOKUPS.items():
        if attribute == "person":
            facts = [
                (
                    person.replace(" ", "_"),
                    lambda t, m=m: [(t.format(**m), f"{m['title']}.")],
                )
                for person, m in people
            ]
        else:
            facts = [
                (key, lambda t, m=m: [(t.format(**m), f"{m['title']}.")])
                for key, m in MILESTONES.items()
            ]
        records += group(3, f"lookup-{attribute}", templates, facts, next(shift))
    pairs = [(a, b) for a in ORDER for b in ORDER if a != b]
    facts = [
        (
            f"{a}+{b}",
            lambda t, a=a, b=b: [
                (
                    t.format(a=MILESTONES[a]["name"], b=MILESTONES[b]["name"]),
                    f"{MILESTONES[min(a, b, key=ORDER.index)]['title']}.",
                )
            ],
        )
        for a, b in pairs
    ]
    records += group(4, "first", COMPARE, facts, next(shift))
    for direction, templates in NEIGHBOURS.items():
        step = 1 if direction == "next" else -1
        keys = ORDER[:-1] if step == 1 else ORDER[1:]
        facts = [
            (
                key,
                lambda t, k=key, s=step: [
                    (
                        t.format(**MILESTONES[k]),
                        f"{MILESTONES[ORDER[ORDER.index(k) + s]]['title']}.",
                    )
                ],
            )
            for key in keys
        ]
        records += group(4, direction, templates, facts, next(shift))
    for attribute, templates in HOPS.items():
        facts = [
            (key, lambda t, m=m, a=attribute: [(t.format(**m), ANSWERS[a].format(**m))])
            for key, m in MILESTONES.items()
        ]
        records += group(5, f"hop-{attribute}", templates, facts, next(shift))
    for attribute, templates in FOLLOW_UPS.items():
        facts = []
        for i, (key, m) in enumerate(MILESTONES.items()):
            opener = OPENERS[i % len(OPENERS)].format(**m)

            def fill(t, m=m, opener=opener, a=attribute):
                return [
                    (opener, OPENER_ANSWER.format(**m)),
                    (t, ANSWERS[a].format(**m)),
                ]

            facts.append((key, fill))
        records += group(5, f"follow-{attribute}", templates, facts, next(shift))
    return records


HEADER = """\
# JourneyTalks 1.0: questions and answers about the journey this site tells.
# Written for TinyTorch (every sentence is ours); see journeytalks.md, the datasheet.
# Each record: a line "# <level> <split> <template> <fact>", then Q:/A: turns.
"""


def text() -> str:
    """The whole file."""
    parts = [HEADER]
    for level, split, kind, fact, turns in corpus():
        lines = [f"# {level} {split} {kind} {fact}"]
        for question, answer in turns:
            lines += [f"Q: {question}", f"A: {answer}"]
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only compare")
    args = parser.parse_args(argv)
    data = text().encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    if args.check:
        same = OUT.is_file() and OUT.read_bytes() == data
        print(f"{OUT.relative_to(ROOT)} {'is' if same else 'is NOT'} reproduced")
        return 0 if same else 1
    sys.path.insert(0, str(ROOT))
    from tinytorch.files import write_atomically

    write_atomically(OUT, data)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(data):,} bytes, SHA-256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
