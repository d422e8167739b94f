"""The run report, session side: who owns the run, the record file, the report at exit.

nox has no end-of-run hook for libraries, and under ``nox -j`` every session runs in its own
nox subprocess. So:

* ``register()`` (in the nox process that loads the noxfile) marks itself the *owner* of the
  run: it puts ``NOXKIT_RUN=<pid>:<token>`` into its environment and registers an ``atexit``
  hook. Parallel workers are its direct children and inherit the variable; a process whose
  parent is the owner is a worker and registers nothing. Any other process that finds the
  variable (a nox run started by a test suite inside a session) starts a run of its own.
* each session's run appends one JSON line to ``<output-dir>/runs/<token>.jsonl``
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
from pathlib import Path
from typing import TYPE_CHECKING

from noxkit._formats.report import SessionRecord, read_records, render_markdown, render_table

if TYPE_CHECKING:
    from noxkit._plan.plan import Plan

__all__ = ["append_record", "start_run"]

_RUN_VAR = "NOXKIT_RUN"
_REPORT_FORMAT = 1


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
    owner, _, token = os.environ.get(_RUN_VAR, "").partition(":")
    if token and owner == str(os.getpid()):
        return  # register() again in the same process (`python noxfile.py` loads it twice)
    if token and owner == str(os.getppid()):
        return  # a `nox -j` worker: its parent prints the summary
    os.environ[_RUN_VAR] = f"{os.getpid()}:{secrets.token_hex(8)}"
    settings = plan.config.settings
    report = plan.config.root / (settings.report.json or f"{settings.output_dir}/run-report.json")
    atexit.register(
        _finish_run, plan.output_dir, report, settings.report.summary, plan.config.root, plan
    )


def append_record(output_dir: Path, record: SessionRecord) -> None:
    """Add one session's record to this run's record file (one ``O_APPEND`` write)."""
    path = _run_file(output_dir)
    if path is None:
        return
    line = (json.dumps(record.as_json(), sort_keys=True) + "\n").encode()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)


def _version(dist: str) -> str:
    from importlib import metadata  # noqa: PLC0415 - slow to import; only at the end of a run

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:  # pragma: no cover - a bare checkout
        return "unknown"


def _finish_run(
    output_dir: Path, report: Path, summary: bool, root: Path, plan: Plan | None = None
) -> None:
    """The owner's ``atexit`` hook: summary table, JSON report, history, HTML, job summary."""
    path = _run_file(output_dir)
    if path is None or not path.is_file():
        return  # `nox -l`, a usage error, or no noxkit session ran
    records = read_records(path)
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
    page, trend = None, ""
    if plan is not None:
        # Loaded only at the end of a run: `nox -l` never imports it.
        from noxkit._session.tracking import Tracking, track_run  # noqa: PLC0415

        page, trend = track_run(data, Tracking.of(plan))
    if page is not None:
        where += f"\nHTML report: {page}"
    if summary:
        print(f"\nnoxkit run summary\n{render_table(records)}\n{where}", file=sys.stderr)  # noqa: T201
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with contextlib.suppress(OSError), Path(step_summary).open("a", encoding="utf-8") as out:
            out.write(render_markdown(records) + trend)


# --- Comparing two reports ------------------------------------------------------------------
