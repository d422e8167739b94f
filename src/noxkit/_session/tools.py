"""Running a command the plan built, and recording it in the session's run.

Every step that runs a tool goes through :func:`run_command`, so the run report lists exactly
the commands that ran, in the form ``noxkit doctor`` shows them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from noxkit._plan.commands import render
from noxkit._session.run import ensure_run

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import nox

    from noxkit._plan.plan import Plan

__all__ = ["run_command"]


def run_command(
    session: nox.Session,
    plan: Plan,
    command: Sequence[str],
    extra_args: Sequence[str] = (),
    *,
    values: Mapping[str, str | Sequence[str]] | None = None,
    program: str | None = None,
    **kwargs: Any,  # noqa: ANN401 - nox's session.run options
) -> Any:  # noqa: ANN401 - what session.run returns
    """Fill in ``command``'s placeholders, record it, and run it with ``extra_args`` after it.

    ``values`` fill the run-time placeholders (``{session}`` defaults to the session's
    name); the record keeps every placeholder but ``{session}``. ``program`` replaces the
    first argument when the tool runs from a known path (nox's own uv).
    """
    filled = {"session": session.name, **(values or {})}
    shown = [*render(command, {"session": filled["session"]}), *extra_args]
    argv = [*render(command, filled), *extra_args]
    if program is not None:
        argv[0] = program
    ensure_run(session, plan).ran(shown)
    return session.run(*argv, **kwargs)
