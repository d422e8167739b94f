"""``noxkit doctor``: what would run, with which settings from which layer, and what is wrong.

Built from the same plan the noxfile registers, so what it says is what nox will do.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from noxkit._config.schema import iter_keys
from noxkit._errors import ConfigError
from noxkit._formats.cores import (
    parse_python,
    pinned_version,
    plan_measuring,
    run_settings,
    select_core,
)
from noxkit._formats.header import coverage_line
from noxkit._plan import commands
from noxkit._plan.docs import find_docs
from noxkit._version import __version__

if TYPE_CHECKING:
    from noxkit._plan.plan import Plan

__all__ = ["Diagnosis", "diagnose", "found_values", "render"]


@dataclass(frozen=True)
class Diagnosis:
    """Everything doctor reports, ready for text or JSON."""

    project: str
    root: str
    profile: str | None
    sessions: list[dict[str, Any]]
    settings: list[dict[str, Any]]
    problems: list[str] = field(default_factory=list)
    coverage: dict[str, Any] = field(default_factory=dict)
    """Which Pythons measure, with which core and why, and which reports are written."""

    def as_json(self) -> dict[str, Any]:
        """The machine-readable form (``noxkit doctor --json``)."""
        return {
            "noxkit": __version__,
            "project": self.project,
            "root": self.root,
            "profile": self.profile,
            "sessions": self.sessions,
            "settings": self.settings,
            "problems": self.problems,
            "coverage": self.coverage,
        }


def _python_available(version: str) -> bool:
    """Whether ``pythonX.Y`` runs here (a pyenv shim exists even for unselected versions)."""
    exe = shutil.which(f"python{version}")
    if exe is None:
        return False
    try:
        probe = subprocess.run([exe, "-c", "pass"], capture_output=True, check=False, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0


def _jsonable(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def _lock_problems(plan: Plan) -> list[str]:
    """A stale lockfile, with the same line ``nox -s lock -- --check`` prints (no network)."""
    if not plan.lockfile.is_file():
        return []
    # Imported here: only projects with a lockfile pay for parsing it.
    from noxkit._formats import lock  # noqa: PLC0415

    changes = lock.stale_changes(plan, lock.load_lock(plan.lockfile))
    if changes is None:
        return []
    return [
        lock.stale_message(
            plan.config.settings.lock.path, changes, check_only=plan.config.settings.lock.check
        )
    ]


def diagnose(plan: Plan) -> Diagnosis:
    """Describe the plan and find the problems doctor can see without running anything."""
    problems = _problems(plan)
    coverage: dict[str, Any] = {}
    if "tests" not in plan.config.settings.skip:
        try:
            coverage = _coverage(plan)
        except ConfigError as exc:
            problems.append(exc.message)
    profile = plan.config.profile
    return Diagnosis(
        project=plan.project.name or plan.config.root.name,
        root=str(plan.config.root),
        profile=profile.label.removeprefix("profile ") if profile else None,
        sessions=_sessions(plan),
        settings=_settings(plan),
        problems=problems,
        coverage=coverage,
    )


def _sessions(plan: Plan) -> list[dict[str, Any]]:
    """Every session: its Pythons, what it installs, what it needs first, what it runs."""
    sessions = []
    for session in plan.sessions.values():
        python = session.python
        sessions.append(
            {
                "name": session.name,
                "default": session.default,
                "python": list(python) if isinstance(python, tuple) else python,
                "requirements": list(session.requirements),
                "installs_project": session.install_project,
                "installs_wheel": session.wheel,
                "installs_later": {s.name: list(s.requirements) for s in session.stages},
                "requires": list(session.requires),
                "commands": [list(c) for c in session.commands],
            }
        )
    return sessions


def _settings(plan: Plan) -> list[dict[str, Any]]:
    """Every setting with its value and the layer that set it (or what noxkit found)."""
    values: list[dict[str, Any]] = []
    found = found_values(plan)
    for dotted, _ in iter_keys():
        obj: Any = plan.config.settings
        for part in dotted.split("."):
            obj = getattr(obj, part.replace("-", "_"))
        origin = plan.config.origins.get(dotted, "default")
        if obj is None and dotted in found:
            obj, origin = found[dotted]
        values.append({"key": dotted, "value": _jsonable(obj), "layer": origin})
    return values


def _problems(plan: Plan) -> list[str]:
    """What would go wrong, seen from files alone: missing Pythons, test deps, package, lock."""
    settings = plan.config.settings
    project = plan.project
    problems: list[str] = []
    skipped = set(settings.skip)
    if "tests" not in skipped:
        problems.extend(
            f"Python {version} of the tests matrix ({project.python_source}) is not installed: "
            f"tests-{version} would be skipped locally and fail in CI"
            for version in project.pythons
            if not _python_available(version)
        )
        if not project.test_groups and not project.test_extras and not settings.tests.deps:
            hint = ""
            if project.dependency_groups:
                groups = ", ".join(f'"{g}"' for g in project.dependency_groups)
                hint = f"; if one of the groups {groups} holds them, set [tool.noxkit.tests] groups"
            problems.append(
                "no test dependencies found (no dependency group `test`/`tests`, no extra "
                "`test`/`tests`, no [tool.noxkit.tests] deps): tests installs only pytest and "
                f"coverage{hint}"
            )
    if "typecheck" not in skipped and settings.typecheck.paths is None and not project.packages:
        problems.append(
            "no package found to type-check: set [tool.noxkit] package or "
            "[tool.noxkit.typecheck] paths"
        )
    problems.extend(_lock_problems(plan))
    return problems


def _coverage(plan: Plan) -> dict[str, Any]:
    """How `tests` measures on each Python of the matrix, as the steps will decide it.

    The core is predicted from the matrix version and the pinned coverage.py (a recent one
    when not pinned); each run's log states the core that measured on the real interpreter.
    """
    settings = plan.config.settings
    measuring = plan_measuring(plan, os.environ)
    run = run_settings(plan)
    pinned = pinned_version(settings.tools.coverage)
    pythons = []
    for python in plan.project.pythons:
        entry: dict[str, Any] = {"python": python, "measures": measuring.measures(python)}
        if entry["measures"]:
            choice = select_core(
                parse_python(python), pinned, run, settings.coverage.core, os.environ
            )
            entry |= {"core": choice.core, "reason": choice.reason}
        else:
            entry |= {"core": None, "reason": measuring.reason}
        pythons.append(entry)
    xml, html = commands.coverage_reports(plan, os.environ)
    return {
        "measure": settings.coverage.measure,
        "reason": measuring.reason,
        "pythons": pythons,
        "reports": {"xml": xml, "html": html},
    }


def found_values(plan: Plan) -> dict[str, tuple[object, str]]:
    """What noxkit found for the settings left unset, and where it found it.

    Doctor shows these instead of a bare ``(automatic)``: the package, the Pythons, the test
    dependencies and the docs are what a new user checks first.
    """
    project = plan.project
    found: dict[str, tuple[object, str]] = {}
    layout = ", ".join(project.package_paths) or "nothing found"
    found["package"] = (list(project.packages), f"found: the project layout ({layout})")
    found["python"] = (list(project.pythons), f"found: {project.python_source}")
    found["typecheck.paths"] = (list(project.package_paths), "found: the package folders")
    found["typecheck.python"] = ("the Python running nox", "found: nox")
    groups = ", ".join(project.dependency_groups) or "none"
    found["tests.groups"] = (
        list(project.test_groups),
        f"found: [dependency-groups] named test/tests (defined: {groups})",
    )
    found["tests.extras"] = (
        list(project.test_extras),
        "found: extras named test/tests, when no group matched",
    )
    site = find_docs(plan.config)
    root = plan.config.root
    if site is None:
        found["docs.config"] = ("none", "found: no mkdocs.yml or Sphinx conf.py")
    else:
        where = site.config_file.relative_to(root).as_posix()
        found["docs.config"] = (where, f"found: {site.generator}")
        found["docs.output-dir"] = (
            site.output_dir.relative_to(root).as_posix(),
            f"found: {site.generator}'s default",
        )
    found["release.branch"] = (
        "the repository's default branch",
        "found: git, when release runs",
    )
    return found


def _python_text(python: object) -> str:
    if python is None:
        return "nox's Python"
    if isinstance(python, list):
        return ", ".join(python)
    return str(python)


def render(diagnosis: Diagnosis) -> str:
    """The human-readable report."""
    lines = [f"noxkit {__version__}: {diagnosis.project} ({diagnosis.root})"]
    lines.append(f"profile: {diagnosis.profile or 'none'}")
    lines.append("\nsessions:")
    for session in diagnosis.sessions:
        when = "default" if session["default"] else "on request"
        lines.append(f"  {session['name']} ({when}; {_python_text(session['python'])})")
        if session["requirements"]:
            lines.append(f"    installs: {' '.join(session['requirements'])}")
        if session["installs_wheel"]:
            lines.append("    installs: the built wheel, with its dependencies")
        elif session["installs_project"]:
            lines.append("    installs: the project")
        lines.extend(
            f"    installs later ({stage}): {' '.join(requirements)}"
            for stage, requirements in session["installs_later"].items()
        )
        lines.extend(f"    runs: {' '.join(command)}" for command in session["commands"])
    coverage = diagnosis.coverage
    if coverage:
        lines.append(f"\ncoverage ({coverage['reason']}):")
        for entry in coverage["pythons"]:
            core, reason = entry["core"], entry["reason"]
            line = coverage_line(core, reason, entry["python"]).removeprefix("coverage: ")
            lines.append(f"  tests-{entry['python']}: {line}")
        reports = [name for name, wanted in coverage["reports"].items() if wanted]
        written = " and ".join(reports) if reports else "no XML or HTML (-- --xml / --html)"
        lines.append(f"  the coverage session writes: {written}, then the report")
    lines.append("\nconfiguration (value, then the layer that set it):")
    width = max(len(item["key"]) for item in diagnosis.settings)
    for item in diagnosis.settings:
        value = item["value"]
        shown = "none" if value is None else json.dumps(value)
        lines.append(f"  {item['key']:<{width}} = {shown}  [{item['layer']}]")
    if diagnosis.problems:
        lines.append(f"\nproblems ({len(diagnosis.problems)}):")
        lines.extend(f"  - {problem}" for problem in diagnosis.problems)
    else:
        lines.append("\nno problems found")
    return "\n".join(lines)
