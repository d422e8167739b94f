"""The one table of noxkit's standard sessions: name, description, and how nox runs each.

Registration (order, ``allow_parallel``), the plan (descriptions, defaults), ``nox -l`` and
the session bodies all read this table, so a session cannot be added in one place and
forgotten in another.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SESSIONS", "STANDARD_SESSIONS", "SessionInfo", "info", "registration_order"]


@dataclass(frozen=True)
class SessionInfo:
    """What noxkit knows about a standard session before reading any configuration."""

    name: str
    description: str
    default: bool
    """Part of a bare ``nox`` run (``docs`` only where the project has docs)."""
    parallel_safe: bool = False
    """May run beside others under ``nox -j``."""
    start_first: bool = False
    """Starts before the others under ``nox -j`` (the head of the longest chain)."""


# `fmt` rewrites files that `lint` and `typecheck` read, so it runs alone. Under `nox -j`
# sessions start in registration order, so the longest chain (`tests`, then the `coverage` that
# waits for it) goes first; the quick checks fill the other workers.
SESSIONS = (
    SessionInfo("lint", "Lint and check formatting with ruff.", default=True, parallel_safe=True),
    SessionInfo("fmt", "Fix lint findings and format the code with ruff.", default=False),
    SessionInfo("typecheck", "Type-check the package with mypy.", default=True, parallel_safe=True),
    SessionInfo(
        "tests",
        "Run the test suite under coverage.",
        default=True,
        parallel_safe=True,
        start_first=True,
    ),
    SessionInfo(
        "coverage",
        "Combine the coverage of every test run, report, and enforce the floor.",
        default=True,
        parallel_safe=True,
    ),
    SessionInfo(
        "build", "Build the sdist and wheel, verify them, and write SHA256SUMS.", default=False
    ),
    SessionInfo(
        "smoke",
        "Install the built wheel outside the checkout, import it, run its CLIs.",
        default=False,
    ),
    SessionInfo(
        "lock",
        "Resolve every session's requirements into the lockfile (-- --check).",
        default=False,
    ),
    SessionInfo(
        "docs",
        "Build the documentation with warnings as errors (-- --serve: live preview).",
        default=False,
    ),
    SessionInfo(
        "release",
        "Version, changelog and tag from conventional commits (-- --dry-run).",
        default=False,
    ),
)

STANDARD_SESSIONS = tuple(s.name for s in SESSIONS)
"""Every session noxkit can register, in registration order (the order `nox -l` shows)."""

_BY_NAME = {s.name: s for s in SESSIONS}


def info(name: str) -> SessionInfo | None:
    """The table's row for ``name``; None for a profile's own session."""
    return _BY_NAME.get(name)


def registration_order(names: list[str]) -> list[str]:
    """``names`` with the start-first sessions moved to the front, the rest in order."""
    first = [n for n in names if (row := info(n)) is not None and row.start_first]
    return first + [n for n in names if n not in first]
