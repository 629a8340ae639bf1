"""Small training programs written in everyday PyTorch, run unchanged on tinytorch.

Each program is a plain module that opens with ``import torch`` (and ``import
torch.nn as nn``, ``from torch.utils.data import ...``). `load` runs its source as
written, or with exactly those import lines swapped for tinytorch's, and nothing
else changed: the test then compares the two runs step by step (README.md).
"""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
NAMES = sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_"))

# `import torch`, `import torch.nn as nn`, `from torch... import ...`
IMPORT = re.compile(
    r"(?P<head>import |from )torch(?P<rest>(\.\w+)*)(?P<tail>([ \t].*)?)"
)


def swap_imports(source: str) -> str:
    """The program with its PyTorch imports turned into tinytorch's, line for line."""
    lines = []
    for line in source.splitlines(keepends=True):
        text = line.rstrip("\r\n")
        found = IMPORT.fullmatch(text)
        if found is not None:
            head, rest, tail = found["head"], found["rest"], found["tail"]
            if head == "import " and rest and " as " not in tail:
                raise ValueError(f"say `import torch{rest} as ...`: {text!r}")
            if head == "import " and not rest and " as " not in tail:
                tail = " as torch" + tail
            line = f"{head}tinytorch{rest}{tail}{line[len(text) :]}"
        lines.append(line)
    return "".join(lines)


def load(name: str, framework: str) -> ModuleType:
    """Program `name` run as a fresh module on "torch" (its source as written) or
    "tinytorch" (its imports swapped)."""
    path = HERE / f"{name}.py"
    source = path.read_text()
    if "tinytorch" in source:
        raise ValueError(f"{name}.py must be a PyTorch program: it names tinytorch")
    if framework == "tinytorch":
        source = swap_imports(source)
    elif framework != "torch":
        raise ValueError(f"framework is 'torch' or 'tinytorch', not {framework!r}")
    module = ModuleType(f"{name}_on_{framework}")
    module.__file__ = str(path)  # tracebacks point at the program's own lines
    exec(compile(source, str(path), "exec"), module.__dict__)
    return module
