"""Team profiles: a package's defaults for ``[tool.noxkit]``, tool configuration and sessions.

A team publishes a small package that exposes a :class:`Profile` through the
``noxkit.profiles`` entry-point group; a project selects it with ``profile = "acme"``. The
profile is one configuration layer (above noxkit's defaults, below the project's own table),
so everything it sets is validated exactly like ``pyproject.toml`` and shown by
``noxkit doctor`` with its origin.
"""

from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from noxkit._config.values import Value, record
from noxkit._errors import ConfigError
from noxkit._version import __version__

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from importlib.metadata import EntryPoint

    import nox

__all__ = ["ENTRY_POINT_GROUP", "Profile", "ProfileSession", "load_profile"]

ENTRY_POINT_GROUP = "noxkit.profiles"
TOOL_CONFIGS = ("ruff", "mypy")


@record
class ProfileSession(Value):
    """An extra session a profile adds, built from noxkit's steps.

    ``body(session, plan)`` runs after the version header; ``requirements`` are installed
    first, so the body usually only runs its tool.
    """

    # The plan is typed Any: configuration sits below the plan and never imports it (the
    # layers run one way, see docs/explanation.md). A body receives a noxkit.Plan.
    body: Callable[[nox.Session, Any], None]
    description: str
    requirements: tuple[str, ...] = ()
    install_project: bool = False
    default: bool = False
    python: str | tuple[str, ...] | None = None


@record
class Profile(Value):
    """A team's standards, declared once and shared by every project that selects it.

    Attributes:
        name: what projects write in ``profile = "..."``.
        config: defaults for any ``[tool.noxkit]`` key, shaped like the table
            (``{"coverage": {"fail-under": 90}, "tools": {"ruff": "==0.17.6"}}``).
        tool_configs: configuration files for tools (``"ruff"``: a ``ruff.toml``, ``"mypy"``: a
            ``mypy.ini`` or ``.toml``), used only when the project does not configure that
            tool itself.
        sessions: extra sessions by name.
        requires_noxkit: a version specifier noxkit must satisfy (``">=0.1"``).
    """

    name: str
    config: Mapping[str, Any] = field(default_factory=dict)
    tool_configs: Mapping[str, Path] = field(default_factory=dict)
    sessions: Mapping[str, ProfileSession] = field(default_factory=dict)
    requires_noxkit: str | None = None
    source: str = ""
    """Who provides it (``acme-nox 1.2.0``), filled in when loaded; used in messages."""

    @property
    def label(self) -> str:
        """The layer's name in messages and in ``noxkit doctor``."""
        return f"profile {self.name}" + (f" ({self.source})" if self.source else "")

    def check(self) -> None:
        """Refuse a profile noxkit cannot honour: wrong noxkit version, unknown tool config."""
        if self.requires_noxkit:
            try:
                spec = SpecifierSet(self.requires_noxkit)
            except InvalidSpecifier:
                msg = (
                    f"{self.label}: requires_noxkit {self.requires_noxkit!r} is not a version "
                    "specifier"
                )
                raise ConfigError(msg) from None
            if __version__ not in spec:
                msg = (
                    f"{self.label} requires noxkit{spec} but noxkit {__version__} is installed; "
                    "upgrade noxkit (or pin an older release of the profile)"
                )
                raise ConfigError(msg)
        for tool, path in self.tool_configs.items():
            if tool not in TOOL_CONFIGS:
                known = ", ".join(TOOL_CONFIGS)
                msg = f"{self.label}: tool_configs has unknown tool {tool!r} (known: {known})"
                raise ConfigError(msg)
            if not Path(path).is_file():
                raise ConfigError(f"{self.label}: {tool} configuration {path} does not exist")


def _installed() -> dict[str, EntryPoint]:
    # Imported here: only a project that names a profile pays for reading entry points.
    from importlib import metadata  # noqa: PLC0415

    return {ep.name: ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}


def load_profile(name: str) -> Profile:
    """Find and load the profile ``name`` from the ``noxkit.profiles`` entry points.

    Read afresh on every call (no cache), so two projects loaded in one process never share
    a profile's settings by accident.
    """
    installed = _installed()
    entry = installed.get(name)
    if entry is None:
        available = ", ".join(sorted(installed)) or "none"
        msg = (
            f"profile {name!r} not found in the {ENTRY_POINT_GROUP!r} entry-point group "
            f"(installed profiles: {available}); install the package that provides it next to nox"
        )
        raise ConfigError(msg)
    dist = entry.dist
    source = f"{dist.name} {dist.version}" if dist is not None else entry.value
    try:
        loaded = entry.load()
    except Exception as exc:  # noqa: BLE001 - any import error of a third-party package
        raise ConfigError(f"profile {name!r} ({source}) failed to load: {exc!r}") from None
    if callable(loaded) and not isinstance(loaded, Profile):
        loaded = loaded()
    if not isinstance(loaded, Profile):
        msg = f"profile {name!r} ({source}) is a {type(loaded).__name__}, not a noxkit.Profile"
        raise ConfigError(msg)
    profile = Profile(
        name=loaded.name,
        config=loaded.config,
        tool_configs=loaded.tool_configs,
        sessions=loaded.sessions,
        requires_noxkit=loaded.requires_noxkit,
        source=source,
    )
    profile.check()
    return profile
