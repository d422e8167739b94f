"""Whether a run verified anything: a run in which every session was skipped did not.

A run with Pythons that are not installed (or sessions that skip themselves) used to exit 0
with no summary: CI went green having checked nothing. The verdict is computed from the run's
records (pure), and the session side turns it into exit code 1 unless the project allows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["nothing_verified"]


def nothing_verified(records: Sequence[dict[str, Any]]) -> str | None:
    """The one line saying every session was skipped, and why; None when one did more."""
    if not records or any(r.get("result") != "skipped" for r in records):
        return None
    skipped = ", ".join(
        f"{r['session']} ({r['reason']})" if r.get("reason") else str(r["session"]) for r in records
    )
    return (
        f"every session was skipped, so nothing was verified: {skipped}; make them runnable "
        "(install the missing Pythons), or set [tool.noxkit] allow-all-skipped = true"
    )
