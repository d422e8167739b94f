"""Every nox internal noxkit touches, in one place, each one guarded.

nox offers libraries a public API for sessions (``nox.Session``, ``nox.session``) but none for
what noxkit also needs: the merged command-line options, the flag that makes ``-R`` skip
installs, the skip exception, the registry, and the end of a session. Each is reached here and
nowhere else; ``tests/unit/session/test_noxapi.py`` fails loudly when a nox release moves one,
instead of noxkit misbehaving quietly.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractContextManager

    import nox

__all__ = [
    "before_threads",
    "find_uv",
    "global_option",
    "guard_venv_creation",
    "is_skip",
    "log",
    "mark_fresh",
    "pending_sessions",
    "registered_names",
    "result_of",
    "runner_key",
    "venv_of",
    "virtualenv_class",
    "was_reused",
    "wrap_sessions",
]


def runner_key(session: nox.Session) -> int:
    """An identity of the running session that stays the same for its whole run."""
    return id(getattr(session, "_runner", session))


def global_option(session: nox.Session | object, name: str, default: object = None) -> object:
    """One merged command-line option (``reuse_venv``, ``no_install``...) of this nox run.

    ``session`` may also be the opaque session handle :func:`guard_venv_creation` passes.
    """
    runner = getattr(session, "_runner", session)
    config = getattr(runner, "global_config", None)
    return getattr(config, name, default)


def venv_of(session: nox.Session | object) -> Any:  # noqa: ANN401 - nox's ProcessEnv
    """The session's environment object, or None (no environment yet, or not a real session)."""
    try:
        return getattr(session, "virtualenv")  # noqa: B009 - a property that may raise
    except (ValueError, AttributeError):
        return None


def virtualenv_class() -> type:
    """nox's ``VirtualEnv``: the environments noxkit can lock, stamp and rebuild."""
    from nox.virtualenv import VirtualEnv  # noqa: PLC0415 - loaded by nox already

    return VirtualEnv


def was_reused(venv: Any) -> bool:  # noqa: ANN401 - nox's VirtualEnv
    """Whether nox kept an existing folder for this environment (its ``_reused`` flag)."""
    return bool(getattr(venv, "_reused", False))


def mark_fresh(venv: Any) -> None:  # noqa: ANN401 - nox's VirtualEnv
    """Tell nox the environment is new, so ``-R`` (no-install) does not skip installing it."""
    venv._reused = False  # noqa: SLF001 - the flag nox consults for --no-install


def is_skip(exc: BaseException) -> bool:
    """Whether ``exc`` is nox's "session skipped" signal (``session.skip()``)."""
    from nox.sessions import _SessionSkip  # noqa: PLC0415 - nox is loaded when sessions run

    return isinstance(exc, _SessionSkip)


def result_of(session: nox.Session) -> str | None:
    """How nox classified the session when it ended (``success``, ``failed``...), if it has."""
    result = getattr(getattr(session, "_runner", None), "result", None)
    status = getattr(result, "status", None)
    name = getattr(status, "name", None)
    return name.lower() if isinstance(name, str) else None


def before_threads() -> None:
    """Load in this thread what nox's environment creation loads lazily and not thread-safely.

    Background fills create environments while the main thread may create one too. The first
    ``sysconfig.get_config_var`` call of a process builds its cache, and two threads doing so at
    once can see it half built (nox's uv lookup then failed with a TypeError on ``EXE``).
    """
    import sysconfig  # noqa: PLC0415

    sysconfig.get_config_vars()
    find_uv()


def find_uv() -> str | None:
    """The uv nox would use (nox's own lookup), or None when there is none."""
    from nox.virtualenv import find_uv as _find_uv  # noqa: PLC0415

    found, path, _ = _find_uv()
    return path if found else None


def registered_names() -> set[str]:
    """The names of the sessions registered with nox so far."""
    import nox.registry  # noqa: PLC0415

    return set(nox.registry.get())


_WRAPPED = "__noxkit_wrapped__"


def wrap_sessions(wrapper: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    """Run every session of the noxfile, its own and noxkit's, inside ``wrapper``.

    nox has no hook at a session's start and end. noxkit needs one so that a session a project
    composes from steps gets its run closed (environment lock released, report record
    written) exactly when it ends. nox keeps the noxfile's sessions in one dict and calls
    ``Func.func``; the sessions registered so far are wrapped now, those defined later as they
    are registered. A session that never calls a noxkit step is left as it is by the wrapper.
    """
    import nox.registry  # noqa: PLC0415

    registry = nox.registry._REGISTRY  # noqa: SLF001 - see the docstring
    for func in registry.values():
        _wrap_func(func, wrapper)
    if isinstance(registry, _WrappingRegistry):
        registry.wrapper = wrapper
        return
    replacement = _WrappingRegistry(registry, wrapper)
    nox.registry._REGISTRY = replacement  # noqa: SLF001 - see the docstring


def _wrap_func(func: Any, wrapper: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:  # noqa: ANN401 - nox's Func
    inner = getattr(func, "func", None)
    if inner is None or getattr(inner, _WRAPPED, False):
        return
    wrapped = functools.wraps(inner)(wrapper(inner))
    setattr(wrapped, _WRAPPED, True)
    func.func = wrapped


class _WrappingRegistry(dict[str, Any]):
    """nox's session registry, wrapping each session as nox registers it."""

    def __init__(
        self, initial: dict[str, Any], wrapper: Callable[[Callable[..., Any]], Callable[..., Any]]
    ) -> None:
        super().__init__(initial)
        self.wrapper = wrapper

    def __setitem__(self, key: str, value: Any) -> None:  # noqa: ANN401 - nox's Func
        _wrap_func(value, self.wrapper)
        super().__setitem__(key, value)

    def __copy__(self) -> dict[str, Any]:
        return dict(self)


def log(message: str, *, error: bool = False) -> None:
    """Log a line the way a session does, where there is no session yet (nox's logger)."""
    from nox.logger import logger  # noqa: PLC0415 - loaded by nox already

    (logger.error if error else logger.info)(message)


def guard_venv_creation(
    guard: Callable[[str, str, Any, list[str], Any], AbstractContextManager[None]],
    on_missing_interpreter: Callable[[str, Any, str, bool], None] | None = None,
) -> None:
    """Run nox's creation (or reuse check) of every session's environment inside ``guard``.

    ``guard(envdir, session_name, func, posargs, handle)`` is entered just before nox looks at
    the folder and exited when nox is done with it (it may also refuse the session's arguments
    there, before any environment is built). ``handle`` is an opaque handle of the session
    being prepared, for :func:`pending_sessions` and :func:`global_option`.

    nox decides reuse, wipes and recreates a folder in ``SessionRunner._create_venv``, before
    the session function (and so any wrapper of it) runs; a lock taken in the session body
    comes too late to stop a concurrent run from recreating the folder under an install. There
    is no hook there, so the method is wrapped (once; a later call only replaces the
    callbacks).

    ``on_missing_interpreter(session_name, func, reason, is_error)`` hears of a session nox ends
    there because its Python is missing: nox then skips it (or fails it, ``is_error``, under
    ``--error-on-missing-interpreters``, the default in CI) without calling the session
    function, so no wrapper of it would know.
    """
    from nox.sessions import SessionRunner  # noqa: PLC0415 - loaded by nox already
    from nox.virtualenv import InterpreterNotFound  # noqa: PLC0415 - loaded by nox already

    current = SessionRunner._create_venv  # noqa: SLF001 - see the docstring
    if getattr(current, _WRAPPED, False):
        current.guard = guard  # type: ignore[attr-defined]
        current.on_missing = on_missing_interpreter  # type: ignore[attr-defined]
        return

    def _create_venv(runner: Any) -> None:  # noqa: ANN401 - nox's SessionRunner
        try:
            posargs = list(getattr(runner, "posargs", None) or [])
            guard = _create_venv.guard  # type: ignore[attr-defined]
            with guard(runner.envdir, runner.friendly_name, runner.func, posargs, runner):
                current(runner)
        except InterpreterNotFound as exc:
            report = _create_venv.on_missing  # type: ignore[attr-defined]
            if report is not None:
                is_error = bool(getattr(runner.global_config, "error_on_missing_interpreters", 0))
                report(runner.friendly_name, runner.func, str(exc), is_error)
            raise

    _create_venv.guard = guard  # type: ignore[attr-defined]
    _create_venv.on_missing = on_missing_interpreter  # type: ignore[attr-defined]
    setattr(_create_venv, _WRAPPED, True)
    SessionRunner._create_venv = _create_venv  # type: ignore[method-assign,assignment]  # noqa: SLF001


@dataclass(frozen=True)
class PendingSession:
    """A session nox will run later in this process, as far as creating its environment goes."""

    name: str
    """Its full name (``tests-3.12``)."""
    base: str
    """The name it was registered under (``tests``)."""
    location: str
    backend: str
    """The first backend nox would use for it (``uv``, ``virtualenv``, ``none``...)."""
    make_venv: Callable[[], Any]
    """Build nox's environment object for it, exactly as nox would (not created yet)."""
    nox_keeps: bool
    """Whether nox will keep an existing folder for it (else it wipes it before the session)."""


def pending_sessions(session: nox.Session | object) -> list[PendingSession]:
    """The sessions still queued after ``session`` in this nox process, in the order they run.

    nox builds the manifest (the selected sessions, ``requires=`` resolved) before the first
    session starts, and consumes it one session at a time: what is left in its queue is what
    this process will run next. A ``nox -j`` worker's manifest holds its own session only.
    ``session`` may also be the handle :func:`guard_venv_creation` passes (nox is about to
    prepare that session's environment).
    """
    runner = getattr(session, "_runner", session)
    queue = getattr(getattr(runner, "manifest", None), "_queue", None)
    if not isinstance(queue, list):
        return []
    from nox.sessions import resolve_download_python, resolve_venv_backends  # noqa: PLC0415
    from nox.virtualenv import get_virtualenv  # noqa: PLC0415

    out: list[PendingSession] = []
    for later in list(queue):
        func = getattr(later, "func", None)
        config = getattr(later, "global_config", None)
        if func is None or config is None:
            continue
        backends = resolve_venv_backends(config, func)

        def make(later: Any = later, func: Any = func, backends: list[str] = backends) -> Any:  # noqa: ANN401 - nox's objects
            return get_virtualenv(
                *backends,
                download_python=resolve_download_python(later.global_config, func),
                envdir=later.envdir,
                reuse_existing=False,
                interpreter=func.python,
                venv_params=func.venv_params,
            )

        out.append(
            PendingSession(
                name=str(later.friendly_name),
                base=str(later.name),
                # nox's environments hold the absolute path (the session runs in its folder).
                location=os.path.abspath(later.envdir),  # noqa: PTH100 - as nox: no symlinks resolved
                backend=backends[0] if backends else "virtualenv",
                make_venv=make,
                nox_keeps=bool(later.reuse_existing_venv()),
            )
        )
    return out
