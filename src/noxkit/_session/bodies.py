"""The bodies of noxkit's standard sessions: each one a short list of public steps.

Kept apart from the wiring in ``_register`` so that registering sessions (``nox -l``) does not
import the steps and everything behind them; a body's module is loaded when a session runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from noxkit import steps
from noxkit._session.run import ensure_run

if TYPE_CHECKING:
    import nox

    from noxkit._plan.plan import Plan

__all__ = ["body_for", "run_standard"]

SessionBody = Callable[["nox.Session", "Plan"], None]


def _lint(session: nox.Session, plan: Plan) -> None:
    steps.install(session, plan, "lint")
    steps.ruff_check(session, plan, session.posargs)
    if plan.config.settings.lint.format:
        steps.ruff_format(session, plan, check=True)


def _fmt(session: nox.Session, plan: Plan) -> None:
    steps.install(session, plan, "fmt")
    steps.ruff_check(session, plan, session.posargs, fix=True)
    steps.ruff_format(session, plan, check=False)


def _typecheck(session: nox.Session, plan: Plan) -> None:
    steps.install(session, plan, "typecheck")
    steps.mypy(session, plan, session.posargs)


def _tests(session: nox.Session, plan: Plan) -> None:
    steps.install(session, plan, "tests")
    steps.pytest(session, plan, session.posargs)


def _coverage(session: nox.Session, plan: Plan) -> None:
    steps.install(session, plan, "coverage")
    steps.coverage_report(session, plan, session.posargs)


def _build(session: nox.Session, plan: Plan) -> None:
    steps.install(session, plan, "build")
    artifacts = steps.build_dists(session, plan, session.posargs)
    steps.check_dists(session, plan, artifacts)
    steps.check_reproducible(session, plan, artifacts, session.posargs)
    steps.write_sha256sums(session, plan, artifacts)


def _smoke(session: nox.Session, plan: Plan) -> None:
    with steps.smoke_folder(session, plan) as folder:
        artifacts = steps.verified_artifacts(session, plan, folder)
        steps.smoke(session, plan, artifacts.wheel, artifacts.wheel, session.posargs)
        if plan.config.settings.smoke.sdist and artifacts.sdist is not None:
            steps.smoke(session, plan, artifacts.sdist, artifacts.wheel, session.posargs)


def _lock(session: nox.Session, plan: Plan) -> None:
    steps.lock(session, plan, session.posargs)


def _docs(session: nox.Session, plan: Plan) -> None:
    site = steps.docs_site(session, plan)
    steps.install(session, plan, "docs")
    steps.build_docs(session, plan, site, session.posargs)


def _release(session: nox.Session, plan: Plan) -> None:
    release = steps.plan_release(session, plan, session.posargs)
    if release.dry_run:
        session.log("dry run: nothing was written, no gate was run, no tag was created")
        return
    steps.release_gate(session, plan, release)
    steps.write_release(session, plan, release)


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
        steps.install(session, plan, name)
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
    steps.header(session, plan)
    body_for(name, plan)(session, plan)
