"""noxkit: the standard quality pipeline for Python projects, as composable nox sessions.

Importing noxkit registers nothing and changes no ``nox.options``; a noxfile calls
:func:`register`. Projects that compose their own sessions use :func:`load_plan` and the
functions of :mod:`noxkit.steps`.
"""

from __future__ import annotations

from typing import Any

from noxkit import steps
from noxkit._config import Config, Settings, load_config
from noxkit._errors import ConfigError, NoxkitError, StepError
from noxkit._plan import STANDARD_SESSIONS, Plan, SessionPlan, build_plan, load_plan
from noxkit._register import register

__all__ = [
    "STANDARD_SESSIONS",
    "Config",
    "ConfigError",
    "NoxkitError",
    "Plan",
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


def __getattr__(name: str) -> Any:  # noqa: ANN401 - a module __getattr__ serves any type
    """Serve ``__version__`` from the installed metadata, so it is never out of date."""
    if name == "__version__":
        from importlib.metadata import version  # noqa: PLC0415 - only when asked for

        return version("noxkit")
    raise AttributeError(f"module 'noxkit' has no attribute {name!r}")
