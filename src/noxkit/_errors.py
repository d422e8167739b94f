"""The errors noxkit raises: each one carries a message a user can act on."""

from __future__ import annotations

from nox.command import CommandFailed

__all__ = ["ConfigError", "NoxkitError", "StepError"]


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
