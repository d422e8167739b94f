"""Fill the environments of a run's later sessions in the background, while earlier ones run.

Installing is mostly waiting: index round trips, the project's isolated editable build. A
sequential ``nox -s lint typecheck tests coverage`` used to wait for each environment in turn,
although nox knows every selected session before the first one starts. At the start of each
noxkit session this module looks at what nox has queued after it
(:func:`noxkit._session.noxapi.pending_sessions`) and fills those sessions' environments in
background threads, under the same rules as a session filling its own
(:mod:`noxkit._session.envs`):

* the folder's lock is held for the whole fill, so the session waits for it rather than
  seeing half an environment (and a fill never touches a folder somebody else holds);
* a folder whose stamp already matches, where this run may keep it, is left alone;
* the stamp is written last, only after the install succeeded, never after an interrupt, and
  not when the folder was replaced meanwhile; a marker names the run that filled it, so the
  session uses it even where reuse is off (it is as fresh as what the session would build).

A session's end waits for the fill of the next session's folder: nox creates (or keeps) that
folder before noxkit's code runs, so it must find a finished fill or none. Everything that is
still filling when the process ends (a failed session with ``-x``, Ctrl-C) is stopped and
left unstamped.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import subprocess
import tempfile
import threading
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from noxkit._formats.envs import compare, fingerprint, read_stamp, reuse_allowed, scan_dist_info
from noxkit._formats.envs import stamp as write_stamp
from noxkit._formats.prefill import Queued, envs_to_fill, made_this_run, run_token, write_marker
from noxkit._session import noxapi
from noxkit._session.envs import EnvLock, compile_bytecode, folder_identity
from noxkit._session.lock import lock_install
from noxkit._session.run import mark_preparing

if TYPE_CHECKING:
    import nox

    from noxkit._plan.plan import Plan

__all__ = ["COMPILED_AHEAD", "LATER_NICENESS", "Filler", "compiles_ahead", "settle", "start"]


@dataclass
class _Job:
    """One environment being filled: its thread, its installer process, how it ended."""

    pending: noxapi.PendingSession
    thread: threading.Thread | None = None
    proc: subprocess.Popen[bytes] | None = None
    outcome: str = "running"
    identity: tuple[int, int] | None = None
    """The identity of the folder this job filled and stamped (see ``folder_identity``)."""
    done: threading.Event = field(default_factory=threading.Event)


@dataclass
class Filler:
    """The background fills of one nox process's run (one per run, kept in a context var)."""

    plan: Plan
    token: str
    allowed: bool
    """Whether this run may keep an environment an earlier run stamped."""
    jobs: dict[str, _Job] = field(default_factory=dict)
    cancelled: threading.Event = field(default_factory=threading.Event)
    guard: threading.Lock = field(default_factory=threading.Lock)
    """Held while a job starts its installer or stamps, so cancelling never lands between."""

    def launch(self, pending: noxapi.PendingSession) -> None:
        """Start filling ``pending``'s folder in a background thread."""
        job = _Job(pending)
        job.thread = threading.Thread(
            target=self._run, args=(job,), name=f"noxkit-prefill-{pending.name}", daemon=True
        )
        self.jobs[pending.location] = job
        job.thread.start()

    def _run(self, job: _Job) -> None:
        try:
            job.outcome = self._fill(job)
        except Exception as exc:  # noqa: BLE001 - a failed fill only means the session fills itself
            job.outcome = f"failed: {exc}"
        finally:
            job.done.set()
        if job.outcome == "filled" and compiles_ahead(self.plan, job.pending.base):
            self._compile(job)

    def _compile(self, job: _Job) -> None:
        """Compile the filled environment's bytecode, at low priority, after the fill.

        The session does not wait for it (its fill is already marked done) and may start
        meanwhile: Python writes each ``.pyc`` atomically, so the session only compiles itself
        what is not written yet. Outside the folder lock, so only while the folder is still
        the one this fill made.
        """
        location = Path(job.pending.location)
        site = sorted(location.glob("lib*/python*/site-packages"))
        with self.guard:
            if self.cancelled.is_set() or job.identity is None or not site:
                return
            if folder_identity(location) != job.identity:
                return  # recreated since: not this fill's folder any more
            job.proc = subprocess.Popen(
                [str(location / "bin" / "python"), "-c", _COMPILE, *map(str, site)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        job.proc.wait()

    def _fill(self, job: _Job) -> str:
        pending = job.pending
        location = Path(pending.location)
        lock = EnvLock(location)
        try:
            lock.acquire(wait=False)
        except BlockingIOError:
            return "busy"  # another run holds it: its session will wait for that one
        try:
            return self._fill_locked(job, location)
        finally:
            lock.release()

    def _fingerprint(self, venv: Any, location: Path, base: str) -> dict[str, Any]:  # noqa: ANN401 - nox's VirtualEnv
        return fingerprint(
            self.plan,
            location=location,
            backend=str(getattr(venv, "venv_backend", "unknown")),
            spec=self.plan.install_spec(base),
            environ=os.environ,
            files=[self.plan.lockfile] if self.plan.lockfile.is_file() else [],
        )

    def _fill_locked(self, job: _Job, location: Path) -> str:
        pending = job.pending
        venv = pending.make_venv()
        found = read_stamp(location)
        if not isinstance(found, str):
            same = compare(found["fingerprint"], self._fingerprint(venv, location, pending.base))
            if same is None and (self.allowed or made_this_run(location)):
                return "kept"
        shutil.rmtree(location, ignore_errors=True)
        if self.cancelled.is_set():
            return "cancelled"
        venv.create()
        identity = folder_identity(location)
        failed = self._install(job, location)
        if failed is not None:
            return failed
        fp = self._fingerprint(venv, location, pending.base)
        installed = scan_dist_info(location)
        with self.guard:
            if self.cancelled.is_set():
                return "cancelled"
            if folder_identity(location) != identity:
                return "replaced"  # somebody recreated the folder during the install
            write_marker(location, self.token)
            write_stamp(location, fp, installed)
            job.identity = identity
        return "filled"

    def _install(self, job: _Job, location: Path) -> str | None:
        """Make the installer calls the session would make; None when they succeeded.

        With a lockfile, the calls of :func:`noxkit._session.lock.install_from_lock` (pins
        with hashes, then the project), and only when the lock is fresh and holds the
        session's sets: a stale or incomplete lock is the session's to refresh or report.
        """
        spec = self.plan.install_spec(job.pending.base)
        if not self.plan.lockfile.is_file():
            return self._call(job, location, list(spec.args), {})
        planned = lock_install(self.plan, spec)
        if planned is None:
            return "lock not ready (the session installs)"
        with tempfile.TemporaryDirectory(prefix="noxkit-prefill-") as tmp:
            pins = Path(tmp) / "requirements.txt"
            pins.write_text(planned.requirements, encoding="utf-8")
            calls = (planned.pin_args(pins), planned.project_install_args)
            for args in (a for a in calls if a is not None):
                failed = self._call(job, location, args, planned.environment)
                if failed is not None:
                    return failed
        return None

    def _call(
        self, job: _Job, location: Path, args: list[str], overrides: dict[str, str | None]
    ) -> str | None:
        """One ``uv pip install`` into ``location``; None when it succeeded, else why not."""
        uv = noxapi.find_uv() or "uv"
        command = [uv, "pip", "install", "--python", str(location / "bin" / "python"), *args]
        env = dict(os.environ, VIRTUAL_ENV=str(location))
        env["PATH"] = f"{location / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        if compile_bytecode(self.plan):
            env["UV_COMPILE_BYTECODE"] = "1"
        for name, value in overrides.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        with self.guard:
            if self.cancelled.is_set():
                return "cancelled"
            job.proc = subprocess.Popen(
                command,
                cwd=self.plan.config.root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        if job is not next(iter(self.jobs.values())):
            _lower_priority(job.proc.pid)
        _, errors = job.proc.communicate()
        if job.proc.returncode != 0:
            last = errors.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
            return f"install failed ({last[0]})"
        return None

    def wait_for(self, location: str) -> str | None:
        """Wait until the fill of ``location`` (if any) ended; how it ended."""
        job = self.jobs.get(location)
        if job is None:
            return None
        job.done.wait()
        return job.outcome

    def cancel(self) -> None:
        """Stop every fill: no further installer starts, none stamps; running ones end."""
        with self.guard:
            self.cancelled.set()
            procs = [job.proc for job in self.jobs.values() if job.proc is not None]
        for proc in procs:
            with contextlib.suppress(OSError):
                proc.terminate()
        for job in self.jobs.values():
            if job.thread is not None:
                job.thread.join(timeout=5)


LATER_NICENESS = 10
"""How much lower the fills of all but the next session run (POSIX niceness): the CPU goes
first to the environment the run waits for next. On the 2-core bench machine the cold sample
run took 5.60 s instead of 6.07 s (medians of 8 paired runs); filling one environment at a time
instead was slower, since most of a fill is waiting."""


def _lower_priority(pid: int) -> None:
    """Lower a fill's installer (and what it starts later, such as the project's build)."""
    if hasattr(os, "setpriority"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, pid, LATER_NICENESS)


COMPILED_AHEAD = frozenset({"tests", "coverage", "docs"})
"""The standard sessions whose tools are Python modules that run from source (pytest,
coverage.py, Sphinx, MkDocs): their first run in a new environment compiles every module it
imports, one after the other, on the run's critical path (on the bench sample about a second
of the cold ``tests`` session). ruff is a binary and mypy ships compiled modules: compiling
their environments would only take CPU from the sessions that run meanwhile."""

_COMPILE = (
    "import compileall, os, sys\n"
    "if hasattr(os, 'nice'):\n"
    "    os.nice(10)\n"
    "done = [compileall.compile_dir(d, quiet=1) for d in sys.argv[1:]]\n"
    "sys.exit(0 if all(done) else 1)\n"
)
"""Run by an environment's own Python: lower its priority below the sessions', then compile
site-packages in this one process (no worker pool: nothing outlives it when it is ended)."""


def compiles_ahead(plan: Plan, base: str) -> bool:
    """Whether a filled environment of session ``base`` gets its bytecode compiled ahead.

    ``compile-bytecode = "auto"`` (the default) only: ``always`` compiles at install
    already, ``never`` leaves Python's own behaviour alone.
    """
    return plan.config.settings.envs.compile_bytecode == "auto" and base in COMPILED_AHEAD


_FILLER: ContextVar[Filler | None] = ContextVar("noxkit_prefill", default=None)


def _enabled(session: nox.Session | object, plan: Plan) -> bool:
    if plan.config.settings.envs.prefill == "never":
        return False
    return str(noxapi.global_option(session, "reuse_venv", "no") or "no") != "never"


def start(session: nox.Session | object, plan: Plan) -> Filler | None:
    """Start filling the environments of the sessions queued after ``session``.

    Called as early as possible: just before nox prepares a session's own environment (with
    the handle :func:`noxkit._session.noxapi.guard_venv_creation` passes), so the later
    environments fill while nox creates and noxkit fills the first one; and again at the
    session's start, which launches nothing new unless the queue changed.
    """
    token = run_token(os.environ)
    if token is None or not _enabled(session, plan):
        return None
    filler = _FILLER.get()
    if filler is None or filler.plan is not plan:
        global_reuse = str(noxapi.global_option(session, "reuse_venv", "no") or "no")
        allowed = reuse_allowed(global_reuse, plan.config.settings.envs.reuse, os.environ)
        noxapi.before_threads()
        filler = Filler(plan=plan, token=token, allowed=allowed)
        _FILLER.set(filler)
        atexit.register(filler.cancel)
    pending = {
        p.location: p
        for p in noxapi.pending_sessions(session)
        if p.nox_keeps and p.location not in filler.jobs
    }
    queued = [Queued(p.name, p.base, p.location, p.backend) for p in pending.values()]
    current = getattr(noxapi.venv_of(session), "location", None)

    def installs(base: str) -> bool:
        row = plan.sessions.get(base)
        return row is not None and bool(row.install.args)

    for item in envs_to_fill(queued, current=current, installs=installs):
        filler.launch(pending[item.location])
    return filler


def settle(session: nox.Session) -> None:
    """At a session's end: wait for the fill of the folder nox prepares next."""
    filler = _FILLER.get()
    if filler is None:
        return
    upcoming = noxapi.pending_sessions(session)
    if upcoming:
        mark_preparing(upcoming[0].name)  # the wait is the next session's setup time
        filler.wait_for(upcoming[0].location)
