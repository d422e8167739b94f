"""The process tree, as data: which processes descend from one (pure; read by the session side).

Kept apart from the signal handling so the tree walk is tested without starting processes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["descendants", "parse_proc_stat"]


def parse_proc_stat(text: str) -> tuple[int, str] | None:
    """``(parent pid, state)`` from a Linux ``/proc/<pid>/stat`` line, or None if unreadable.

    The command name (field 2) is in parentheses and may itself hold spaces or parentheses,
    so the fields are counted from the last ``)``.
    """
    fields = text.rpartition(")")[2].split()
    if len(fields) < 2 or not fields[1].isdigit():  # noqa: PLR2004 - state, ppid
        return None
    return int(fields[1]), fields[0]


def descendants(pairs: Iterable[tuple[int, int]], root: int) -> list[int]:
    """Every process below ``root`` in ``(pid, parent pid)`` pairs, parents before children."""
    children: dict[int, list[int]] = {}
    for pid, parent in pairs:
        children.setdefault(parent, []).append(pid)
    found: list[int] = []
    queue = [root]
    seen = {root}
    while queue:
        for child in sorted(children.get(queue.pop(0), [])):
            if child not in seen:
                seen.add(child)
                found.append(child)
                queue.append(child)
    return found
