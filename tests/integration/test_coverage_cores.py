"""sys.monitoring measures what the C tracer does: same totals, subprocesses included."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.integration


def _has_python(version: str) -> bool:
    """Whether pythonX.Y runs (a pyenv shim exists even for versions not selected)."""
    exe = shutil.which(f"python{version}")
    if exe is None:
        return False
    probe = subprocess.run([exe, "-c", "pass"], capture_output=True, check=False)
    return probe.returncode == 0


def _total(output: str) -> str:
    """The TOTAL line of `coverage report`, whitespace normalised."""
    line = next(ln for ln in output.splitlines() if ln.startswith("TOTAL"))
    return " ".join(line.split())


def _measure_twice(project, python: str) -> tuple[str, str]:
    """Run tests and coverage with noxkit's choice, then with the C tracer; both TOTAL lines."""
    debug = project.path / "coverage-debug.txt"
    chosen = project.nox(
        "-s",
        f"tests-{python}",
        "coverage",
        env={"COVERAGE_DEBUG": "core", "COVERAGE_DEBUG_FILE": str(debug)},
    )
    assert chosen.returncode == 0, chosen
    assert "measured by sys.monitoring (core sysmon)" in chosen.output, chosen
    # coverage.py's own account, from every process that measured (the subprocess too).
    cores = set(re.findall(r"Using core=(\w+)", debug.read_text(encoding="utf-8")))
    assert cores == {"sysmon"}, debug.read_text(encoding="utf-8")
    # cli.py only ever runs in a child process of the tests: measured there too.
    cli = next(ln for ln in chosen.output.splitlines() if "srcpkg/cli.py" in ln)
    assert "100%" in cli, chosen
    ctrace = project.nox(
        "-R",
        "-s",
        f"tests-{python}",
        "coverage",
        env={"NOXKIT_SET": 'coverage.core="ctrace"'},
    )
    assert ctrace.returncode == 0, ctrace
    assert "measured by the C tracer (core ctrace)" in ctrace.output, ctrace
    return _total(chosen.output), _total(ctrace.output)


@pytest.mark.skipif(
    not (_has_python("3.11") and _has_python("3.12")),
    reason="needs CPython 3.11 and 3.12 on PATH (.ci/run selects them with pyenv)",
)
def test_sysmon_totals_equal_the_c_tracers_and_311_runs_plain_pytest(make_project):
    """Locally 3.12 measures with sysmon, 3.11 runs plain pytest; totals equal the C tracer's."""
    project = make_project("src-clean")
    project.append("pyproject.toml", '\n[tool.noxkit]\npython = ["3.11", "3.12"]\n')
    run = project.nox("-s", "tests-3.11")
    assert run.returncode == 0, run
    assert "coverage: not measured on Python 3.11, plain pytest" in run.output, run
    assert re.search(r"nox > python -m pytest --maxfail=1 --junitxml=", run.output), run
    assert not (project.path / ".nox/noxkit/coverage/tests-3.11").exists()
    sysmon, ctrace = _measure_twice(project, "3.12")
    assert sysmon == ctrace
    assert sysmon.endswith("100%"), sysmon


@pytest.mark.skipif(
    not _has_python("3.14"),
    reason="branch coverage under sys.monitoring needs CPython 3.14 (not on this machine)",
)
def test_sysmon_branch_totals_equal_the_c_tracers(make_project):
    """With branch coverage on 3.14, sysmon's totals (branches too) equal the C tracer's."""
    project = make_project("src-clean")
    project.append(
        "pyproject.toml",
        '\n[tool.noxkit]\npython = ["3.14"]\n[tool.coverage.run]\nbranch = true\n',
    )
    sysmon, ctrace = _measure_twice(project, "3.14")
    assert sysmon == ctrace
