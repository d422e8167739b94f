"""The run object: what one running session owns, opened when it starts, closed when it ends.

A session's environment lease (the lock on its folder and the fingerprint it was prepared
with), its report record and its timings live in one :class:`SessionRun`, found through a
context variable (:func:`running`), never in module globals. noxkit's own sessions open it
before their first step; a session a project composes from steps gets one at its first step.
Either way nox runs every session of the noxfile inside :func:`session_scope` (see
:func:`noxkit._session.noxapi.wrap_sessions`), which closes the run when the session ends,
whatever happened: the lease is released and the record written.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import os
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from noxkit._formats.envs import installed_digest
from noxkit._formats.report import SessionRecord
from noxkit._session import noxapi
from noxkit._session.report import append_record

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import nox

    from noxkit._plan.plan import Plan
    from noxkit._session.envs import Prepared

__all__ = [
    "SessionRun",
    "ensure_run",
    "mark_preparing",
    "record_missing_interpreter",
    "running",
    "session_scope",
]


@dataclass
class SessionRun:
    """One session's run: its environment lease, its record, its timings.

    Closed exactly once; closing releases the lease and appends the record to the run report.
    """

    name: str
    plan: Plan
    key: int
    """nox's identity of the running session (tells two sessions of one process apart)."""
    record: SessionRecord
    lease: Prepared | None = None
    """The prepared environment: its folder lock, fingerprint and installed set."""
    header_logged: bool = False
    started: float = field(default_factory=time.perf_counter)
    setup_end: float | None = None
    closed: bool = False
    session: Any = field(default=None, repr=False)
    """The nox session, for the outcome nox gave it when the run closes outside a scope."""

    def setup_done(self) -> None:
        """Mark the end of environment setup (after each install step)."""
        self.setup_end = time.perf_counter()

    def ran(self, command: list[str]) -> None:
        """Record a tool command the session ran (once, however often it ran)."""
        if command not in self.record.commands:
            self.record.commands.append(list(command))

    def note_header(self, lines: list[str]) -> None:
        """Keep the version header for the report."""
        self.header_logged = True
        self.record.header = list(lines)

    def close_unscoped(self) -> None:
        """Close a run that no scope closed, with the outcome nox recorded (if any)."""
        self.close(noxapi.result_of(self.session) or "interrupted")

    def close(self, result: str) -> None:
        """Record how the session ended, release its lease, and write its record. Idempotent."""
        if self.closed:
            return
        self.closed = True
        record = self.record
        record.result = result
        end = time.perf_counter()
        record.duration = round(end - self.started, 3)
        setup_end = self.setup_end if self.setup_end is not None else self.started
        record.setup = round(setup_end - self.started, 3)
        record.tools = round(max(0.0, record.duration - record.setup), 3)
        lease = self.lease
        if lease is not None:
            facts: dict[str, Any] = lease.fingerprint.get("interpreter") or {}
            record.environment = {
                "location": str(lease.location),
                "reused": lease.reused,
                "prefilled": lease.prefilled,
                "rebuild_reason": lease.reason,
                "python": facts.get("version"),
                "backend": lease.fingerprint.get("backend"),
                "installed": [{"name": n, "version": v} for n, v in lease.installed],
                "digest": installed_digest(lease.installed),
            }
            if lease.lock is not None:
                lease.lock.release()
        append_record(self.plan.output_dir, record)


def record_missing_interpreter(output_dir: Path, name: str, reason: str, *, failed: bool) -> None:
    """Record a session nox ended before it started: its Python is missing.

    nox skips such a session (or fails it in CI) without calling the session function, so no
    run opens for it; without this record a run whose every session was skipped this way
    would look like a run in which nothing happened.
    """
    append_record(
        output_dir,
        SessionRecord(
            session=name,
            result="failed" if failed else "skipped",
            started=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            pid=os.getpid(),
            reason=reason,
        ),
    )


_PREPARING: dict[str, tuple[float, float]] = {}
"""When nox began preparing each upcoming session (``perf_counter``, wall clock), by name.

The time before a session's function runs is the session's too: nox creating (or checking)
its environment, and the wait for an environment noxkit fills in the background. No run object
exists yet then, so the moment waits here until the run opens (:func:`_open` takes it).
"""


def mark_preparing(name: str) -> None:
    """Note that the session ``name`` begins now: its environment is being prepared.

    The first mark counts (the wait for a background fill comes before nox's own creation
    step), so the session's setup time shows what it waited for and the run's critical path
    adds up to its wall time.
    """
    _PREPARING.setdefault(name, (time.perf_counter(), time.time()))


_RUN: ContextVar[SessionRun | None] = ContextVar("noxkit_session_run", default=None)
_SCOPE: ContextVar[list[SessionRun] | None] = ContextVar("noxkit_session_scope", default=None)


def running() -> SessionRun | None:
    """The run of the session executing now, or None outside a noxkit session or step."""
    return _RUN.get()


def _open(session: nox.Session, plan: Plan) -> SessionRun:
    mark = _PREPARING.pop(session.name, None)
    began, wall = mark if mark is not None else (time.perf_counter(), time.time())
    record = SessionRecord(
        session=session.name,
        started=dt.datetime.fromtimestamp(wall, dt.timezone.utc).isoformat(timespec="seconds"),
        pid=os.getpid(),
        start=wall,
    )
    run = SessionRun(
        name=session.name,
        plan=plan,
        key=noxapi.runner_key(session),
        record=record,
        started=began,
        session=session,
    )
    _RUN.set(run)
    scope = _SCOPE.get()
    if scope is not None:
        scope.append(run)
    else:
        # Outside a scope (a noxfile that composes steps without calling register()): the run
        # closes when the next one opens, or when the process ends.
        atexit.register(run.close_unscoped)
    return run


def ensure_run(session: nox.Session, plan: Plan) -> SessionRun:
    """The run of ``session``, opened now when this is its first noxkit step."""
    run = _RUN.get()
    if run is not None and run.key == noxapi.runner_key(session) and not run.closed:
        return run
    if run is not None and not run.closed:
        run.close_unscoped()
    return _open(session, plan)


def _classify(exc: BaseException | None) -> str:
    if exc is None:
        return "success"
    if noxapi.is_skip(exc):
        return "skipped"
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    return "failed"


@contextlib.contextmanager
def session_scope() -> Iterator[None]:
    """Close every run a session opened when the session ends, classified by how it ended."""
    opened: list[SessionRun] = []
    token = _SCOPE.set(opened)
    run_token = _RUN.set(None)
    error: BaseException | None = None
    try:
        yield
    except BaseException as exc:
        error = exc
        raise
    finally:
        result = _classify(error)
        for run in opened:
            if result == "skipped":
                run.record.reason = str(error)
            run.close(result)
        # The folder lock taken before nox created the environment, when no lease took it.
        from noxkit._session.envlock import release_unclaimed  # noqa: PLC0415 - envs loads late

        release_unclaimed()
        _RUN.reset(run_token)
        _SCOPE.reset(token)
