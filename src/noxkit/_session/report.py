"""The run report, session side: the record file and the report at exit.

nox has no end-of-run hook for libraries, and under ``nox -j`` every session runs in its own
nox subprocess. So:

* ``register()`` (in the nox process that loads the noxfile) marks itself the *owner* of the
  run: it puts ``NOXKIT_RUN=<pid>:<token>`` into its environment and registers an ``atexit``
  hook (both in :mod:`noxkit._session.register`, so ``nox -l`` never loads this module; the
  hook calls :func:`finish_run` only when a session ran). Parallel workers are its direct
  children and inherit the variable; a process whose parent is the owner is a worker and
  registers nothing. Any other process that finds the variable (a nox run started by a test
  suite inside a session) starts a run of its own.
* each session's run appends one JSON line to ``<output-dir>/runs/<token>.jsonl``
  (``O_APPEND``: concurrent workers never interleave a line);
* the owner's ``atexit`` hook reads that file, prints the table, writes the JSON report (and
  the GitHub job summary), and deletes the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from noxkit._errors import print_error
from noxkit._formats.report import (
    SessionRecord,
    critical_path,
    read_records,
    render_critical_path,
    render_markdown,
    render_table,
    run_file,
)
from noxkit._formats.verdict import nothing_verified
from noxkit._util import append_line, atomic_write_text, dist_version

if TYPE_CHECKING:
    from noxkit._plan.plan import Plan

__all__ = ["append_record", "finish_run"]

_REPORT_FORMAT = 1


def append_record(output_dir: Path, record: SessionRecord) -> None:
    """Add one session's record to this run's record file (one ``O_APPEND`` write)."""
    path = run_file(output_dir)
    if path is None:
        return
    with contextlib.suppress(OSError):
        append_line(path, json.dumps(record.as_json(), sort_keys=True))


def finish_run(
    path: Path,
    report: Path,
    summary: bool,
    root: Path,
    plan: Plan | None = None,
    *,
    allow_all_skipped: bool = False,
) -> int | None:
    """End of the run (the owner's ``atexit`` hook): summary, JSON report, history, HTML page.

    ``path`` is the run's record file; ``register`` calls this only when it exists.

    Returns:
        1 when every session was skipped and the project does not allow that (the run
        verified nothing, so it must not succeed); None to keep nox's exit code.
    """
    records = read_records(path)
    with contextlib.suppress(OSError):
        path.unlink()
    if not records:
        return None
    problem = nothing_verified(records)
    data = {
        "format": _REPORT_FORMAT,
        "noxkit": dist_version("noxkit", "unknown"),
        "nox": dist_version("nox", "unknown"),
        "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "command": sys.argv,
        "root": str(root),
        "sessions": records,
        "verified": problem is None,
        **({"problem": problem} if problem else {}),
        "critical_path": [r["session"] for r in critical_path(records)],
    }
    try:
        report.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(report, json.dumps(data, indent=2) + "\n")
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
        path_line = render_critical_path(records)
        table = render_table(records) + (f"\n{path_line}" if path_line else "")
        print(f"\nnoxkit run summary\n{table}\n{where}", file=sys.stderr)  # noqa: T201
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with contextlib.suppress(OSError), Path(step_summary).open("a", encoding="utf-8") as out:
            out.write(render_markdown(records) + trend)
    if problem is None or allow_all_skipped:
        return None
    print_error(problem)
    return 1


# --- Comparing two reports ------------------------------------------------------------------
