"""Greetings."""

from __future__ import annotations


def greeting(name: str = "") -> str:
    """Greet someone by name, or the world when no name is given."""
    who = name.strip() or "world"
    return f"Hello, {who}!"
