"""What one session's environment gets: the install specification, computed once.

The install step, the environment fingerprint and the install from the lock all need the same
answer (which requirements, whether the project goes in, editable or not, with which extras).
Each used to work it out on its own, so a change to one could leave the fingerprint describing
an environment other than the one installed. They now all read one :class:`InstallSpec`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["InstallSpec", "Stage"]


@dataclass(frozen=True)
class Stage:
    """Requirements a session installs part-way through, after the checks that must not see them.

    ``smoke`` imports the installed wheel with nothing but its runtime dependencies around it,
    so an undeclared dependency fails there; mypy and the test tools go in afterwards. Each
    stage is a set of its own in the lock (``smoke:typecheck``), resolved with all the others,
    so its pins agree with the session's.
    """

    name: str
    requirements: tuple[str, ...]


@dataclass(frozen=True)
class InstallSpec:
    """The union of what some sessions install, and the installer arguments derived from it."""

    sessions: tuple[str, ...]
    """The standard (or profile) sessions whose installs are united (one environment)."""
    requirements: tuple[str, ...] = ()
    install_project: bool = False
    editable: bool = False
    extras: tuple[str, ...] = ()
    wheel: bool = False
    """The project goes in as its built wheel, which the session installs itself (``smoke``):
    the spec brings only the project's dependencies (from the lock), never the source tree."""

    @property
    def project_target(self) -> str | None:
        """The source tree as an installer argument (``.`` or ``.[a,b]``); None: not from it."""
        if not self.install_project or self.wheel:
            return None
        return "." + (f"[{','.join(self.extras)}]" if self.extras else "")

    @property
    def project_args(self) -> tuple[str, ...]:
        """The installer arguments that install the project (``-e`` when editable)."""
        target = self.project_target
        if target is None:
            return ()
        return ("-e", target) if self.editable else (target,)

    @property
    def args(self) -> tuple[str, ...]:
        """Everything in one installer call, so the resolver sees the whole set at once."""
        return (*self.requirements, *self.project_args)

    @property
    def tool_names(self) -> tuple[str, ...]:
        """The distribution names of the requirements, for the header's ``tools:`` line."""
        # Imported here: the plan is built on `nox -l`, which never needs requirement parsing.
        from packaging.requirements import Requirement  # noqa: PLC0415

        return tuple(dict.fromkeys(Requirement(r).name for r in self.requirements))

    @classmethod
    def union(cls, sessions: tuple[str, ...], parts: list[InstallSpec]) -> InstallSpec:
        """One environment for several sessions: requirements and extras in first-seen order."""
        requirements: dict[str, None] = {}
        extras: dict[str, None] = {}
        for part in parts:
            requirements.update(dict.fromkeys(part.requirements))
            extras.update(dict.fromkeys(part.extras))
        return cls(
            sessions=sessions,
            requirements=tuple(requirements),
            install_project=any(p.install_project for p in parts),
            editable=any(p.editable for p in parts),
            extras=tuple(extras),
            wheel=any(p.wheel for p in parts),
        )
