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
from pathlib import Path
from typing import TYPE_CHECKING

from nox.command import CommandFailed

from noxkit._errors import ConfigError, fail
from noxkit._formats.cores import (
    parse_python,
    plan_measuring,
    run_settings,
    select_core,
    version_of,
)
from noxkit._formats.coverage import (
    combine_inputs,
    coverage_ini,
    project_coverage_config,
    single_data_file,
)
from noxkit._formats.coverage_data import measured_files
from noxkit._formats.coverage_runs import mark_finished, refusal, unfinished_runs
from noxkit._formats.envs import scan_dist_info
from noxkit._formats.findings import (
    code_quality,
    detect_provider,
    github_annotation,
    junit_failures,
    merge_code_quality,
    mypy_findings,
)
from noxkit._formats.header import coverage_line, venv_python
from noxkit._formats.shards import shard_request
from noxkit._plan import commands
from noxkit._session import noxapi
from noxkit._session.coverage_tooling import pytest_cov_args
from noxkit._session.run import ensure_run
from noxkit._session.tools import run_command
from noxkit._util import atomic_write_text

if TYPE_CHECKING:
    from collections.abc import Sequence

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


def _coverage_rc_text(plan: Plan) -> str:
    return coverage_ini(
        project_coverage_config(plan.config.root, plan.config.pyproject),
        packages=plan.project.packages,
        subprocess=plan.config.settings.coverage.subprocess,
    )


def _write_coverage_rc(plan: Plan) -> Path:
    """Write the coverage configuration atomically (parallel runs write the same content)."""
    path = plan.coverage_rcfile
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, _coverage_rc_text(plan))
    return path


def _count_tests(junit: Path) -> int | None:
    """Tests that ran according to a JUnit report (None when there is no readable report)."""
    try:
        root = ET.parse(junit).getroot()  # noqa: S314 - pytest wrote it just now, in this run
    except (OSError, ET.ParseError):
        return None
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    return sum(int(s.get("tests", "0")) for s in suites)


def _coverage_version(session: nox.Session, plan: Plan) -> str | None:
    """The coverage.py installed in the session's environment (from its record, else files)."""
    lease = ensure_run(session, plan).lease
    installed = lease.installed if lease is not None else []
    location = getattr(noxapi.venv_of(session), "location", None)
    if not installed and location:
        installed = scan_dist_info(Path(location))
    versions = {name.lower().replace("_", "-"): version for name, version in installed}
    return versions.get("coverage")


def _log_header_line(session: nox.Session, plan: Plan, line: str) -> None:
    """Log a line that belongs to the version header, and keep it in the run's record."""
    session.log(line)
    ensure_run(session, plan).record.header.append(line)


def _coverage_env(session: nox.Session, plan: Plan, data_file: Path) -> tuple[bool, dict[str, str]]:
    """Whether this run measures, and the environment it measures with; logs which core.

    The core goes in ``COVERAGE_CORE`` of this run, not in the shared rc file: runs of
    several Pythons share that file, and the core differs between them.
    """
    try:
        measuring = plan_measuring(plan, os.environ)
    except ConfigError as exc:
        raise fail(session, str(exc)) from None
    python = session.python if isinstance(session.python, str) else None
    if not measuring.measures(python):
        _log_header_line(session, plan, coverage_line(None, measuring.reason, python))
        return False, {}
    location = getattr(noxapi.venv_of(session), "location", None)
    interpreter = parse_python(venv_python(location)[1]) or parse_python(python)
    settings = plan.config.settings.coverage
    choice = select_core(
        interpreter,
        version_of(_coverage_version(session, plan)),
        run_settings(plan),
        settings.core,
        os.environ,
    )
    _log_header_line(session, plan, coverage_line(choice.core, choice.reason))
    data_file.parent.mkdir(parents=True)
    rcfile = _write_coverage_rc(plan)
    return True, {
        "COVERAGE_RCFILE": str(rcfile),
        "COVERAGE_FILE": str(data_file),
        **choice.env,
    }


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

    Measured with the core :func:`noxkit._formats.cores.select_core` picks, or not at all on a
    Python that ``[tool.noxkit.coverage] measure`` leaves out (plain pytest, no data).

    A run that collected no test fails, unless ``[tool.noxkit.tests] allow-no-tests``: a green
    run that tested nothing is how broken test discovery slips through CI.
    """
    try:
        request = shard_request(extra_args, os.environ)
    except ValueError as exc:
        raise fail(session, str(exc)) from None
    run_name = session.name + request.suffix
    data_file = plan.coverage_file(run_name)
    # A run that does not measure leaves no data either: an earlier run's would be stale.
    shutil.rmtree(data_file.parent, ignore_errors=True)
    measure, env = _coverage_env(session, plan, data_file)
    junit = plan.junit_path(run_name)
    junit.parent.mkdir(parents=True, exist_ok=True)
    junit.unlink(missing_ok=True)
    env |= request.plugin_env(os.environ)
    durations = plan.config.root / plan.config.settings.tests.durations_file
    cov_args = pytest_cov_args(session, plan)
    try:
        run_command(
            session,
            plan,
            commands.pytest(plan, measure=measure),
            [*cov_args, *request.plugin_args(durations), *request.posargs],
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
    if not measure:
        session.log(f"JUnit report: {junit}")
        return
    if ran != 0 and not measured_files(data_file.parent.glob(".coverage*")):
        # A warning here (a run of a few selected tests may import nothing measured); the
        # `coverage` session refuses to report a total from it.
        session.warn(
            f"no coverage data was collected in {run_name}: coverage measured no file of "
            f"{', '.join(plan.project.packages) or 'the project'}; the tests must import the "
            "installed package (check [tool.coverage.run] source)"
        )
    mark_finished(data_file.parent, run_name)  # last: only now is the data whole
    session.log(f"JUnit report: {junit}")


def _age(path: Path) -> str:
    seconds = max(0.0, time.time() - path.stat().st_mtime)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count > 1 else ''} ago"
    return "just now"


def _refuse_unfinished(session: nox.Session, runs: Sequence[Path]) -> None:
    """Fail, naming them, when any run's data is from a run that did not finish successfully.

    Why refuse rather than have the interrupted run clean up: see
    :mod:`noxkit._formats.coverage_runs`.
    """
    message = refusal(unfinished_runs(runs))
    if message is not None:
        raise fail(session, message)


def coverage_report(session: nox.Session, plan: Plan, extra_args: Sequence[str] = ()) -> None:
    """Combine every measured run's data, write XML/HTML, report, and enforce the floor."""
    data_dir = plan.coverage_data_dir
    runs = sorted(
        d for d in (data_dir.iterdir() if data_dir.is_dir() else []) if any(d.glob(".coverage*"))
    )
    if not runs:
        msg = (
            f"no coverage data in {data_dir}: run the tests first "
            f"(`nox -s tests coverage`), which write it{_measuring_hint(plan)}"
        )
        raise fail(session, msg)
    _refuse_unfinished(session, runs)
    described = ", ".join(
        f"{d.name} ({_age(max(d.glob('.coverage*'), key=lambda p: p.stat().st_mtime))})"
        for d in runs
    )
    if not measured_files(f for d in runs for f in d.glob(".coverage*")):
        msg = (
            f"no coverage data was collected: the data of {', '.join(d.name for d in runs)} "
            "measured no file, so there is no total to report; run `nox -s tests` again"
        )
        raise fail(session, msg)
    session.log(f"combining coverage of: {described}")
    rcfile = _write_coverage_rc(plan)
    combined = plan.output_dir / ".coverage"
    env = {"COVERAGE_RCFILE": str(rcfile), "COVERAGE_FILE": str(combined)}
    asked = [a for a in extra_args if a in commands.COVERAGE_REPORT_FLAGS]
    report_args = [a for a in extra_args if a not in commands.COVERAGE_REPORT_FLAGS]
    combine, *writers, report = commands.coverage(plan, os.environ, asked)
    values = {"runs": [str(d) for d in runs]}
    # Combining again what was combined last time writes the same data: skip it.
    stamp = plan.output_dir / "combined-inputs.sha256"
    inputs = combine_inputs(runs, _coverage_rc_text(plan))
    project_config = project_coverage_config(plan.config.root, plan.config.pyproject)
    if combined.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == inputs:
        session.log(f"coverage data unchanged since the last combine: reporting {combined}")
    elif (single := single_data_file(runs, project_config)) is not None:
        stamp.unlink(missing_ok=True)
        _copy_atomic(single, combined)
        atomic_write_text(stamp, inputs)
        session.log(
            f"one measured run ({single.parent.name}): its data is the combined data "
            "(copied; no `coverage combine` needed)"
        )
    else:
        stamp.unlink(missing_ok=True)
        run_command(session, plan, combine, values=values, env=env, external="error")
        atomic_write_text(stamp, inputs)
    for command in writers:
        run_command(session, plan, command, values=values, env=env, external="error")
    run_command(session, plan, report, report_args, env=env, external="error")


def _copy_atomic(source: Path, target: Path) -> None:
    """Copy ``source`` over ``target`` so a reader sees the old file or the new, never half."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, partial)
    partial.replace(target)


def _measuring_hint(plan: Plan) -> str:
    """Where the tests matrix leaves some Pythons unmeasured, which ones do measure."""
    try:
        measuring = plan_measuring(plan, os.environ)
    except ConfigError:
        return ""
    if not measuring.skipped or not measuring.pythons:
        return ""
    runs = " ".join(f"tests-{p}" for p in measuring.pythons)
    return f"; only {runs} measure ({measuring.reason})"
