"""The bodies of noxkit's standard sessions: each one a short list of public steps.

Kept apart from the wiring in ``_register`` so that registering sessions (``nox -l``) does not
import the steps and everything behind them; a body's module is loaded when a session runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

# The public steps, imported from their modules: the wiring never imports noxkit.steps back.
from noxkit._session.build import (
    build_dists,
    check_dists,
    check_reproducible,
    smoke,
    smoke_folder,
    verified_artifacts,
    write_sha256sums,
)
from noxkit._session.checks import coverage_report, mypy, pytest, ruff_check, ruff_format
from noxkit._session.docs import build_docs, docs_site
from noxkit._session.install import header, install
from noxkit._session.lock import lock
from noxkit._session.release import plan_release, release_gate, write_release
from noxkit._session.run import ensure_run

if TYPE_CHECKING:
    import nox

    from noxkit._plan.plan import Plan

__all__ = ["body_for", "run_standard"]

SessionBody = Callable[["nox.Session", "Plan"], None]


def _lint(session: nox.Session, plan: Plan) -> None:
    install(session, plan, "lint")
    ruff_check(session, plan, session.posargs)
    if plan.config.settings.lint.format:
        ruff_format(session, plan, check=True)


def _fmt(session: nox.Session, plan: Plan) -> None:
    install(session, plan, "fmt")
    ruff_check(session, plan, session.posargs, fix=True)
    ruff_format(session, plan, check=False)


def _typecheck(session: nox.Session, plan: Plan) -> None:
    install(session, plan, "typecheck")
    mypy(session, plan, session.posargs)


def _tests(session: nox.Session, plan: Plan) -> None:
    install(session, plan, "tests")
    pytest(session, plan, session.posargs)


def _coverage(session: nox.Session, plan: Plan) -> None:
    install(session, plan, "coverage")
    coverage_report(session, plan, session.posargs)


def _build(session: nox.Session, plan: Plan) -> None:
    install(session, plan, "build")
    artifacts = build_dists(session, plan, session.posargs)
    check_dists(session, plan, artifacts)
    check_reproducible(session, plan, artifacts, session.posargs)
    write_sha256sums(session, plan, artifacts)


def _smoke(session: nox.Session, plan: Plan) -> None:
    with smoke_folder(session, plan) as folder:
        artifacts = verified_artifacts(session, plan, folder)
        smoke(session, plan, artifacts.wheel, artifacts.wheel, session.posargs)
        if plan.config.settings.smoke.sdist and artifacts.sdist is not None:
            smoke(session, plan, artifacts.sdist, artifacts.wheel, session.posargs)


def _lock(session: nox.Session, plan: Plan) -> None:
    lock(session, plan, session.posargs)


def _docs(session: nox.Session, plan: Plan) -> None:
    site = docs_site(session, plan)
    install(session, plan, "docs")
    build_docs(session, plan, site, session.posargs)


def _release(session: nox.Session, plan: Plan) -> None:
    release = plan_release(session, plan, session.posargs)
    if release.dry_run:
        session.log("dry run: nothing was written, no gate was run, no tag was created")
        return
    release_gate(session, plan, release)
    write_release(session, plan, release)


_BODIES: dict[str, SessionBody] = {
    "lint": _lint,
    "fmt": _fmt,
    "typecheck": _typecheck,
    "tests": _tests,
    "coverage": _coverage,
    "build": _build,
    "smoke": _smoke,
    "lock": _lock,
    "docs": _docs,
    "release": _release,
}


def _profile_body(name: str, body: SessionBody) -> SessionBody:
    def run(session: nox.Session, plan: Plan) -> None:
        install(session, plan, name)
        body(session, plan)

    return run


def body_for(name: str, plan: Plan) -> SessionBody:
    """The body of the session ``name``: a standard one, or the profile's with its install."""
    profile = plan.config.profile
    if profile is not None and name in profile.sessions:
        return _profile_body(name, profile.sessions[name].body)
    return _BODIES[name]


def run_standard(session: nox.Session, plan: Plan, name: str) -> None:
    """Run one of noxkit's sessions: open its run, log the header, then its steps."""
    ensure_run(session, plan)
    header(session, plan)
    body_for(name, plan)(session, plan)
