"""The six milestones of the journey: the one list of their numbers, years, titles,
folders and one-line summaries, and what this checkout has of each.

A milestone's scripts are found in its folder, so a milestone appears as soon as its
folder lands. Everything else about it comes from its scripts (NAME, EXPECTED, GOALS,
SETTINGS, their docstrings) and its folder's README (the history), never retyped
here. The command line (`tito`) reads this; the book can too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import ROOT, load


@dataclass(frozen=True)
class Milestone:
    """One turning point of the journey, and where its scripts live."""

    number: int
    year: int
    title: str
    folder: str  # under milestones/
    summary: str  # one line, the journey's

    @property
    def label(self) -> str:
        """The two-digit number its folder and chapter start with."""
        return f"{self.number:02d}"

    @property
    def path(self) -> Path:
        """Its folder (which may not exist in this checkout yet)."""
        return ROOT / self.folder

    def scripts(self) -> list[Path]:
        """Its scripts in this checkout, in order; empty if it has none yet."""
        return scripts_in(self.path)

    def script(self, name: str) -> Path:
        """The script `name` names: its number ("2", "02"), its file name with or
        without the number and ".py" ("02_xor_solved", "xor_solved.py")."""
        wanted = name.removesuffix(".py")
        scripts = self.scripts()
        for path in scripts:
            number, _, rest = path.stem.partition("_")
            if wanted in (path.stem, rest) or (
                wanted.isdigit() and number.isdigit() and int(wanted) == int(number)
            ):
                return path
        listed = ", ".join(p.name for p in scripts) or "none in this checkout"
        raise LookupError(
            f"milestone {self.label} has no script {name!r}; its scripts: {listed}"
        )

    def readme_section(self, heading: str) -> str | None:
        """The Markdown under `## heading` in its README, or None if absent."""
        try:
            text = (self.path / "README.md").read_text(encoding="utf-8")
        except OSError:
            return None
        section: list[str] | None = None
        for line in text.splitlines():
            if line.startswith("## "):
                if section is not None:
                    break
                if line[3:].strip() == heading:
                    section = []
            elif section is not None:
                section.append(line)
        return None if section is None else "\n".join(section).strip()


MILESTONES = (
    Milestone(1, 1957, "The Perceptron", "01_1957_perceptron",
              "Rosenblatt's machine learns its weights from examples: one layer "
              "draws one straight line."),
    Milestone(2, 1969, "The XOR Crisis", "02_1969_xor",
              "Minsky and Papert: no single line separates XOR. A hidden layer can."),
    Milestone(3, 1986, "The MLP Revival", "03_1986_mlp",
              "Backpropagation trains hidden layers, which learn their own features: "
              "handwritten digits."),
    Milestone(4, 1998, "Convolutional Networks", "04_1998_cnn",
              "LeCun's LeNet-5 reads digits with small shared filters that slide over "
              "the image."),
    Milestone(5, 2017, "The Transformer", "05_2017_transformer",
              "Attention lets every position of a sequence look at every other, all "
              "at once."),
    Milestone(6, 2018, "The Torch Olympics", "06_2018_mlperf",
              "Measure, optimize, validate: the same model made smaller and faster, "
              "judged on its accuracy too."),
)  # fmt: skip


def milestone(number: int) -> Milestone:
    """The milestone numbered `number` (1 to 6)."""
    for found in MILESTONES:
        if found.number == number:
            return found
    raise LookupError(
        f"no milestone {number}: the milestones are numbered 1 to {len(MILESTONES)}"
    )


def scripts_in(folder: Path) -> list[Path]:
    """The milestone scripts in `folder`: the Python files whose names start with
    their number, in order."""
    return sorted(folder.glob("[0-9]*.py")) if folder.is_dir() else []


def script_id(path: Path) -> str:
    """How the milestones name a script: "<folder>/<stem>", as `load` takes it."""
    return f"{path.parent.name}/{path.stem}"


@dataclass(frozen=True)
class ScriptFacts:
    """What a script says about itself, as the READMEs and `tito` show it."""

    file: str
    name: str  # its NAME
    summary: str  # the first paragraph of its docstring
    settings: str  # its SETTINGS, or "no training"
    expected: str  # what the course expects (EXPECTED)
    goals: str  # the project's goals (GOALS)
    trains: bool  # whether it trains (has SETTINGS), so --quick shortens it


def describe(path: Path) -> ScriptFacts:
    """The facts of the script at `path`, read from the script itself (imported,
    not run)."""
    script = load(script_id(path))
    s = getattr(script, "SETTINGS", None)
    schedule = getattr(getattr(script, "run", None), "schedule", None)
    settings = "no training" if s is None else (
        f"{s.epochs} epochs (quick run: {s.quick_epochs}), batch {s.batch_size}, "
        f"lr {s.lr:g}" + (f" ({schedule} peak)" if schedule else ""))  # fmt: skip
    stated = [
        f"{key.replace('_', ' ')}: {bar[2]}" for key, bar in script.EXPECTED.items()
    ]
    doc = (script.__doc__ or "").strip().split("\n\n")[0]
    return ScriptFacts(
        file=path.name,
        name=script.NAME,
        summary=" ".join(doc.split()),
        settings=settings,
        expected="; ".join(stated) or "(not in the course)",
        goals="; ".join(str(goal) for goal in script.GOALS),
        trains=s is not None,
    )
