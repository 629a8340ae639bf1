"""A benchmark configuration: batch size and optimizer, the same for every
implementation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    name: str
    batch_size: int
    optimizer: str  # "adam" or "sgd"
    lr: float
    momentum: float = 0.0
