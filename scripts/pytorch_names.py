"""Write tinytorch/pytorch_names.json: the public names of the PyTorch modules that
tinytorch mirrors, read from an installed PyTorch (pip install torch==2.13.0).

tinytorch uses the list to tell a PyTorch name it does not offer ("not part of
tinytorch") from a name PyTorch does not have either (a typo), and the book's
compatibility page lists both. Run it again when the pinned PyTorch changes.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

MODULES = ["torch", "torch.nn", "torch.nn.functional", "torch.nn.init", "torch.optim",
           "torch.optim.lr_scheduler", "torch.utils.data", "torch.autograd",
           "torch.cuda"]  # fmt: skip
OUT = Path(__file__).resolve().parent.parent / "tinytorch" / "pytorch_names.json"


def public(obj: object) -> list[str]:
    return sorted(n for n in dir(obj) if not n.startswith("_"))


def main() -> None:
    import torch

    names = {name: public(importlib.import_module(name)) for name in MODULES}
    names["torch.Tensor"] = public(torch.Tensor)
    names["torch.nn.Module"] = public(torch.nn.Module)
    document = {"pytorch": torch.__version__.split("+")[0], "names": names}
    OUT.write_text(json.dumps(document, indent=0, sort_keys=True) + "\n")
    count = sum(map(len, names.values()))
    print(f"{OUT}: {count} names of PyTorch {torch.__version__}")


if __name__ == "__main__":
    main()
