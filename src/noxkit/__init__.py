"""noxkit: the standard quality pipeline for Python projects, as composable nox sessions.

Importing noxkit registers nothing and changes no ``nox.options``; a noxfile calls
:func:`register`. Projects that compose their own sessions use :func:`load_plan` and the
functions of :mod:`noxkit.steps`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType

    from noxkit import steps

from noxkit._config.profiles import Profile, ProfileSession
from noxkit._config.schema import Config, Settings, load_config
from noxkit._errors import ConfigError, NoxkitError, StepError
from noxkit._plan.plan import STANDARD_SESSIONS, Plan, SessionPlan, build_plan, load_plan
from noxkit._session.register import register
from noxkit._version import __version__

__all__ = [
    "STANDARD_SESSIONS",
    "Config",
    "ConfigError",
    "NoxkitError",
    "Plan",
    "Profile",
    "ProfileSession",
    "SessionPlan",
    "Settings",
    "StepError",
    "__version__",
    "build_plan",
    "load_config",
    "load_plan",
    "register",
    "steps",
]


def __getattr__(name: str) -> ModuleType:
    """Import ``noxkit.steps`` on first use.

    The steps pull in the build, lock and release machinery, which a noxfile being listed
    (``nox -l``) never needs.
    """
    if name == "steps":
        return importlib.import_module("noxkit.steps")
    raise AttributeError(f"module 'noxkit' has no attribute {name!r}")
