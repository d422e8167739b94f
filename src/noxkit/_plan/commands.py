"""Every tool command line a standard session runs, built in one place. Pure.

``noxkit doctor`` shows these and the steps run them, so what doctor says is what runs. A
command is a tuple of arguments in which ``{name}`` placeholders stand for what only the run
knows: ``{session}`` (the session's full name, ``tests-3.12``), ``{python}`` (the environment's
interpreter), ``{artifacts}`` (the built files), ``{runs}`` (the coverage data folders),
``{script}`` (each console script), ``{smoke-dir}`` (smoke's temporary folder). The run report
records each command with only ``{session}`` filled in, so doctor's command rendered with the
session's name is exactly the report's.
"""

from __future__ import annotations

import os
import shlex
from typing import TYPE_CHECKING, Protocol, TypeAlias

from noxkit._errors import ConfigError
from noxkit._util import in_ci

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from noxkit._config.schema import Config
    from noxkit._plan.project import Project


class Plan(Protocol):
    """What the builder reads of a plan (``noxkit.Plan``; the plan module imports this one)."""

    @property
    def config(self) -> Config: ...
    @property
    def project(self) -> Project: ...
    @property
    def output_dir(self) -> Path: ...
    @property
    def build_staging(self) -> Path: ...
    def junit_path(self, session_name: str) -> Path: ...
    def profile_tool_config(self, tool: str) -> Path | None: ...


__all__ = [
    "COVERAGE_REPORT_FLAGS",
    "Command",
    "build_frontend",
    "coverage",
    "coverage_reports",
    "lock_compile",
    "mypy",
    "pytest",
    "render",
    "ruff_check",
    "ruff_format",
    "smoke",
    "smoke_entry_point",
    "smoke_pytest",
    "smoke_typecheck",
    "twine_check",
    "uses_uv_build",
]

Command: TypeAlias = tuple[str, ...]


def render(command: Sequence[str], values: Mapping[str, str | Sequence[str]]) -> list[str]:
    """Fill in the placeholders named in ``values``; the others stay as they are.

    An argument that is exactly ``{name}`` with a list value becomes that many arguments
    (``{artifacts}`` -> the wheel and the sdist); a string value is substituted anywhere.
    """
    out: list[str] = []
    for arg in command:
        whole = values.get(arg[1:-1]) if arg.startswith("{") and arg.endswith("}") else None
        if whole is not None and not isinstance(whole, str):
            out.extend(whole)
            continue
        for key, value in values.items():
            if isinstance(value, str):
                arg = arg.replace("{" + key + "}", value)  # noqa: PLW2901 - filled in place
        out.append(arg)
    return out


def _ruff_config(plan: Plan) -> list[str]:
    path = plan.profile_tool_config("ruff")
    return ["--config", str(path)] if path else []


def ruff_check(plan: Plan, *, fix: bool = False) -> Command:
    """``ruff check`` over the configured paths (``--fix`` in ``fmt``)."""
    fix_flag = ["--fix"] if fix else []
    return ("ruff", "check", *_ruff_config(plan), *fix_flag, *plan.config.settings.lint.paths)


def ruff_format(plan: Plan, *, check: bool) -> Command:
    """``ruff format`` (``--check`` in ``lint``) over the configured paths."""
    flags = ["--check"] if check else []
    return ("ruff", "format", *_ruff_config(plan), *flags, *plan.config.settings.lint.paths)


def mypy(plan: Plan) -> Command:
    """``mypy`` on the package, or on the configured paths; ConfigError when there is none."""
    typecheck = plan.config.settings.typecheck
    paths = typecheck.paths if typecheck.paths is not None else plan.project.package_paths
    if not paths:
        msg = (
            "noxkit found no package to type-check; set [tool.noxkit] package = "
            "'<import name>' or [tool.noxkit.typecheck] paths"
        )
        raise ConfigError(msg, path=str(plan.config.root / "pyproject.toml"))
    profile_config = plan.profile_tool_config("mypy")
    config = ["--config-file", str(profile_config)] if profile_config else []
    return ("mypy", *config, *typecheck.args, *paths)


def pytest(plan: Plan, *, measure: bool = True) -> Command:
    """pytest under ``coverage run``, with maxfail and a JUnit report named after the run.

    A run on a Python that does not measure (``[tool.noxkit.coverage] measure``) is the same
    pytest without coverage: ``python -m pytest``, from the session's environment.
    """
    tests = plan.config.settings.tests
    maxfail = [f"--maxfail={tests.maxfail}"] if tests.maxfail else []
    junit = f"--junitxml={plan.junit_path('{session}')}"
    runner = ("coverage", "run", "-m") if measure else ("python", "-m")
    return (*runner, "pytest", *maxfail, junit, *tests.args)


COVERAGE_REPORT_FLAGS = ("--xml", "--html")
"""Arguments of the ``coverage`` session that ask for a report noxkit does not write by
default (``nox -s coverage --no-dependencies -- --html``); every other argument goes to
``coverage report``."""


def coverage_reports(
    plan: Plan, environ: Mapping[str, str] | None = None, asked: Sequence[str] = ()
) -> tuple[bool, bool]:
    """Whether the ``coverage`` session writes the XML and the HTML report.

    Each is written where something reads it: a setting of true (or false) decides; unset,
    in CI (the XML for the provider's tools, the HTML as an artifact) or when asked with
    ``--xml``/``--html``. Locally nobody opens them after every run, and they cost more than
    the report itself (on the bench sample, HTML 1 s of CPU, XML 0.9 s, the report 0.7 s).
    """
    cov = plan.config.settings.coverage
    ci = in_ci(os.environ if environ is None else environ)

    def wanted(setting: bool | None, flag: str) -> bool:
        return setting if setting is not None else ci or flag in asked

    return wanted(cov.xml, "--xml"), wanted(cov.html, "--html")


def coverage(
    plan: Plan, environ: Mapping[str, str] | None = None, asked: Sequence[str] = ()
) -> tuple[Command, ...]:
    """Combine every run's data, write XML and HTML where wanted, then report (and the floor).

    The report comes last so a coverage floor failure still leaves the XML and HTML that CI
    uploads. ``environ`` and ``asked`` decide the reports (:func:`coverage_reports`).
    """
    xml, html = coverage_reports(plan, environ, asked)
    commands: list[Command] = [("coverage", "combine", "--keep", "--quiet", "{runs}")]
    if xml:
        commands.append(("coverage", "xml", "-o", str(plan.output_dir / "coverage.xml")))
    if html:
        commands.append(("coverage", "html", "-d", str(plan.output_dir / "htmlcov")))
    cov = plan.config.settings.coverage
    floor = [] if cov.fail_under is None else [f"--fail-under={cov.fail_under:g}"]
    commands.append(("coverage", "report", *floor))
    return tuple(commands)


def uses_uv_build(backend: str) -> bool:
    """Whether ``build`` builds with ``uv build`` (uv environments) or pypa/build."""
    return backend.split("|", maxsplit=1)[0].strip() == "uv"


def build_frontend(plan: Plan, backend: str) -> Command:
    """The isolated PEP 517 build into the staging folder; ``backend`` is the environment's.

    With uv environments uv builds (nox's own uv, so ``uv`` runs from outside the
    environment); otherwise pypa/build, installed into the environment.
    """
    settings = plan.config.settings
    both = [] if settings.build.build_from_sdist else ["--sdist", "--wheel"]
    out, root = str(plan.build_staging), str(plan.config.root)
    if uses_uv_build(backend):
        return ("uv", "build", "--python", "{python}", "--out-dir", out, *both, root)
    return ("python", "-m", "build", "--outdir", out, *both, root)


def twine_check(plan: Plan) -> Command:
    """``twine check`` on the built artifacts, ``--strict`` when ``twine-strict`` says so."""
    strict = ("--strict",) if plan.config.settings.build.twine_strict else ()
    return ("twine", "check", *strict, "{artifacts}")


def smoke_entry_point(plan: Plan) -> Command | None:
    """Each console script with ``entry-point-args``, unless ``commands`` replace them."""
    settings = plan.config.settings.smoke
    if settings.commands is not None or not settings.entry_point_args:
        return None
    return ("{script}", *settings.entry_point_args)


def smoke_typecheck(plan: Plan) -> Command | None:
    """mypy outside the checkout on a probe importing every package that ships ``py.typed``."""
    if not plan.config.settings.smoke.typecheck:
        return None
    return (
        "mypy", "--strict", "--config-file=", "--cache-dir={smoke-dir}/.mypy_cache",
        "{smoke-dir}/noxkit_smoke_types.py",
    )  # fmt: skip


def smoke_pytest(plan: Plan) -> Command | None:
    """The test suite against the installed wheel (``[tool.noxkit.smoke] tests``)."""
    settings = plan.config.settings
    if not settings.smoke.tests:
        return None
    return (
        "python", "-I", "-m", "pytest", "-p", "no:cacheprovider", *settings.tests.args,
        *settings.smoke.test_paths,
    )  # fmt: skip


def smoke(plan: Plan) -> tuple[Command, ...]:
    """What ``smoke`` runs against the installed artifact, in order.

    The configured commands (split like a shell, as they run), or each console script; then
    the types check and the tests where enabled. The import and entry-point probes are
    noxkit's own scripts, not commands, and are not listed.
    """
    configured = tuple(tuple(shlex.split(c)) for c in plan.config.settings.smoke.commands or ())
    optional = (smoke_entry_point(plan), smoke_typecheck(plan), smoke_pytest(plan))
    return (*configured, *(c for c in optional if c is not None))


def lock_compile(plan: Plan, *, joint: bool) -> Command:
    """``uv pip compile`` of one set: universal, hashed, no header.

    The joint resolution of everything takes the ``--upgrade`` flags; each set is then
    resolved under the joint pins (``-c {constraints}``).
    """
    exclude_newer = plan.config.settings.lock.exclude_newer
    return (
        "uv", "pip", "compile", "{input}", "--output-file", "{output}", "--universal",
        "--generate-hashes", "--no-header", "--no-annotate", "--no-config",
        "--no-python-downloads", "--quiet", "--python-version", "{python-version}",
        *(("{upgrade}",) if joint else ("-c", "{constraints}")),
        *(("--exclude-newer", exclude_newer) if exclude_newer else ()),
    )  # fmt: skip
