"""The run report: a record per session, the summary table at the end, the JSON report.

nox has no end-of-run hook for libraries, and under ``nox -j`` every session runs in its own
nox subprocess. So:

* ``register()`` (in the nox process that loads the noxfile) marks itself the *owner* of the
  run: it puts ``NOXKIT_RUN=<pid>:<token>`` into its environment and registers an ``atexit``
  hook. Parallel workers are its direct children and inherit the variable; a process whose
  parent is the owner is a worker and registers nothing. Any other process that finds the
  variable (a nox run started by a test suite inside a session) starts a run of its own.
* each noxkit session appends one JSON line to ``<output-dir>/runs/<token>.jsonl``
  (``O_APPEND``: concurrent workers never interleave a line);
* the owner's ``atexit`` hook reads that file, prints the table, writes the JSON report (and
  the GitHub job summary), and deletes the file.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import json
import os
import secrets
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from noxkit import _envs

if TYPE_CHECKING:
    from collections.abc import Iterator

    import nox

    from noxkit._plan import Plan

__all__ = [
    "SessionRecord",
    "diff_reports",
    "note_header",
    "recording",
    "render_markdown",
    "render_table",
    "setup_done",
    "start_run",
]

_RUN_VAR = "NOXKIT_RUN"
_REPORT_FORMAT = 1
_hooked = False
_CURRENT: dict[str, SessionRecord] = {}


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
    _t0: float = 0.0
    _setup_end: float | None = None


def _token() -> str | None:
    value = os.environ.get(_RUN_VAR, "")
    _, _, token = value.partition(":")
    return token or None


def _run_file(output_dir: Path) -> Path | None:
    token = _token()
    return output_dir / "runs" / f"{token}.jsonl" if token else None


def start_run(plan: Plan) -> None:
    """Make this process the owner of the run, unless it is a parallel worker of one.

    Called at ``register()`` time; cheap (no I/O), so ``nox -l`` stays instant.
    """
    global _hooked  # noqa: PLW0603 - one hook per process, whatever calls register()
    owner, _, token = os.environ.get(_RUN_VAR, "").partition(":")
    if token and owner == str(os.getppid()) and owner != str(os.getpid()):
        return  # a `nox -j` worker: its parent prints the summary
    if _hooked:
        return  # register() again in the same process (`python noxfile.py` loads it twice)
    _hooked = True
    os.environ[_RUN_VAR] = f"{os.getpid()}:{secrets.token_hex(8)}"
    settings = plan.config.settings
    report = plan.config.root / (settings.report.json or f"{settings.output_dir}/run-report.json")
    atexit.register(_finish_run, plan.output_dir, report, settings.report.summary, plan.config.root)


@contextlib.contextmanager
def recording(session: nox.Session, plan: Plan) -> Iterator[SessionRecord]:
    """Time a session, classify how it ended, append its record, and unlock its environment."""
    from nox.sessions import _SessionSkip  # noqa: PLC0415 - nox is loaded when sessions run

    record = SessionRecord(
        session=session.name,
        started=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        pid=os.getpid(),
        _t0=time.perf_counter(),
    )
    _CURRENT[session.name] = record
    try:
        yield record
        record.result = "success"
    except _SessionSkip:
        record.result = "skipped"
        raise
    except KeyboardInterrupt:
        record.result = "interrupted"
        raise
    except BaseException:
        record.result = "failed"
        raise
    finally:
        _CURRENT.pop(session.name, None)
        _close(record, session)
        _envs.release(session)
        _append(plan.output_dir, record)


def _close(record: SessionRecord, session: nox.Session) -> None:
    end = time.perf_counter()
    record.duration = round(end - record._t0, 3)  # noqa: SLF001 - own dataclass
    setup_end = record._setup_end if record._setup_end is not None else record._t0  # noqa: SLF001
    record.setup = round(setup_end - record._t0, 3)  # noqa: SLF001
    record.tools = round(max(0.0, record.duration - record.setup), 3)
    prepared = _envs.prepared_for(session)
    if prepared is not None:
        facts = prepared.fingerprint.get("interpreter") or {}
        record.environment = {
            "location": str(prepared.location),
            "reused": prepared.reused,
            "rebuild_reason": prepared.reason,
            "python": facts.get("version"),
            "backend": prepared.fingerprint.get("backend"),
            "installed": [{"name": n, "version": v} for n, v in prepared.installed],
            "digest": _envs.installed_digest(prepared.installed),
        }


def note_header(session: nox.Session, lines: list[str]) -> None:
    """Keep the session's version header for the JSON report."""
    record = _CURRENT.get(session.name)
    if record is not None:
        record.header = list(lines)


def setup_done(session: nox.Session) -> None:
    """Mark the end of environment setup (called after each install step)."""
    record = _CURRENT.get(session.name)
    if record is not None:
        record._setup_end = time.perf_counter()  # noqa: SLF001 - own dataclass


def _append(output_dir: Path, record: SessionRecord) -> None:
    path = _run_file(output_dir)
    if path is None:
        return
    data = {k: v for k, v in asdict(record).items() if not k.startswith("_")}
    line = (json.dumps(data, sort_keys=True) + "\n").encode()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)


def _read_records(path: Path) -> list[dict[str, Any]]:
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


def _version(dist: str) -> str:
    from importlib import metadata  # noqa: PLC0415 - slow to import; only at the end of a run

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:  # pragma: no cover - a bare checkout
        return "unknown"


def _finish_run(output_dir: Path, report: Path, summary: bool, root: Path) -> None:
    """The owner's ``atexit`` hook: summary table, JSON report, GitHub job summary."""
    path = _run_file(output_dir)
    if path is None or not path.is_file():
        return  # `nox -l`, a usage error, or no noxkit session ran
    records = _read_records(path)
    with contextlib.suppress(OSError):
        path.unlink()
    if not records:
        return
    data = {
        "format": _REPORT_FORMAT,
        "noxkit": _version("noxkit"),
        "nox": _version("nox"),
        "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "command": sys.argv,
        "root": str(root),
        "sessions": records,
    }
    try:
        report.parent.mkdir(parents=True, exist_ok=True)
        tmp = report.with_name(f".{report.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        tmp.replace(report)
        where = f"run report: {report}"
    except OSError as exc:
        where = f"run report not written: {report}: {exc.strerror}"
    if summary:
        print(f"\nnoxkit run summary\n{render_table(records)}\n{where}", file=sys.stderr)  # noqa: T201
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with contextlib.suppress(OSError), Path(step_summary).open("a", encoding="utf-8") as out:
            out.write(render_markdown(records))


# --- Comparing two reports ------------------------------------------------------------------


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
            lines.append(f"{name}: identical ({len(_installed(by_a[name]))} packages)")
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
