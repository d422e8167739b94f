"""Public steps: small functions ``(session, plan, ...) -> None`` that each do one thing.

The standard sessions are short lists of these steps, and a project composes its own sessions
from them::

    @nox.session
    def ci(session: nox.Session) -> None:
        plan = noxkit.load_plan()
        noxkit.steps.header(session, plan)
        noxkit.steps.install(session, plan, "lint", "tests")
        noxkit.steps.ruff_check(session, plan)
        noxkit.steps.pytest(session, plan, session.posargs)

Steps raise :class:`noxkit.StepError` (a nox ``CommandFailed``, so nox fails the session with
the message and no traceback); they never exit the process. Every tool runs from the session's
environment (``external="error"``): a tool missing from it fails loudly instead of silently
running the host's copy.
"""

from __future__ import annotations

from noxkit._plan.docs import DocsSite
from noxkit._session.build import (
    Artifacts,
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
from noxkit._session.release import ReleasePlan, plan_release, release_gate, write_release
from noxkit._session.run import SessionRun, running

__all__ = [
    "Artifacts",
    "DocsSite",
    "ReleasePlan",
    "SessionRun",
    "build_dists",
    "build_docs",
    "check_dists",
    "check_reproducible",
    "coverage_report",
    "docs_site",
    "header",
    "install",
    "lock",
    "mypy",
    "plan_release",
    "pytest",
    "release_gate",
    "ruff_check",
    "ruff_format",
    "running",
    "smoke",
    "smoke_folder",
    "verified_artifacts",
    "write_release",
    "write_sha256sums",
]
