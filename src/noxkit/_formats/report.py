"""The run report as data: one record per session, the summary table, comparing two reports.

Written by the session side (:mod:`noxkit._session.report`), read by ``noxkit report``.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "RUN_VAR",
    "SessionRecord",
    "critical_path",
    "diff_reports",
    "read_records",
    "render_critical_path",
    "render_markdown",
    "render_table",
    "run_file",
]

RUN_VAR = "NOXKIT_RUN"
"""``<owner pid>:<token>``: set by the process that owns the run, inherited by its workers."""


def run_file(output_dir: Path) -> Path | None:
    """This run's record file (one JSON line per session), or None outside a noxkit run."""
    _, _, token = os.environ.get(RUN_VAR, "").partition(":")
    return output_dir / "runs" / f"{token}.jsonl" if token else None


@dataclass
class SessionRecord:
    """What one session did, as the summary and the JSON report show it."""

    session: str
    result: str = "running"
    duration: float = 0.0
    setup: float = 0.0
    """Environment setup: from the session's start to the end of its last install step."""
    tools: float = 0.0
    started: str = ""
    environment: dict[str, Any] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)
    pid: int = 0
    reason: str = ""
    """Why the session was skipped (nox's or the session's reason), else empty."""
    commands: list[list[str]] = field(default_factory=list)
    """The distinct tool commands the session ran, in order, as ``noxkit doctor`` shows them
    (``{session}`` filled in; other run-time values left as placeholders)."""
    start: float = 0.0
    """Wall-clock start (seconds since the epoch): where the session's bar begins."""
    tests: int | None = None
    artifacts: dict[str, str] = field(default_factory=dict)
    """Artifacts the session built: file name -> SHA-256."""
    reproducible: list[dict[str, Any]] = field(default_factory=list)
    """One comparison per artifact built twice (see :mod:`noxkit._formats.repro`)."""

    def as_json(self) -> dict[str, Any]:
        """The record as one line of the run's record file."""
        return asdict(self)


def read_records(path: Path) -> list[dict[str, Any]]:
    """The records in a run's record file; an unreadable line is left out."""
    records: list[dict[str, Any]] = []
    with contextlib.suppress(OSError):
        for line in path.read_text(encoding="utf-8").splitlines():
            with contextlib.suppress(ValueError):
                records.append(json.loads(line))
    return records


def _seconds(value: float) -> str:
    return f"{value:.2f}s"


def _env_note(record: dict[str, Any]) -> str:
    env = record.get("environment") or {}
    if not env:
        return ""
    if env.get("reused"):
        return "reused"
    if env.get("prefilled"):
        return "fresh (filled ahead)"
    reason = env.get("rebuild_reason")
    return f"rebuilt: {reason}" if reason else "fresh"


def render_table(records: list[dict[str, Any]]) -> str:
    """The end-of-run summary: session, result, total, env setup, tool time, environment."""
    rows = [("session", "result", "total", "env setup", "tools", "environment")]
    rows.extend(
        (
            r["session"],
            r["result"],
            _seconds(r["duration"]),
            _seconds(r["setup"]),
            _seconds(r["tools"]),
            _env_note(r),
        )
        for r in records
    )
    total = sum(r["duration"] for r in records)
    setup = sum(r["setup"] for r in records)
    rows.append(("total", "", _seconds(total), _seconds(setup), _seconds(total - setup), ""))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if 2 <= i <= 4 else cell.ljust(widths[i])  # noqa: PLR2004 - the time columns
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


_HANDOFF = 2.0
"""Seconds between one session's end and the next one's start that still count as waiting
for it (nox starting a worker, loading the noxfile): a longer gap means it waited for
something else."""
_JITTER = 0.05
"""Seconds of clock disagreement between worker processes."""


def critical_path(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The chain of sessions that decided the run's wall time, first to last.

    It ends with the session that finished last; each link before is the session that ended
    last before the next one started (what it waited for: a ``requires=`` prerequisite, a
    free ``-j`` worker, or simply its turn in a sequential run). Sessions running beside the
    chain are not on it: making them faster would not end the run sooner.
    """
    timed = [r for r in records if r.get("start")]
    if not timed:
        return []

    def end(record: dict[str, Any]) -> float:
        return float(record["start"]) + float(record["duration"])

    current = max(timed, key=end)
    chain = [current]
    while True:
        start = float(current["start"])
        before = [r for r in timed if r not in chain and end(r) <= start + _JITTER]
        if not before:
            break
        previous = max(before, key=end)
        same_process = [r for r in before if r.get("pid") and r.get("pid") == current.get("pid")]
        if same_process:
            # One process runs its sessions one after the other: whatever came between them
            # (waiting for an environment filled ahead) is part of the chain.
            previous = max(same_process, key=end)
        elif start - end(previous) > _HANDOFF:
            break
        chain.append(previous)
        current = previous
    return chain[::-1]


def render_critical_path(records: list[dict[str, Any]]) -> str | None:
    """``critical path: tests-3.12 8.1s -> coverage 0.9s = 9.0s of 9.3s wall``, or None."""
    chain = critical_path(records)
    timed = [r for r in records if r.get("start")]
    if not chain:
        return None
    first = min(float(r["start"]) for r in timed)
    last = max(float(r["start"]) + float(r["duration"]) for r in timed)
    links = " -> ".join(f"{r['session']} {_seconds(r['duration'])}" for r in chain)
    on_path = sum(float(r["duration"]) for r in chain)
    return f"critical path: {links} = {_seconds(on_path)} of {_seconds(last - first)} wall"


def render_markdown(records: list[dict[str, Any]]) -> str:
    """The same summary as a Markdown table (for ``$GITHUB_STEP_SUMMARY``)."""
    lines = [
        "### noxkit run summary",
        "",
        "| session | result | total | env setup | tools | environment |",
        "|---|---|---:|---:|---:|---|",
    ]
    lines.extend(
        f"| {r['session']} | {r['result']} | {_seconds(r['duration'])} | "
        f"{_seconds(r['setup'])} | {_seconds(r['tools'])} | {_env_note(r)} |"
        for r in records
    )
    return "\n".join(lines) + "\n"


def _installed(record: dict[str, Any]) -> dict[str, str]:
    env = record.get("environment") or {}
    return {i["name"].lower(): i["version"] for i in env.get("installed", [])}


def diff_reports(a: dict[str, Any], b: dict[str, Any]) -> tuple[bool, list[str]]:
    """Whether two runs had identical environments, and one line per difference."""
    by_a = {r["session"]: r for r in a.get("sessions", [])}
    by_b = {r["session"]: r for r in b.get("sessions", [])}
    lines: list[str] = []
    identical = True
    for name in sorted(set(by_a) | set(by_b)):
        if name not in by_a or name not in by_b:
            identical = False
            lines.append(f"{name}: only in {'A' if name in by_a else 'B'}")
            continue
        env_a = by_a[name].get("environment") or {}
        env_b = by_b[name].get("environment") or {}
        same_python = env_a.get("python") == env_b.get("python")
        if env_a.get("digest") == env_b.get("digest") and same_python:
            count = len(_installed(by_a[name]))
            lines.append(f"{name}: identical ({count} package{'' if count == 1 else 's'})")
            continue
        identical = False
        pa, pb = _installed(by_a[name]), _installed(by_b[name])
        changes = [
            f"{p} {pa[p]} -> {pb[p]}" for p in sorted(pa.keys() & pb.keys()) if pa[p] != pb[p]
        ]
        changes += [f"-{p} {pa[p]}" for p in sorted(pa.keys() - pb.keys())]
        changes += [f"+{p} {pb[p]}" for p in sorted(pb.keys() - pa.keys())]
        if not same_python:
            changes.insert(0, f"python {env_a.get('python')} -> {env_b.get('python')}")
        lines.append(f"{name}: differs: {'; '.join(changes) or 'installed set digest differs'}")
    return identical, lines
