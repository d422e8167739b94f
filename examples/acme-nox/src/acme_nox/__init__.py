"""ACME's noxkit profile: the team's standards, shared by every repository."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import noxkit

if TYPE_CHECKING:
    import nox

__all__ = ["PROFILE", "register"]

_HERE = Path(__file__).parent


def _security(session: nox.Session, plan: noxkit.Plan) -> None:
    """Scan the package for common security problems with bandit."""
    session.run("bandit", "-q", "-r", *plan.project.package_paths, external="error")


PROFILE = noxkit.Profile(
    name="acme",
    requires_noxkit=">=0.1",
    config={
        "tools": {
            "ruff": "==0.17.6",
            "mypy": "==2.4.1",
            "pytest": "==9.2.0",
            "coverage": "==7.17.4",
        },
        "tests": {"maxfail": 3},
        "coverage": {"fail-under": 90},
    },
    tool_configs={"ruff": _HERE / "ruff.toml", "mypy": _HERE / "mypy.ini"},
    sessions={
        "security": noxkit.ProfileSession(
            body=_security,
            description="Scan the package with bandit.",
            requirements=("bandit==1.9.4",),
        ),
    },
)


def register(**kwargs: Any) -> dict[str, Any]:
    """Register noxkit's sessions with ACME's profile (for projects that don't name it)."""
    return noxkit.register(profile=PROFILE, **kwargs)
