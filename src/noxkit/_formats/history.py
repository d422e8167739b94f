"""The run history: one compact line per run, trends, regressions, drifting artifacts. Pure.

Each run appends one JSON line to ``<output-dir>/history.jsonl`` (the last N runs are kept, so
the file stays small): per session its outcome, total, environment setup and tool time, whether
its environment was reused or rebuilt and why, its Python, its test count, the artifacts it built
and whether they were reproducible; per run the noxkit and nox versions, the git revision and
the lock digest. From that, :func:`find_regressions` flags a session markedly slower than its
recent median and names the likely cause, and :func:`digest_conflicts` flags one revision and
lock that built different artifacts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from noxkit._util import append_line, atomic_write_text

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "HISTORY_FORMAT",
    "HISTORY_NAME",
    "Conflict",
    "Regression",
    "Thresholds",
    "append_history",
    "digest_conflicts",
    "file_digest",
    "find_regressions",
    "history_entry",
    "parse_revision",
    "read_history",
    "render_history",
    "session_names",
]

HISTORY_NAME = "history.jsonl"
HISTORY_FORMAT = 1
_REVISION = re.compile(r"^(?P<sha>[0-9a-f]{7,40})(?: \((?P<branch>[^,)]+)(?P<dirty>, dirty)?\))?")


def parse_revision(text: str | None) -> tuple[str | None, str | None, bool]:
    """(sha, branch, dirty) from the header's ``<sha> (<branch>, dirty)``; Nones outside git."""
    match = _REVISION.match(text or "")
    if match is None:
        return None, None, False
    dirty = bool(match.group("dirty")) or (text or "").endswith(", dirty")
    return match.group("sha"), match.group("branch"), dirty


def file_digest(path: Path) -> str | None:
    """``sha256:<first 16 hex>`` of a file (the lockfile), None when it does not exist."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return "sha256:" + hashlib.sha256(data).hexdigest()[:16]


def _epoch(iso: str) -> float | None:
    try:
        return dt.datetime.fromisoformat(iso).timestamp()
    except (TypeError, ValueError):
        return None


def _session_entry(record: dict[str, Any], run_start: float) -> dict[str, Any]:
    env = record.get("environment") or {}
    state = ""
    if env:
        state = (
            "reused" if env.get("reused") else ("rebuilt" if env.get("rebuild_reason") else "fresh")
        )
    start = record.get("start") or _epoch(record.get("started", "")) or run_start
    entry: dict[str, Any] = {
        "name": record["session"],
        "result": record.get("result", ""),
        "total": record.get("duration", 0.0),
        "setup": record.get("setup", 0.0),
        "tools": record.get("tools", 0.0),
        "start": round(max(0.0, start - run_start), 3),
        "env": state,
    }
    optional = {
        "why": env.get("rebuild_reason"),
        "python": env.get("python"),
        "tests": record.get("tests"),
        "artifacts": record.get("artifacts") or None,
        "reproducible": record.get("reproducible") or None,
    }
    entry.update({k: v for k, v in optional.items() if v is not None})
    return entry


def history_entry(
    report: dict[str, Any], *, revision: str | None, lock: str | None
) -> dict[str, Any]:
    """The compact history line of one run, from its run report."""
    records = report.get("sessions", [])
    starts = [r.get("start") or _epoch(r.get("started", "")) or 0.0 for r in records]
    run_start = min((s for s in starts if s), default=0.0)
    sha, branch, dirty = parse_revision(revision)
    return {
        "format": HISTORY_FORMAT,
        "finished": report.get("finished", ""),
        "noxkit": report.get("noxkit"),
        "nox": report.get("nox"),
        "git": sha,
        "branch": branch,
        "dirty": dirty,
        "lock": lock,
        "command": " ".join(str(a) for a in report.get("command", [])[1:]),
        "sessions": [_session_entry(r, run_start) for r in records],
        "critical_path": list(report.get("critical_path") or []),
    }


def read_history(path: Path) -> list[dict[str, Any]]:
    """The runs in a history file, oldest first; unreadable or foreign lines are left out."""
    runs: list[dict[str, Any]] = []
    with contextlib.suppress(OSError):
        for line in path.read_text(encoding="utf-8").splitlines():
            with contextlib.suppress(ValueError):
                data = json.loads(line)
                if isinstance(data, dict) and isinstance(data.get("sessions"), list):
                    runs.append(data)
    return runs


def append_history(path: Path, entry: dict[str, Any], keep: int) -> None:
    """Append one run (one ``O_APPEND`` write), then keep only the last ``keep`` runs.

    Trimming rewrites the file through a temporary file and a rename, so a reader never sees a
    half-written history.
    """
    append_line(path, json.dumps(entry, sort_keys=True, separators=(",", ":")))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if len(lines) > keep:
        atomic_write_text(path, "".join(lines[-keep:]))


def session_names(runs: list[dict[str, Any]]) -> list[str]:
    """Every session in the runs, in the order it first appeared."""
    seen: dict[str, None] = {}
    for run in runs:
        seen.update(dict.fromkeys(s["name"] for s in run["sessions"]))
    return list(seen)


@dataclass(frozen=True)
class Thresholds:
    """When a session counts as markedly slower."""

    factor: float = 1.5
    """Slower than this many times its recent median..."""
    seconds: float = 1.0
    """...and by at least this many seconds (tiny sessions jitter by large factors)."""
    window: int = 5
    """The median is over at most this many earlier runs of the session."""
    min_runs: int = 2
    """No verdict before the session has this many earlier runs."""


@dataclass
class Regression:
    """One session, in one run, markedly slower than its recent median."""

    run: int
    """The run's index in the history (0 = oldest)."""
    session: str
    total: float
    median: float
    compared: int
    causes: list[str] = field(default_factory=list)

    def line(self) -> str:
        """``tests-3.12: 9.20s, 3.1x its median of 2.95s over 4 earlier runs; likely: ...``."""
        ratio = self.total / self.median if self.median else float("inf")
        text = (
            f"{self.session}: {self.total:.2f}s in run {self.run + 1}, {ratio:.1f}x its median of "
            f"{self.median:.2f}s over {self.compared} earlier run{'s' if self.compared > 1 else ''}"
        )
        return text + (f"; likely: {'; '.join(self.causes)}" if self.causes else "")

    def as_json(self) -> dict[str, Any]:
        """For ``noxkit report history --json``."""
        return {
            "run": self.run,
            "session": self.session,
            "total": self.total,
            "median": self.median,
            "compared": self.compared,
            "causes": self.causes,
        }


def _entry(run: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((s for s in run["sessions"] if s["name"] == name), None)


def _counts(session: dict[str, Any]) -> bool:
    return session.get("result") not in {"skipped", "interrupted", "running"}


def _causes(
    run: dict[str, Any], now: dict[str, Any], before_run: dict[str, Any], before: dict[str, Any]
) -> list[str]:
    causes: list[str] = []
    if now.get("env") in {"rebuilt", "fresh"} and before.get("env") == "reused":
        why = f" ({now['why']})" if now.get("why") else ""
        causes.append(f"environment {now['env']}{why}")
    if run.get("lock") != before_run.get("lock"):
        causes.append(
            f"new lock ({before_run.get('lock') or 'none'} -> {run.get('lock') or 'none'})"
        )
    if (now.get("tests") or 0) > (before.get("tests") or 0) and before.get("tests") is not None:
        causes.append(f"more tests ({before['tests']} -> {now['tests']})")
    if now.get("python") != before.get("python") and now.get("python") and before.get("python"):
        causes.append(f"another Python ({before['python']} -> {now['python']})")
    causes.extend(
        f"{tool} {before_run.get(tool)} -> {run.get(tool)}"
        for tool in ("nox", "noxkit")
        if run.get(tool) != before_run.get(tool)
    )
    if not causes and run.get("git") != before_run.get("git") and run.get("git"):
        causes.append(f"new code ({before_run.get('git')} -> {run['git']})")
    setup = now.get("setup", 0.0) - before.get("setup", 0.0)
    tools = now.get("tools", 0.0) - before.get("tools", 0.0)
    causes.append(
        f"{'env setup' if setup > tools else 'tool time'} grew "
        f"(env setup {setup:+.2f}s, tools {tools:+.2f}s)"
    )
    return causes


def find_regressions(
    runs: list[dict[str, Any]], thresholds: Thresholds | None = None
) -> list[Regression]:
    """Every (run, session) markedly slower than the session's median over its earlier runs."""
    limits = thresholds or Thresholds()
    found: list[Regression] = []
    for name in session_names(runs):
        earlier: list[tuple[int, dict[str, Any]]] = []
        for index, run in enumerate(runs):
            now = _entry(run, name)
            if now is None or not _counts(now):
                continue
            recent = earlier[-limits.window :]
            if len(recent) >= limits.min_runs:
                median = statistics.median(s["total"] for _, s in recent)
                total = now["total"]
                if total > median * limits.factor and total - median >= limits.seconds:
                    before_index, before = recent[-1]
                    causes = _causes(run, now, runs[before_index], before)
                    found.append(Regression(index, name, total, median, len(recent), causes))
            earlier.append((index, now))
    return sorted(found, key=lambda r: (r.run, r.session))


@dataclass(frozen=True)
class Conflict:
    """One artifact that one clean revision and one lock built with two different digests."""

    artifact: str
    revision: str
    lock: str | None
    first_run: int
    first_digest: str
    run: int
    digest: str

    def line(self) -> str:
        """What the user reads."""
        return (
            f"{self.artifact}: revision {self.revision} and lock {self.lock or 'none'} built "
            f"{self.first_digest[:12]} in run {self.first_run + 1} but {self.digest[:12]} in run "
            f"{self.run + 1}: the build depends on something outside them (an untracked "
            "file, the clock, the environment)"
        )

    def __str__(self) -> str:
        return self.line()


def digest_conflicts(runs: list[dict[str, Any]]) -> list[Conflict]:
    """Artifacts built from one clean git revision and one lock with different digests."""
    seen: dict[tuple[str, str | None, str], tuple[int, str]] = {}
    lines: list[Conflict] = []
    for index, run in enumerate(runs):
        if not run.get("git") or run.get("dirty"):
            continue  # a dirty tree is not identified by its revision
        for session in run["sessions"]:
            for artifact, digest in sorted((session.get("artifacts") or {}).items()):
                key = (run["git"], run.get("lock"), artifact)
                first = seen.setdefault(key, (index, digest))
                if first[1] != digest:
                    lines.append(
                        Conflict(artifact, run["git"], run.get("lock"), *first, index, digest)
                    )
                    seen[key] = (index, digest)
    return lines


def _cell(session: dict[str, Any] | None, flagged: bool) -> str:
    if session is None:
        return "-"
    mark = "!" if flagged else ("x" if session.get("result") == "failed" else "")
    return f"{session['total']:.2f}s{mark}"


def render_history(
    runs: list[dict[str, Any]],
    regressions: list[Regression],
    conflicts: list[Conflict],
    first: int = 0,
) -> str:
    """Per-session durations over the runs (one column per run), then what was flagged.

    ``first`` is the index of ``runs[0]`` in the whole history, so run numbers stay stable.
    """
    flagged = {(r.run, r.session) for r in regressions}
    header = ["session", *(f"#{first + i + 1}" for i in range(len(runs))), "median"]
    rows = [header]
    for name in session_names(runs):
        entries = [_entry(run, name) for run in runs]
        totals = [e["total"] for e in entries if e is not None and _counts(e)]
        cells = [_cell(e, (first + i, name) in flagged) for i, e in enumerate(entries)]
        median = f"{statistics.median(totals):.2f}s" if totals else "-"
        rows.append([name, *cells, median])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row))
        for row in rows
    ]
    lines.append("(! markedly slower than its recent median, x failed, - did not run)")
    if regressions:
        lines += ["", "regressions:", *(f"  {r.line()}" for r in regressions)]
    else:
        lines += ["", "no regression"]
    if conflicts:
        lines += ["", "artifacts that changed without a change of source:"]
        lines += [f"  {c.line()}" for c in conflicts]
    return "\n".join(lines)
