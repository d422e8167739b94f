"""The folder lock taken before nox touches a session's environment, held to the session's end.

Two runs started close together in one project used to race: nox creates, checks and may wipe
a session's folder (``SessionRunner._create_venv``) *before* the session function runs, and
noxkit took its lock only in the session body. So the second run's nox could recreate the
folder (``uv venv --clear``) while the first run was installing into it, and the first run
failed with "recreated by another process".

The rule now: for every session noxkit manages the environment of (registered with
``reuse_venv=True``, so nox never wipes on its own), the lock on ``<folder>.lock`` is taken
before nox looks at the folder (:func:`locked_before_creation`, entered through
:func:`noxkit._session.noxapi.guard_venv_creation`), handed to the session's environment
lease when :func:`noxkit._session.envs.prepare` runs (:func:`claim`), and released when the
session's run closes (or by :func:`release_unclaimed` when no lease took it: a session that
failed or was skipped before its first install). A second run therefore waits before nox
creates anything (or, with ``when-busy = "fail"``, fails at once naming the holder), and finds
either the finished, stamped environment or none.

The lock is one per process and session: nox runs one session at a time in a process (``-j``
runs each in its own worker process), so a context variable holds the pending lock.
"""

from __future__ import annotations

import contextlib
import os
import sys
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

from noxkit._errors import StepError
from noxkit._session import noxapi

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["EnvLock", "busy_message", "claim", "locked_before_creation", "release_unclaimed"]


class EnvLock:
    """An exclusive lock on one environment folder: a ``<folder>.lock`` file beside it.

    ``flock`` locks vanish with the process that held them, so a crashed or killed run never
    leaves a stale lock behind. The file holds the holder's PID and command line, for the
    message of whoever waits.
    """

    def __init__(self, location: Path) -> None:
        self.path = location.with_name(location.name + ".lock")
        self._fd: int | None = None

    def holder(self) -> str:
        """``PID 123 (nox -s tests)``, as written by the current holder."""
        try:
            # The file is data another process wrote: anything but our own format (binary,
            # another encoding) reads as "another process", never as a crash.
            text = self.path.read_bytes().decode("utf-8", errors="replace").strip()
        except OSError:
            return "another process"
        pid, _, command = text.partition(" ")
        return f"PID {pid} ({command})" if pid.isdigit() and pid.isascii() else "another process"

    def acquire(self, *, wait: bool, on_wait: Any = None) -> None:  # noqa: ANN401 - a callback
        """Take the lock; when it is held elsewhere, wait (calling ``on_wait`` once) or raise.

        Taking a lock this object already holds does nothing.

        Raises:
            BlockingIOError: the lock is held and ``wait`` is false.
        """
        if self._fd is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if not _try_lock(fd, block=False):
                self._wait(fd, wait=wait, on_wait=on_wait)
            command = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(sys.argv))
            os.ftruncate(fd, 0)
            # Arguments are bytes from the shell (surrogate-escaped when not UTF-8): escape
            # them for the message instead of failing to encode them.
            os.pwrite(fd, f"{os.getpid()} {command}\n".encode(errors="backslashreplace"), 0)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def _wait(self, fd: int, *, wait: bool, on_wait: Any) -> None:  # noqa: ANN401 - a callback
        if not wait:
            raise BlockingIOError(self.holder())
        if on_wait is not None:
            on_wait(self.holder())
        _try_lock(fd, block=True)

    def release(self) -> None:
        """Let the next run in (the file stays: deleting lock files races with waiters)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing drops the flock
            self._fd = None


def _try_lock(fd: int, *, block: bool) -> bool:
    if os.name == "nt":  # pragma: no cover - exercised on Windows only
        import msvcrt  # noqa: PLC0415 - Windows only

        mode = msvcrt.LK_LOCK if block else msvcrt.LK_NBLCK  # type: ignore[attr-defined,unused-ignore]
        try:
            msvcrt.locking(fd, mode, 1)  # type: ignore[attr-defined,unused-ignore]
        except OSError:
            return False
        return True
    import fcntl  # noqa: PLC0415 - POSIX only

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


_PENDING: ContextVar[tuple[Path, EnvLock] | None] = ContextVar("noxkit_env_lock", default=None)


def busy_message(name: str, location: Path, holder: str) -> str:
    """The one line of a run that finds the folder busy with ``when-busy = "fail"``."""
    return (
        f"{name}: the environment {location} is in use by {holder}; "
        'wait for it, or set [tool.noxkit.envs] when-busy = "wait"'
    )


@contextlib.contextmanager
def locked_before_creation(location: Path, name: str, *, wait: bool) -> Iterator[None]:
    """Lock ``location`` for this session before nox creates or reuses it.

    The lock stays held after the block (pending until :func:`claim`), unless nox's creation
    fails: then it is released at once.

    Raises:
        StepError: the folder is busy and ``wait`` is false (nox marks the session failed).
    """
    release_unclaimed()  # a previous session of this process that never claimed its lock
    location = Path(location).absolute()
    lock = EnvLock(location)
    try:
        lock.acquire(
            wait=wait,
            on_wait=lambda holder: noxapi.log(
                f"waiting for {location.name}: the environment is in use by {holder}"
            ),
        )
    except BlockingIOError as exc:
        msg = busy_message(name, location, exc.args[0])
        noxapi.log(msg, error=True)
        raise StepError(msg) from None
    _PENDING.set((location, lock))
    try:
        yield
    except BaseException:
        release_unclaimed()
        raise


def claim(location: Path) -> EnvLock | None:
    """The lock taken for ``location`` before nox created it, now owned by the caller."""
    pending = _PENDING.get()
    if pending is None or pending[0] != Path(location).absolute():
        return None
    _PENDING.set(None)
    return pending[1]


def release_unclaimed() -> None:
    """Release a lock no environment lease took (the session ended before installing)."""
    pending = _PENDING.get()
    if pending is not None:
        _PENDING.set(None)
        pending[1].release()
