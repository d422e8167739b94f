"""The errors noxkit raises, and the one place that turns them into a line and an exit code.

Each error carries a message a user can act on. Exit codes follow nox: 0 success, 1 a session
failed, 2 a configuration or usage error (one line, no traceback), 3 a selection error, 130
interrupted. Steps raise; they never exit. Only :func:`exit_on_error` (around registration and
around each session) and the ``noxkit`` command print ``noxkit: error:`` and pick the code.
"""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING, Protocol

from nox.command import CommandFailed

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "ConfigError",
    "NoxkitError",
    "StepError",
    "exit_for",
    "exit_on_error",
    "fail",
    "print_error",
]


class _Warns(Protocol):
    def warn(self, *args: object) -> None: ...


class NoxkitError(Exception):
    """Base class of every error noxkit raises on purpose."""


class ConfigError(NoxkitError):
    """The project's configuration is invalid; the run stops with exit code 2.

    The message always starts with where the problem is (``path`` and, when known, line and
    column), so an editor or a CI log can jump to it.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}" if where else self.message


class StepError(NoxkitError, CommandFailed):
    """A step found a problem in the project (a failed check, missing data...).

    It is a nox ``CommandFailed``, so nox marks the session failed without a traceback, and
    a project composing its own sessions can still catch it by type.
    """

    def __init__(self, message: str) -> None:
        NoxkitError.__init__(self, message)
        CommandFailed.__init__(self, message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def fail(session: _Warns, message: str) -> StepError:
    """Log a step failure the way nox logs its own, and return the error to raise."""
    session.warn(message)
    return StepError(message)


def print_error(message: object) -> None:
    """The one line a configuration or usage error prints (nox's logging may not be set up)."""
    print(f"noxkit: error: {message}", file=sys.stderr)  # noqa: T201 - the user's one line


def exit_for(exc: ConfigError) -> SystemExit:
    """Print the error's one line and return the exit (code 2) to raise ``from None``."""
    print_error(exc)
    return SystemExit(ConfigError.exit_code)


@contextlib.contextmanager
def exit_on_error() -> Iterator[None]:
    """Turn a :class:`ConfigError` into its one line and exit code 2, with no traceback."""
    try:
        yield
    except ConfigError as exc:
        raise exit_for(exc) from None
