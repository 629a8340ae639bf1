"""Whole models, one file each, in the shape of well-known reference code.

Book: book/modules/13_transformers.md
"""

from .gpt import GPT, GPTConfig

__all__ = ["GPT", "GPTConfig"]
