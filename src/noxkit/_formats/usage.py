"""The command-line arguments (posargs) of the sessions that take their own, checked purely.

`tests` takes ``--shard K/N``, `lock` its own flags, `release` ``[--dry-run] [VERSION]``. A
mistake there is a usage error: exit code 2, one line, before nox builds any environment
(checking inside the session would first spend a minute installing, then exit 1 as if a check
had failed). The sessions parse their arguments with these same functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from noxkit._formats.shards import shard_request

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["LOCK_USAGE", "parse_lock_args", "parse_release_args", "usage_problem"]

LOCK_USAGE = "usage: nox -s lock [-- --check | --upgrade | --upgrade-package NAME ...]"
_DRY_RUN = "--dry-run"


def parse_lock_args(args: Sequence[str]) -> tuple[bool, bool, list[str]]:
    """``(check, upgrade, packages)`` from the lock session's arguments.

    Raises:
        ValueError: an argument the lock session does not take (the message has the usage).
    """
    check = upgrade = False
    packages: list[str] = []
    items = list(args)
    while items:
        arg = items.pop(0)
        if arg == "--check":
            check = True
        elif arg in {"--upgrade", "-U"}:
            upgrade = True
        elif arg in {"--upgrade-package", "-P"} and items:
            packages.append(items.pop(0))
        elif arg.startswith("--upgrade-package="):
            packages.append(arg.partition("=")[2])
        else:
            msg = f"unknown argument {arg!r}; {LOCK_USAGE}"
            raise ValueError(msg)
    return check, upgrade, packages


def parse_release_args(args: Sequence[str]) -> tuple[bool, str | None]:
    """``(dry_run, version)`` from the release session's arguments.

    Raises:
        ValueError: anything but ``[--dry-run] [VERSION]``.
    """
    dry_run = _DRY_RUN in args
    rest = [a for a in args if a != _DRY_RUN]
    if any(a.startswith("-") for a in rest) or len(rest) > 1:
        msg = f"release takes [--dry-run] [VERSION], got: {' '.join(args)}"
        raise ValueError(msg)
    return dry_run, rest[0] if rest else None


def usage_problem(session: str, args: Sequence[str], environ: Mapping[str, str]) -> str | None:
    """What is wrong with a standard session's arguments, or None.

    ``session`` is nox's name for the run, with its Python where it has one (``tests-3.12``).
    """
    base = session.split("-", 1)[0]
    try:
        if base == "tests":
            shard_request(args, environ)
        elif base == "lock":
            parse_lock_args(args)
        elif base == "release":
            parse_release_args(args)
    except ValueError as exc:
        return f"nox -s {session}: {exc}"
    return None
