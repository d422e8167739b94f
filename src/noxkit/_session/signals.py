"""SIGTERM and SIGHUP end a run the way Ctrl-C does: children ended, nothing marked good.

CI cancellation and a closed terminal send SIGTERM or SIGHUP to nox alone, not to its process
group. Python's default action kills nox on the spot: the tools it started are re-parented and
run on from the environment folder, the folder lock dies with nox, and the next run rebuilds
the folder under them. So, from a session's start on, noxkit handles both signals:

1. end every descendant process of nox: SIGTERM, up to a short grace period, then SIGKILL, all
   before anything else happens, so no orphan outlives the folder lock;
2. log one ``interrupted`` line and raise ``KeyboardInterrupt``, the path Ctrl-C takes: nox
   stops the session, no stamp is written (stamps are written only after a step succeeded),
   the session's run record says ``interrupted``, the lock is released;
3. at exit, after the run report is written, exit with ``128 + signal`` (143 for SIGTERM, 129
   for SIGHUP), the code a shell reports for a process ended by that signal (see
   :func:`noxkit._session.register._finish_run`).

A second signal while this runs is ignored. SIGKILL cannot be handled: see docs/guarantees.md.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING

from noxkit._formats.processes import descendants, parse_proc_stat
from noxkit._session import noxapi

if TYPE_CHECKING:
    from types import FrameType

__all__ = ["exit_code", "handle", "install"]

_GRACE = 2.0
"""Seconds the children get to exit on SIGTERM before they are killed."""

_received: list[int] = []
"""The signal that interrupted this process (process state by nature: a signal is per process)."""


def install() -> None:
    """Handle SIGTERM and SIGHUP in this nox process (idempotent; POSIX only)."""
    if os.name == "nt":  # pragma: no cover - Windows has neither signal for nox to receive
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is not _on_signal:
            signal.signal(signum, _on_signal)


def exit_code() -> int | None:
    """``128 + signal`` when a handled signal interrupted the run, else None."""
    return 128 + _received[0] if _received else None


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    """End the children, log one line, and interrupt the run as Ctrl-C does."""
    if _received:
        return  # already ending
    _received.append(signum)
    name = signal.Signals(signum).name
    ended = _end_children()
    noxapi.log(
        f"{name} received: the run is interrupted ({ended} child process(es) ended); "
        "nothing it was building is marked good",
        error=True,
    )
    raise KeyboardInterrupt


def _end_children() -> int:
    """End every descendant of this process: SIGTERM, a grace period, then SIGKILL."""
    pids = _children()
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + _GRACE
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [pid for pid in _children() if pid in pids]
    for pid in [*alive, *(p for p in _children() if p not in pids)]:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return len(pids)


def _children() -> list[int]:
    """The live (not zombie) descendants of this process."""
    return descendants(_process_table(), os.getpid())


def _process_table() -> list[tuple[int, int]]:
    """``(pid, parent pid)`` of every live process: from /proc, else from ``ps``."""
    proc = Path("/proc")
    if (proc / "self" / "stat").exists():
        pairs = []
        for entry in proc.iterdir():
            if not entry.name.isdigit():
                continue
            try:
                parsed = parse_proc_stat((entry / "stat").read_text(errors="replace"))
            except OSError:
                continue
            if parsed is not None and parsed[1] != "Z":
                pairs.append((int(entry.name), parsed[0]))
        return pairs
    return _ps_table()  # pragma: no cover - macOS and the BSDs


def _ps_table() -> list[tuple[int, int]]:  # pragma: no cover - macOS and the BSDs
    try:
        out = subprocess.run(
            ["ps", "-A", "-o", "pid=,ppid=,state="],
            capture_output=True,
            text=True,
            check=False,
            timeout=5,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    pairs = []
    for line in out.splitlines():
        pid, ppid, state = [*line.split(), "", "", ""][:3]
        if pid.isdigit() and ppid.isdigit() and not state.startswith("Z"):
            pairs.append((int(pid), int(ppid)))
    return pairs


handle = _on_signal
"""The handler itself, for a process that installed a forwarder before loading this module."""
