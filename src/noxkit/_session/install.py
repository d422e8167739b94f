"""Installing a session's environment and logging its version header."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from noxkit._errors import ConfigError, fail
from noxkit._formats import lock as lockfile
from noxkit._formats.header import header_lines
from noxkit._session import envs, noxapi
from noxkit._session import lock as lock_session
from noxkit._session.passenv import withhold_environment
from noxkit._session.run import ensure_run

if TYPE_CHECKING:
    from collections.abc import Sequence

    import nox

    from noxkit._plan.plan import Plan

__all__ = ["header", "install"]


def _location(session: nox.Session) -> str | None:
    return getattr(noxapi.venv_of(session), "location", None)


def header(session: nox.Session, plan: Plan) -> None:
    """Log the version header: noxkit, nox, Python, platform, git revision, outer settings.

    Secret-looking values are redacted; in allow-list mode the withheld variables are removed
    from the session here, before anything runs, and named. Tool versions follow once
    :func:`install` has run.
    """
    backend = getattr(session, "venv_backend", None)
    lines = header_lines(
        session_name=session.name,
        venv_location=_location(session),
        backend=backend,
        root=plan.config.root,
        environ=os.environ,
    )
    if (withheld := withhold_environment(session, plan)) is not None:
        lines.append(withheld)
    for line in lines:
        session.log(line)
    for line in lockfile.header_lines(plan, os.environ):
        session.log(line)
    ensure_run(session, plan).note_header(lines)


def install(session: nox.Session, plan: Plan, *names: str) -> None:
    """Install what the named standard sessions need (default: the session's own name).

    One installer call for everything, so the resolver sees the whole set at once; then one
    line with the installed tools' versions, for the header. The environment is locked and,
    when reuse is allowed and its stamp matches, kept as it is with no install at all.
    """
    run = ensure_run(session, plan)
    if not run.header_logged:
        header(session, plan)  # a composed session that did not log it gets it here
    names = names or (session.name.split("-")[0],)
    try:
        spec = plan.install_spec(*names)
    except ConfigError as exc:
        raise fail(session, str(exc)) from None
    if not spec.args:
        return
    from_lock = plan.lockfile.is_file()
    prepared = envs.prepare(session, run, spec, files=[plan.lockfile] if from_lock else [])
    if prepared is not None:
        envs.cache_bytecode(session, plan, prepared)
    if prepared is not None and (prepared.reused or prepared.prefilled):
        _log_tools(session, spec.tool_names, prepared.installed)
        run.setup_done()
        return
    if from_lock:
        # Exact pins, hashes verified, nothing resolved: see docs/lock.md.
        lock_session.install_from_lock(session, plan, spec)
    else:
        env = {"UV_COMPILE_BYTECODE": "1"} if envs.compile_bytecode(plan) else None
        session.install(*spec.args, env=env)
    installed = envs.installed_set(session, prepared.location if prepared else None)
    if prepared is not None:
        envs.finish(session, prepared, installed)
    _log_tools(session, spec.tool_names, installed)
    run.setup_done()


def _log_tools(session: nox.Session, tool_names: Sequence[str], installed: list[list[str]]) -> None:
    """One ``tools:`` line with the versions of the session's tools, for the header."""
    versions = {name.lower().replace("_", "-"): version for name, version in installed}
    if tool_names and versions:
        found = [
            f"{t} {versions.get(t.lower().replace('_', '-'), 'not-installed')}" for t in tool_names
        ]
        session.log(f"tools: {', '.join(found)}")
