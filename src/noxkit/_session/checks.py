"""The check steps: ruff, mypy, pytest under coverage, the coverage report.

Public through :mod:`noxkit.steps`; each one a function ``(session, plan, ...) -> None``
that runs one tool from the session's environment (``external="error"``) and raises
:class:`noxkit.StepError` on a finding.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import time
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from nox.command import CommandFailed

from noxkit._errors import ConfigError, fail
from noxkit._formats.coverage import coverage_ini, project_coverage_config
from noxkit._formats.findings import (
    code_quality,
    detect_provider,
    github_annotation,
    junit_failures,
    merge_code_quality,
    mypy_findings,
)
from noxkit._formats.shards import shard_request
from noxkit._plan import commands
from noxkit._session.run import ensure_run
from noxkit._session.tools import run_command
from noxkit._util import atomic_write_text

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    import nox

    from noxkit._plan.plan import Plan

__all__ = ["coverage_report", "mypy", "pytest", "ruff_check", "ruff_format"]


def _code_quality_file(session: nox.Session, plan: Plan) -> Path:
    return plan.output_dir / "codequality" / f"{session.name}.json"


def ruff_check(
    session: nox.Session, plan: Plan, extra_args: Sequence[str] = (), *, fix: bool = False
) -> None:
    """``ruff check`` (with ``--fix`` in ``fmt``); extra arguments go to ruff.

    In CI, findings also go out in the provider's format first (GitHub annotations, a GitLab
    Code Quality report); the plain run that follows is the one that passes or fails.
    """
    command = commands.ruff_check(plan, fix=fix)
    provider = None if fix else detect_provider(os.environ)
    if provider == "github":
        session.run(
            *command, "--output-format=github", *extra_args, success_codes=[0, 1], external="error"
        )
    elif provider == "gitlab":
        report = _code_quality_file(session, plan)
        report.parent.mkdir(parents=True, exist_ok=True)
        report.unlink(missing_ok=True)
        session.run(
            *command,
            "--output-format=gitlab",
            f"--output-file={report}",
            *extra_args,
            success_codes=[0, 1],
            external="error",
        )
    run_command(session, plan, command, extra_args, external="error")


def ruff_format(
    session: nox.Session, plan: Plan, extra_args: Sequence[str] = (), *, check: bool = True
) -> None:
    """``ruff format --check`` (or ``ruff format`` to rewrite, in ``fmt``)."""
    command = commands.ruff_format(plan, check=check)
    run_command(session, plan, command, extra_args, external="error")


def mypy(session: nox.Session, plan: Plan, extra_args: Sequence[str] = ()) -> None:
    """mypy on the package, configured by the project's own mypy settings."""
    try:
        command = commands.mypy(plan)
    except ConfigError as exc:
        raise fail(session, str(exc)) from None
    provider = detect_provider(os.environ)
    if provider is None:
        run_command(session, plan, command, extra_args, external="error")
        return
    # In CI the output is read as well as shown, to turn each error into the provider's format.
    output = run_command(
        session, plan, command, extra_args, silent=True, success_codes=[0, 1], external="error"
    )
    text = output if isinstance(output, str) else ""
    sys.stdout.write(text)
    sys.stdout.flush()
    findings = mypy_findings(text)
    if provider == "github":
        for finding in findings:
            print(github_annotation(finding), flush=True)  # noqa: T201 - GitHub reads stdout
    else:
        report = _code_quality_file(session, plan)
        report.unlink(missing_ok=True)
        merge_code_quality(report, code_quality(findings, check="mypy"))
    if any(f.severity == "error" for f in findings) or "error:" in text:
        raise fail(session, f"mypy found {len(findings)} problem(s)")


def _write_coverage_rc(plan: Plan) -> Path:
    """Write the coverage configuration atomically (parallel runs write the same content)."""
    text = coverage_ini(
        project_coverage_config(plan.config.root, plan.config.pyproject),
        packages=plan.project.packages,
        subprocess=plan.config.settings.coverage.subprocess,
    )
    path = plan.coverage_rcfile
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)
    return path


def _count_tests(junit: Path) -> int | None:
    """Tests that ran according to a JUnit report (None when there is no readable report)."""
    try:
        root = ET.parse(junit).getroot()  # noqa: S314 - pytest wrote it just now, in this run
    except (OSError, ET.ParseError):
        return None
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    return sum(int(s.get("tests", "0")) for s in suites)


_SELECTING = ("-k", "-m", "--deselect")


def _selection(args: Sequence[str]) -> str:
    """The test selection in pytest's arguments (``-k parser``), shown as typed; "" if none."""
    shown: list[str] = []
    items = list(args)
    for index, arg in enumerate(items):
        if arg in _SELECTING and index + 1 < len(items):
            shown.append(shlex.join([arg, items[index + 1]]))
        elif arg.startswith(tuple(f"{flag}=" for flag in _SELECTING)) or (
            arg[:2] in {"-k", "-m"} and arg[2:]
        ):
            shown.append(shlex.quote(arg))
    return " ".join(f"`{s}`" for s in shown)


def pytest(session: nox.Session, plan: Plan, extra_args: Sequence[str] = ()) -> None:
    """pytest under coverage: maxfail, a JUnit report, and coverage data for this run only.

    A run that collected no test fails, unless ``[tool.noxkit.tests] allow-no-tests``: a green
    run that tested nothing is how broken test discovery slips through CI.
    """
    try:
        request = shard_request(extra_args, os.environ)
    except ValueError as exc:
        raise fail(session, str(exc)) from None
    run_name = session.name + request.suffix
    rcfile = _write_coverage_rc(plan)
    data_file = plan.coverage_file(run_name)
    shutil.rmtree(data_file.parent, ignore_errors=True)
    data_file.parent.mkdir(parents=True)
    junit = plan.junit_path(run_name)
    junit.parent.mkdir(parents=True, exist_ok=True)
    junit.unlink(missing_ok=True)
    env = {"COVERAGE_RCFILE": str(rcfile), "COVERAGE_FILE": str(data_file)}
    env |= request.plugin_env(os.environ)
    durations = plan.config.root / plan.config.settings.tests.durations_file
    try:
        run_command(
            session,
            plan,
            commands.pytest(plan),
            [*request.plugin_args(durations), *request.posargs],
            values={"session": run_name},
            env=env,
            success_codes=[0, 5],
            external="error",
        )
    except CommandFailed:
        if detect_provider(os.environ) == "github":
            for finding in junit_failures(junit, plan.config.root):
                print(github_annotation(finding), flush=True)  # noqa: T201 - GitHub reads stdout
        raise
    ran = _count_tests(junit)
    run = ensure_run(session, plan)
    if ran is not None:
        run.record.tests = (run.record.tests or 0) + ran
    if ran == 0 and not plan.config.settings.tests.allow_no_tests:
        selection = _selection([*plan.config.settings.tests.args, *request.posargs])
        if selection:
            msg = (
                f"the selection {selection} matched no test, so nothing ran; check the "
                "expression, or run without it"
            )
        else:
            msg = (
                "pytest collected no tests, so nothing was verified; fix test discovery, or "
                "set [tool.noxkit.tests] allow-no-tests = true"
            )
        raise fail(session, msg)
    session.log(f"JUnit report: {junit}")


def _age(path: Path) -> str:
    seconds = max(0.0, time.time() - path.stat().st_mtime)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count > 1 else ''} ago"
    return "just now"


def coverage_report(session: nox.Session, plan: Plan, extra_args: Sequence[str] = ()) -> None:
    """Combine every measured run's data, write XML/HTML, report, and enforce the floor."""
    data_dir = plan.coverage_data_dir
    runs = sorted(
        d for d in (data_dir.iterdir() if data_dir.is_dir() else []) if any(d.glob(".coverage*"))
    )
    if not runs:
        msg = (
            f"no coverage data in {data_dir}: run the tests first "
            "(`nox -s tests coverage`), which write it"
        )
        raise fail(session, msg)
    described = ", ".join(
        f"{d.name} ({_age(max(d.glob('.coverage*'), key=lambda p: p.stat().st_mtime))})"
        for d in runs
    )
    session.log(f"combining coverage of: {described}")
    rcfile = _write_coverage_rc(plan)
    env = {"COVERAGE_RCFILE": str(rcfile), "COVERAGE_FILE": str(plan.output_dir / ".coverage")}
    *steps, report = commands.coverage(plan)
    values = {"runs": [str(d) for d in runs]}
    for command in steps:
        run_command(session, plan, command, values=values, env=env, external="error")
    run_command(session, plan, report, extra_args, env=env, external="error")
