"""Wiring only: turn the plan into nox sessions.

Registration is explicit (``noxkit.register()`` in the noxfile) so that importing noxkit has
no effect, ``python noxfile.py`` works (nox clears its registry and runs the noxfile again),
and a project can leave out or replace any session.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nox

from noxkit._config.schema import load_config
from noxkit._errors import ConfigError, exit_for, exit_on_error
from noxkit._formats.envs import missing_python_line, nox_reuse_venv
from noxkit._formats.report import RUN_VAR, run_file
from noxkit._plan.plan import Plan, SessionPlan, build_plan, registered_plans, remember
from noxkit._plan.sessions import info, registration_order
from noxkit._session import noxapi
from noxkit._util import closest

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from types import FrameType

    from noxkit._config.profiles import Profile

__all__ = ["register"]


def start_run(plan: Plan) -> None:
    """Make this process the owner of the run, unless it is a parallel worker of one.

    Called at ``register()`` time; cheap (no I/O, no report machinery), so ``nox -l`` stays
    instant. The protocol is described in :mod:`noxkit._session.report`.
    """
    owner, _, token = os.environ.get(RUN_VAR, "").partition(":")
    if token and owner == str(os.getpid()):
        return  # register() again in the same process (`python noxfile.py` loads it twice)
    if token and owner == str(os.getppid()):
        return  # a `nox -j` worker: its parent prints the summary
    os.environ[RUN_VAR] = f"{os.getpid()}:{os.urandom(8).hex()}"
    _forward_signals()
    settings = plan.config.settings
    report = plan.config.root / (settings.report.json or f"{settings.output_dir}/run-report.json")
    atexit.register(
        _finish_run,
        plan.output_dir,
        report,
        settings.report.summary,
        plan.config.root,
        plan,
        allow_all_skipped=settings.allow_all_skipped,
    )


def _forward_signals() -> None:
    """Handle SIGTERM/SIGHUP in the run's owner from ``register()`` on.

    The owner may be a ``nox -j`` parent, which runs no session and so never reaches the
    handler's install in ``_env_guard``: a SIGTERM to it alone must still end its workers and
    their tools. The handler module loads only when a signal arrives (``nox -l`` stays light).
    """
    if os.name == "nt":  # pragma: no cover - no SIGTERM/SIGHUP to handle
        return
    import signal  # noqa: PLC0415 - loaded by Python already

    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, _on_signal)


def _on_signal(signum: int, frame: Any) -> None:  # noqa: ANN401 - a frame or None
    from noxkit._session import signals  # noqa: PLC0415 - only when a signal arrives

    signals.handle(signum, frame)


def _finish_run(
    output_dir: Path,
    report: Path,
    summary: bool,
    root: Path,
    plan: Plan,
    *,
    allow_all_skipped: bool = False,
) -> None:
    path = run_file(output_dir)
    if path is None or not path.is_file():
        return  # `nox -l`, a usage error, or no noxkit session ran
    # The report machinery loads only when a session ran.
    from noxkit._session import signals  # noqa: PLC0415
    from noxkit._session.report import finish_run  # noqa: PLC0415

    verdict = finish_run(path, report, summary, root, plan, allow_all_skipped=allow_all_skipped)
    code = signals.exit_code() or verdict
    if code is not None:
        # nox has chosen its code and is exiting: 130 for any interrupt (a run ended by
        # SIGTERM/SIGHUP exits 128 + the signal), 0 for a run that skipped everything (it
        # verified nothing: 1). An atexit hook cannot change the exit code any other way;
        # this one runs last among noxkit's (registered first).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _make_session(plan: Plan, session_plan: SessionPlan) -> Callable[..., None]:
    def session_func(session: nox.Session) -> None:
        # The steps load only when a session runs: `nox -l` never imports them.
        from noxkit._session import bodies  # noqa: PLC0415

        bodies.run_standard(session, plan, session_plan.name)

    session_func.__name__ = session_plan.name
    session_func.__qualname__ = session_plan.name
    session_func.__doc__ = session_plan.description
    setattr(session_func, _NOXKIT_SESSION, True)
    if nox_reuse_venv(session_plan):
        # noxkit manages this environment: its folder is locked before nox touches it.
        setattr(session_func, _WHEN_BUSY, plan.config.settings.envs.when_busy)
    return session_func


_NOXKIT_SESSION = "__noxkit_session__"
"""Set on noxkit's own session functions."""
_WHEN_BUSY = "__noxkit_when_busy__"
"""Set on the session functions whose environment noxkit locks (a plain string: nox deep-copies
a session function's attributes for each Python of a matrix)."""


def _missing_interpreter(
    name: str,
    func: Any,  # noqa: ANN401 - nox's Func
    reason: str,
    is_error: bool,
    *,
    output_dir: Path,
    download: str,
) -> None:
    """Say in one line why a noxkit session has no Python, and put it in the run report."""
    if getattr(func, _NOXKIT_SESSION, False):
        from noxkit._session.run import record_missing_interpreter  # noqa: PLC0415 - sessions only

        noxapi.log(f"{name}: {missing_python_line(reason, download)}")
        record_missing_interpreter(output_dir, name, reason, failed=is_error)


def _env_guard(
    envdir: str,
    name: str,
    func: Any,  # noqa: ANN401 - nox's Func
    posargs: list[str],
    handle: object = None,
) -> contextlib.AbstractContextManager[None]:
    """At every session's start: arguments, signal handling, the folder lock before creation.

    A standard session's own arguments (``--shard``, the lock's and release's flags) are
    checked before nox builds anything: a usage error exits 2 at once. SIGTERM/SIGHUP are
    handled from the first session on (see ``signals``); the later sessions' environments
    start filling in the background (see ``prefill``); a noxkit-managed environment folder
    is locked before nox creates or reuses it (see ``envlock``).
    """
    from noxkit._session import signals  # noqa: PLC0415 - only when sessions run
    from noxkit._session.run import mark_preparing  # noqa: PLC0415 - only when sessions run

    mark_preparing(name)
    if getattr(func, _NOXKIT_SESSION, False):
        from noxkit._formats.usage import usage_problem  # noqa: PLC0415 - only when sessions run

        problem = usage_problem(name, posargs, os.environ)
        if problem is not None:
            raise exit_for(ConfigError(problem))
    signals.install()
    when_busy = getattr(func, _WHEN_BUSY, None)
    if when_busy is None:
        return contextlib.nullcontext()
    plans = registered_plans()
    if handle is not None and len(plans) == 1:
        from noxkit._session import prefill  # noqa: PLC0415 - sessions only

        prefill.start(handle, plans[0])
    from noxkit._session.envlock import locked_before_creation  # noqa: PLC0415 - sessions only

    return locked_before_creation(Path(envdir), name, wait=when_busy == "wait")


def _check_names(names: Iterable[str], argument: str, known: Sequence[str]) -> list[str]:
    out = list(names)
    for name in out:
        if name not in known:
            close = closest(name, known)
            hint = f"; did you mean {close!r}?" if close else ""
            listed = ", ".join(known)
            msg = f"{argument}: no session {name!r} to register{hint} (known: {listed})"
            raise ConfigError(msg)
    return out


def _caller_root() -> Path:
    """The folder of the noxfile that is being loaded (not the current directory).

    nox loads the noxfile as the module ``user_nox_module`` (``__main__`` under
    ``python noxfile.py``, which runs it once from the caller's directory before nox changes
    into the noxfile's folder). Walking out to that frame also finds the noxfile when a team
    package's own ``register`` wrapper stands in between.
    """
    frame: FrameType | None = sys._getframe(1)  # noqa: SLF001 - finds the calling noxfile
    while frame is not None:
        if frame.f_globals.get("__name__") in {"user_nox_module", "__main__"}:
            filename = frame.f_globals.get("__file__")
            if filename:
                return Path(filename).resolve().parent
        frame = frame.f_back
    return Path.cwd()


def _register(
    *,
    only: Sequence[str] | None,
    skip: Sequence[str],
    python: str | Sequence[str] | None,
    root: Path,
    config: dict[str, Any] | None,
    profile: Profile | None,
) -> dict[str, Any]:
    overrides = dict(config or {})
    if python is not None:
        overrides["python"] = [python] if isinstance(python, str) else list(python)
    plan = build_plan(load_config(root, overrides=overrides or None, profile=profile))
    if plan.lockfile.is_file():
        # Only a project with a lockfile pays for parsing it: a broken lock stops here (exit 2).
        from noxkit._session.lock import validate_at_register  # noqa: PLC0415

        validate_at_register(plan)
    known = list(plan.sessions)
    wanted = _check_names(only, "register(only=...)", known) if only is not None else known
    skipped = set(_check_names(skip, "register(skip=...)", known))
    skipped |= set(_check_names(plan.config.settings.skip, "[tool.noxkit] skip", known))
    start_run(plan)
    noxapi.wrap_sessions(_scoped)
    noxapi.guard_venv_creation(
        _env_guard,
        functools.partial(
            _missing_interpreter,
            output_dir=plan.output_dir,
            download=plan.config.settings.envs.download_python,
        ),
    )
    existing = noxapi.registered_names()
    registered: dict[str, Any] = {}
    for name in registration_order(known):
        if name not in wanted or name in skipped:
            continue
        if name in existing:
            msg = (
                f"the noxfile already defines a session {name!r}; to replace noxkit's, "
                f"call noxkit.register(skip=[{name!r}])"
            )
            raise ConfigError(msg)
        session_plan = plan.sessions[name]
        requires = [r for r in session_plan.requires if r in wanted and r not in skipped]
        python_arg = session_plan.python
        decorate = nox.session(
            python=list(python_arg) if isinstance(python_arg, tuple) else python_arg,
            name=name,
            venv_backend=session_plan.venv_backend or plan.config.settings.venv_backend,
            default=session_plan.default,
            requires=requires,
            tags=[name],
            allow_parallel=(row := info(name)) is not None and row.parallel_safe,
            reuse_venv=nox_reuse_venv(session_plan),
            download_python=plan.config.settings.envs.download_python,
        )
        registered[name] = decorate(_make_session(plan, session_plan))
    remember(plan)
    return registered


def _scoped(func: Callable[..., None]) -> Callable[..., None]:
    """Every session of the noxfile closes its noxkit run when it ends (see ``run``)."""

    def run_session(*args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - nox's signature
        from noxkit._session.run import session_scope  # noqa: PLC0415 - only when sessions run

        interrupted = True
        try:
            with exit_on_error(), session_scope():
                func(*args, **kwargs)
            interrupted = False
        except Exception:
            interrupted = False  # a failed session: nox goes on to the next one
            raise
        finally:
            # After the run closed, so the wait is not counted as this session's time: nox
            # prepares the next session's folder next, which must find its fill finished.
            if args and not interrupted:
                from noxkit._session.prefill import settle  # noqa: PLC0415

                settle(args[0])

    return run_session


def register(
    *,
    only: Sequence[str] | None = None,
    skip: Sequence[str] = (),
    python: str | Sequence[str] | None = None,
    root: str | Path | None = None,
    config: dict[str, Any] | None = None,
    profile: Profile | None = None,
) -> dict[str, Any]:
    """Register noxkit's standard sessions with nox, configured from ``[tool.noxkit]``.

    Args:
        only: register just these standard sessions.
        skip: leave these out (to replace one, define your own session with its name).
        python: the Pythons of the ``tests`` matrix, overriding ``[tool.noxkit] python``.
        root: the project folder; default: the folder of the calling noxfile.
        config: a table shaped like ``[tool.noxkit]`` laid over the project's own, validated
            the same way.
        profile: a team profile, for a team package's own ``register`` wrapper (projects
            usually name theirs in ``[tool.noxkit] profile`` instead).

    Returns:
        The registered nox session functions by name.

    A configuration error prints one line and exits with code 2, the code nox uses for usage
    errors: a bad ``pyproject.toml`` must not produce a traceback.
    """
    project_root = Path(root).resolve() if root is not None else _caller_root()
    try:
        return _register(
            only=only, skip=skip, python=python, root=project_root, config=config, profile=profile
        )
    except ConfigError as exc:
        # nox has not set up its logging while the noxfile loads: one line, exit code 2.
        raise exit_for(exc) from None
