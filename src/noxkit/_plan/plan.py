"""From configuration to what each session installs and runs. Pure: no environment is created.

Keeping this pure is what lets ``nox -l`` stay instant and lets unit tests pin every command
line without building a single environment.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from nox.project import dependency_groups

from noxkit._config.schema import Config, ToolsConfig, load_config
from noxkit._errors import ConfigError
from noxkit._plan import commands
from noxkit._plan.docs import docs_commands, docs_requirements, find_docs
from noxkit._plan.install import InstallSpec, Stage
from noxkit._plan.project import Project, inspect_project
from noxkit._plan.sessions import STANDARD_SESSIONS, info
from noxkit._util import closest

if TYPE_CHECKING:
    from collections.abc import Mapping

    from noxkit._plan.sessions import SessionInfo

__all__ = ["STANDARD_SESSIONS", "Plan", "SessionPlan", "build_plan", "load_plan"]


@dataclass(frozen=True)
class SessionPlan:
    """What one standard session installs and runs."""

    name: str
    description: str
    python: tuple[str, ...] | str | None
    """A matrix (one run each), one version, or None for the Python that runs nox."""
    default: bool
    requirements: tuple[str, ...] = ()
    """Requirement strings installed into the environment (tools, groups, extras' deps)."""
    install_project: bool = False
    editable: bool = False
    extras: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    """Sessions that must run first (nox ``requires=``)."""
    commands: tuple[tuple[str, ...], ...] = ()
    """The tool commands, for people and for ``noxkit doctor``; ``{session}`` stands for the
    session's full name (``tests-3.12``)."""
    venv_backend: str | None = None
    """A backend of its own (``"none"`` for sessions that install nothing); None: the project's."""
    wheel: bool = False
    """The project goes in as its built wheel, installed by the session (``smoke``)."""
    stages: tuple[Stage, ...] = ()
    """Requirements installed later in the session, each a set of its own in the lock."""

    @property
    def install(self) -> InstallSpec:
        """What this session installs, as the install step, fingerprint and lock read it."""
        return InstallSpec(
            sessions=(self.name,),
            requirements=self.requirements,
            install_project=self.install_project,
            editable=self.editable,
            extras=self.extras,
            wheel=self.wheel,
        )

    def stage(self, name: str) -> InstallSpec:
        """What the stage ``name`` installs: its requirements, as the set ``session:stage``."""
        for stage in self.stages:
            if stage.name == name:
                return InstallSpec(
                    sessions=(f"{self.name}:{name}",), requirements=stage.requirements
                )
        known = ", ".join(s.name for s in self.stages) or "none"
        msg = f"session {self.name!r} has no install stage {name!r} (stages: {known})"
        raise ConfigError(msg)


def _info(name: str) -> SessionInfo:
    row = info(name)
    assert row is not None  # noqa: S101 - every standard session has a row
    return row


def _requirement(name: str, spec: str) -> str:
    return f"{name}{spec}"


@dataclass(frozen=True)
class Plan:
    """Everything noxkit will do for one project."""

    config: Config
    project: Project
    sessions: Mapping[str, SessionPlan] = field(default_factory=dict)

    # Where things are written. Relative paths are resolved against the project root.
    @property
    def output_dir(self) -> Path:
        """Root of everything noxkit writes (coverage data, JUnit XML, reports)."""
        return self.config.root / self.config.settings.output_dir

    @property
    def lockfile(self) -> Path:
        """The lockfile (``[tool.noxkit.lock] path``): sessions install from it when it exists."""
        return self.config.root / self.config.settings.lock.path

    @property
    def coverage_data_dir(self) -> Path:
        """One sub-folder per measured session, so reruns replace only their own data."""
        return self.output_dir / "coverage"

    @property
    def coverage_rcfile(self) -> Path:
        """The coverage configuration noxkit writes and every coverage command reads."""
        return self.output_dir / "coveragerc"

    def coverage_file(self, session_name: str) -> Path:
        """The data file prefix of one measured session (coverage adds parallel suffixes)."""
        return self.coverage_data_dir / session_name / ".coverage"

    def junit_path(self, session_name: str) -> Path:
        """The JUnit XML report of one test run."""
        return self.output_dir / "junit" / f"{session_name}.xml"

    def profile_tool_config(self, tool: str) -> Path | None:
        """The profile's configuration file for ``tool``, unless the project configures it."""
        profile = self.config.profile
        if profile is None or tool in self.project.configured_tools:
            return None
        path = profile.tool_configs.get(tool)
        return Path(path) if path is not None else None

    @property
    def build_staging(self) -> Path:
        """Where ``build`` builds, so a failed build leaves the previous artifacts alone."""
        return self.output_dir / "build-staging"

    # The commands, built by `noxkit._plan.commands` (the one builder doctor and the steps use).
    def ruff_check_command(self, *, fix: bool = False) -> list[str]:
        """``ruff check`` over the configured paths."""
        return list(commands.ruff_check(self, fix=fix))

    def ruff_format_command(self, *, check: bool) -> list[str]:
        """``ruff format`` (``--check`` in ``lint``) over the configured paths."""
        return list(commands.ruff_format(self, check=check))

    def mypy_command(self) -> list[str]:
        """``mypy`` on the package, or on the configured paths."""
        return list(commands.mypy(self))

    def pytest_command(self, session_name: str) -> list[str]:
        """pytest under ``coverage run``, with maxfail and a JUnit report for this run."""
        return commands.render(commands.pytest(self), {"session": session_name})

    def coverage_commands(self) -> list[list[str]]:
        """Combine every run's data (``{runs}``), write XML and HTML, then report."""
        return [list(c) for c in commands.coverage(self)]

    def install_spec(self, *names: str) -> InstallSpec:
        """What the named sessions install into one environment.

        A ``ci`` session may unite ``lint`` and ``tests``. This is the one answer the install
        step, the fingerprint and the install from the lock all read. ``smoke:typecheck``
        names a stage of a session (what ``smoke`` installs before running mypy).
        """
        parts = []
        for name in names:
            base, _, stage = name.partition(":")
            try:
                session = self.sessions[base]
            except KeyError:
                known = ", ".join(self.sessions)
                raise ConfigError(f"no standard session named {base!r} (known: {known})") from None
            parts.append(session.stage(stage) if stage else session.install)
        return InstallSpec.union(tuple(names), parts)

    def requirements_for(self, *names: str) -> tuple[list[str], bool, bool, tuple[str, ...]]:
        """The union of several sessions' installs: requirements, project?, editable?, extras.

        The tuple form of :meth:`install_spec`, kept for projects that call it.
        """
        spec = self.install_spec(*names)
        return list(spec.requirements), spec.install_project, spec.editable, spec.extras


def _group_requirements(
    config: Config, project: Project, groups: tuple[str, ...], table: str
) -> tuple[str, ...]:
    """The requirements of ``groups`` (includes resolved), each checked to exist.

    ``table`` names the setting that chose the groups, for the message.
    """
    for group in groups:
        if group not in project.dependency_groups:
            listed = ", ".join(sorted(project.dependency_groups)) or "none"
            msg = (
                f"dependency group {group!r} ([tool.noxkit.{table}] groups) is not defined in "
                f"[dependency-groups] (defined: {listed})"
            )
            raise ConfigError(msg, path=str(config.root / "pyproject.toml"))
    if not groups:
        return ()
    try:
        return tuple(dependency_groups(config.pyproject, *groups))
    except (LookupError, ValueError, TypeError) as exc:
        msg = f"invalid [dependency-groups]: {exc}"
        raise ConfigError(msg, path=str(config.root / "pyproject.toml")) from None


def _test_requirements(config: Config, project: Project) -> tuple[str, ...]:
    """The requirements of the project's test dependency groups; test extras checked to exist."""
    for extra in project.test_extras:
        if extra not in project.extras:
            listed = ", ".join(sorted(project.extras)) or "none"
            msg = (
                f"extra {extra!r} ([tool.noxkit.tests] extras) is not defined in "
                f"[project.optional-dependencies] (defined: {listed})"
            )
            raise ConfigError(msg, path=str(config.root / "pyproject.toml"))
    return _group_requirements(config, project, project.test_groups, "tests")


def _docs_group_requirements(config: Config, project: Project) -> tuple[str, ...]:
    """The requirements of the docs dependency groups (default: `docs`, when defined)."""
    groups = config.settings.docs.groups
    if groups is None:
        groups = ("docs",) if "docs" in project.dependency_groups else ()
    return _group_requirements(config, project, groups, "docs")


def _smoke_stages(config: Config, test_reqs: tuple[str, ...]) -> tuple[Stage, ...]:
    """What ``smoke`` installs after its import check: mypy, then the test tools.

    The tests' own requirements without coverage: the suite runs against the wheel unmeasured.
    """
    settings = config.settings
    stages = []
    if settings.smoke.typecheck:
        stages.append(Stage("typecheck", (_requirement("mypy", settings.tools.mypy),)))
    if settings.smoke.tests:
        pytest = (_requirement("pytest", settings.tools.pytest),)
        requirements = dict.fromkeys((*pytest, *test_reqs, *settings.tests.deps))
        stages.append(Stage("tests", tuple(requirements)))
    return tuple(stages)


def build_plan(config: Config, project: Project | None = None) -> Plan:
    """Plan every standard session of the project."""
    project = project or inspect_project(config)
    settings = config.settings
    tools: ToolsConfig = settings.tools
    ruff = _requirement("ruff", tools.ruff)
    coverage = _requirement("coverage", tools.coverage)
    test_reqs = _test_requirements(config, project)
    placeholder = Plan(config=config, project=project)

    def unique(*groups: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        out: list[str] = []
        for group in groups:
            out.extend(r for r in group if r not in out)
        return tuple(out)

    lint_commands = [commands.ruff_check(placeholder)]
    if settings.lint.format:
        lint_commands.append(commands.ruff_format(placeholder, check=True))
    try:
        mypy_commands: tuple[commands.Command, ...] = (commands.mypy(placeholder),)
    except ConfigError:
        mypy_commands = ()  # reported when the session runs, so `nox -l` still works

    sessions = {
        "lint": SessionPlan(
            name="lint",
            description=_info("lint").description,
            python=None,
            default=_info("lint").default,
            requirements=(ruff,),
            commands=tuple(lint_commands),
        ),
        "fmt": SessionPlan(
            name="fmt",
            description=_info("fmt").description,
            python=None,
            default=_info("fmt").default,
            requirements=(ruff,),
            commands=(
                commands.ruff_check(placeholder, fix=True),
                commands.ruff_format(placeholder, check=False),
            ),
        ),
        "typecheck": SessionPlan(
            name="typecheck",
            description=_info("typecheck").description,
            python=settings.typecheck.python,
            default=_info("typecheck").default,
            requirements=unique(
                (_requirement("mypy", tools.mypy),), test_reqs, settings.typecheck.deps
            ),
            install_project=True,
            editable=settings.editable,
            extras=project.test_extras,
            commands=mypy_commands,
        ),
        "tests": SessionPlan(
            name="tests",
            description=_info("tests").description,
            python=project.pythons,
            default=_info("tests").default,
            requirements=unique(
                (_requirement("pytest", tools.pytest), coverage), test_reqs, settings.tests.deps
            ),
            install_project=True,
            editable=settings.editable,
            extras=project.test_extras,
            commands=(commands.pytest(placeholder),),
        ),
        "coverage": SessionPlan(
            name="coverage",
            description=_info("coverage").description,
            python=None,
            default=_info("coverage").default,
            requirements=(coverage,),
            requires=("tests",),
            commands=commands.coverage(placeholder),
        ),
        "build": SessionPlan(
            name="build",
            description=_info("build").description,
            python=None,
            default=_info("build").default,
            requirements=(_requirement("twine", tools.twine),),
            commands=(
                commands.build_frontend(placeholder, settings.venv_backend),
                commands.twine_check(placeholder),
            ),
        ),
        "smoke": SessionPlan(
            name="smoke",
            description=_info("smoke").description,
            python=None,
            default=_info("smoke").default,
            # The built wheel, with its runtime dependencies (and the test extras, when the
            # tests run against it); mypy and the test tools only after the import check.
            install_project=True,
            extras=project.test_extras if settings.smoke.tests else (),
            wheel=True,
            stages=_smoke_stages(config, test_reqs),
            requires=("build",) if settings.smoke.requires_build else (),
            commands=commands.smoke(placeholder),
        ),
        "lock": SessionPlan(
            name="lock",
            description=_info("lock").description,
            python=None,
            default=_info("lock").default,
            requirements=(_requirement("uv", settings.lock.uv),),
            commands=(
                commands.lock_compile(placeholder, joint=True),
                commands.lock_compile(placeholder, joint=False),
            ),
        ),
    }
    site = find_docs(config)
    sessions["docs"] = SessionPlan(
        name="docs",
        description=_info("docs").description,
        python=None,
        default=_info("docs").default,
        requirements=unique(
            docs_requirements(site, _docs_group_requirements(config, project)),
            settings.docs.deps,
        ),
        install_project=site is not None and settings.docs.install_project,
        commands=(tuple(docs_commands(site)),) if site is not None else (),
    )
    sessions["release"] = SessionPlan(
        name="release",
        description=_info("release").description,
        python=None,
        default=_info("release").default,
        venv_backend="none",
        commands=(("git", "tag", "-a", settings.release.tag_format),),
    )
    if config.profile is not None:
        for name, extra in config.profile.sessions.items():
            if name in sessions:
                label = config.profile.label
                msg = f"{label} defines a session {name!r}, which is a standard session's name"
                raise ConfigError(msg)
            sessions[name] = SessionPlan(
                name=name,
                description=extra.description,
                python=extra.python,
                default=extra.default,
                requirements=extra.requirements,
                install_project=extra.install_project,
                editable=settings.editable and extra.install_project,
            )
    _check_skip(config, list(sessions))
    return Plan(config=config, project=project, sessions=sessions)


def _check_skip(config: Config, known: list[str]) -> None:
    """``skip`` names sessions that exist: checked in the plan, so doctor and nox agree."""
    origin = config.origins.get("skip", "default")
    path = str(config.root / "pyproject.toml") if origin == "pyproject.toml" else origin
    for name in config.settings.skip:
        if name not in known:
            close = closest(name, known)
            hint = f"; did you mean {close!r}?" if close else ""
            msg = f"[tool.noxkit] skip: no session {name!r}{hint} (known: {', '.join(known)})"
            raise ConfigError(msg, path=path)


_REGISTERED: ContextVar[Mapping[Path, Plan] | None] = ContextVar(
    "noxkit_registered_plans", default=None
)
"""Plans built by ``register`` (nox runs sessions in the context that loaded the noxfile), by
project root: ``load_plan`` inside a session returns the very plan the sessions were registered
with (same profile, same overrides). Replaced, never mutated."""


def remember(plan: Plan) -> None:
    """Record the plan ``register`` built, for :func:`load_plan`."""
    _REGISTERED.set({**(_REGISTERED.get() or {}), plan.config.root: plan})


def registered_plans() -> list[Plan]:
    """The plans ``register`` built in this process (one per project root)."""
    return list((_REGISTERED.get() or {}).values())


def load_plan(root: Path | str = ".") -> Plan:
    """The plan of the project in ``root``: the one ``register`` built, else read afresh."""
    resolved = Path(root).resolve()
    return (_REGISTERED.get() or {}).get(resolved) or build_plan(load_config(resolved))
