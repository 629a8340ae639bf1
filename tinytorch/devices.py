"""Where a tensor lives: always the CPU, in numpy's memory. PyTorch programs name
devices everywhere (``x.to(device)``), so tinytorch takes the names and says plainly
when a program asks for hardware it does not have.

Book: book/modules/01_tensor.md
"""

from __future__ import annotations

from typing import Any


class device:  # noqa: N801 (PyTorch's name)
    """A device, as ``torch.device``: ``device("cpu")``; ``device("cuda")`` can be
    named, but a tensor or module moved there is an error."""

    __slots__ = ("type", "index")

    def __init__(self, type: Any, index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index
        name, _, number = str(type).partition(":")
        self.type, self.index = name, int(number) if number else index

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = device(other)
        if not isinstance(other, device):
            return NotImplemented
        return (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"


cpu = device("cpu")


def as_device(value: Any) -> device:
    """The CPU, named as "cpu", device("cpu") or None; any other device is an error
    that says tinytorch runs on the CPU only."""
    if value is None:
        return cpu
    chosen = device(value) if isinstance(value, str | device) else None
    if chosen is None or chosen.type != "cpu":
        raise RuntimeError(
            f"device {value!r} is not part of tinytorch: it computes with numpy on "
            f"the CPU only. Use 'cpu' (tinytorch.cuda.is_available() is False, so "
            f"`'cuda' if torch.cuda.is_available() else 'cpu'` picks it)"
        )
    return cpu
