"""Helpers of the tests that drive real processes: waiting, and finding a run's process tree.

Interrupt and signal tests start nox as the leader of a new session (``start_new_session``),
wait until the tool they interrupt is ready (a marker file), send the signal, and then check
that nothing of the run is left alive.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable


def wait_for(predicate: Callable[[], object], timeout: float = 90, what: str = "condition") -> None:
    """Poll ``predicate`` until it is true; fail the test naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def session_processes(sid: int) -> list[int]:
    """PIDs of the live processes in one session (an interrupted run's whole tree)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the command name (which may hold spaces) start with the state.
        fields = stat.rpartition(")")[2].split()
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(int(entry.name))
    return found
