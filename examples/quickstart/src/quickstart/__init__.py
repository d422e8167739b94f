"""A tiny package for noxkit's quickstart."""

from quickstart.greet import greeting

__all__ = ["greeting"]
