"""The core sessions on real fixture projects: real nox, real uv, real ruff, mypy and pytest."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.integration

PIPELINE = ("-s", "lint", "typecheck", "tests", "coverage")


class TestCleanProjects:
    def test_src_layout_passes_the_default_pipeline(self, make_project):
        """Plain `nox` on a clean src-layout project, unconfigured, runs and passes lint,
        typecheck, tests and coverage, and nothing else."""
        project = make_project("src-clean")
        run = project.nox()
        assert run.returncode == 0, run
        for name in ("fmt", "build", "smoke", "lock", "docs", "release"):
            assert f"Running session {name}" not in run.output, name
        for session in ("lint", "typecheck", "coverage"):
            assert f"Session {session} was successful" in run.output, run
        assert re.search(r"Session tests-3\.\d+ was successful", run.output), run
        assert "4 passed" in run.output, run
        assert "mypy src/srcpkg" in run.output, run
        assert "TOTAL" in run.output, run

    def test_version_header_opens_every_session(self, make_project):
        """Each session logs noxkit, nox, Python path and version, platform and tool versions."""
        project = make_project("src-clean")
        run = project.nox("-s", "lint")
        assert run.returncode == 0, run
        assert re.search(r"noxkit \S+, nox \S+, session lint", run.output), run
        assert re.search(r"python: CPython 3\.\d+\.\d+ at \S+/\.nox/lint/bin/python", run.output)
        assert "platform: " in run.output, run
        assert re.search(r"tools: ruff \d+\.\d+", run.output), run
        assert "git: not a git checkout" in run.output, run

    def test_header_names_the_git_revision(self, make_project):
        """In a git checkout the header shows the revision, the branch and a dirty tree."""
        project = make_project("src-clean")
        git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
        for args in (["init", "-q", "-b", "trunk"], ["add", "-A"], ["commit", "-qm", "init"]):
            subprocess.run([*git, *args], cwd=project.path, check=True)
        sha = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=project.path,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        run = project.nox("-s", "lint")
        assert f"git: {sha} (trunk)" in run.output, run
        project.append("src/srcpkg/calc.py", "\n")
        run = project.nox("-s", "lint")
        assert f"git: {sha} (trunk, dirty)" in run.output, run

    def test_header_never_prints_secrets(self, make_project):
        """Secret-looking values and passwords in index URLs are redacted in the header."""
        project = make_project("src-clean")
        env = {
            "UV_PUBLISH_TOKEN": "tok-9f8e7d6c",
            "PIP_INDEX_URL": "https://alice:hunter2@pypi.org/simple",
        }
        run = project.nox("-s", "lint", env=env)
        assert run.returncode == 0, run
        assert "tok-9f8e7d6c" not in run.output, run
        assert "hunter2" not in run.output, run
        assert "UV_PUBLISH_TOKEN=***" in run.output, run
        assert "PIP_INDEX_URL=https://***@pypi.org/simple" in run.output, run

    def test_flat_layout_with_test_extra_passes(self, make_project):
        """A setuptools flat-layout project with a `tests` extra passes the pipeline."""
        project = make_project("flat-clean")
        run = project.nox(*PIPELINE)
        assert run.returncode == 0, run
        assert "mypy flatpkg" in run.output, run
        assert "1 passed" in run.output, run
        assert "-e '.[tests]'" in run.output or "-e .[tests]" in run.output, run

    def test_virtualenv_backend(self, make_project):
        """With venv-backend = "virtualenv", environments are built by virtualenv and pip."""
        project = make_project("src-clean")
        project.append("pyproject.toml", '\n[tool.noxkit]\nvenv-backend = "virtualenv"\n')
        run = project.nox("-s", "lint", "tests")
        assert run.returncode == 0, run
        assert re.search(r"python: CPython 3\.\d+\.\d+ at .* \(backend virtualenv\)", run.output)
        assert "python -m pip install" in run.output, run
        assert "4 passed" in run.output, run


class TestTests:
    def test_writes_junit_and_measures_subprocesses(self, make_project):
        """tests writes JUnit XML per run, and coverage counts code run in a subprocess."""
        project = make_project("src-clean")
        project.append("pyproject.toml", "\n[tool.noxkit.coverage]\nxml = true\nhtml = true\n")
        run = project.nox("-s", "tests", "coverage")
        assert run.returncode == 0, run
        junits = list((project.path / ".nox/noxkit/junit").glob("tests-*.xml"))
        assert len(junits) == 1, run
        suite = ET.parse(junits[0]).getroot().find("testsuite")
        assert suite is not None
        assert suite.get("tests") == "4"
        # cli.py is only ever executed by a child process of the tests.
        line = next(ln for ln in run.output.splitlines() if "srcpkg/cli.py" in ln)
        assert "100%" in line, run
        assert (project.path / ".nox/noxkit/coverage.xml").is_file()
        assert (project.path / ".nox/noxkit/htmlcov/index.html").is_file()

    def test_maxfail_stops_after_the_first_failure(self, make_project):
        """Three failing tests with maxfail = 1 stop after the first."""
        project = make_project("src-clean")
        project.write(
            "tests/test_broken.py",
            "def test_a():\n    assert 1 == 2\n\n\n"
            "def test_b():\n    assert 1 == 3\n\n\n"
            "def test_c():\n    assert 1 == 4\n",
        )
        project.append("pyproject.toml", "\n[tool.noxkit.tests]\nmaxfail = 1\n")
        run = project.nox("-s", "tests")
        assert run.returncode == 1, run
        assert "stopping after 1 failures" in run.output, run
        assert "1 failed" in run.output, run
        assert "3 failed" not in run.output, run

    def test_posargs_override_maxfail(self, make_project):
        """Arguments after `--` reach pytest and win over the configured maxfail."""
        project = make_project("src-clean")
        project.write(
            "tests/test_broken.py",
            "def test_a():\n    assert 0\n\n\ndef test_b():\n    assert 0\n",
        )
        run = project.nox("-s", "tests", "--", "--maxfail=5")
        assert run.returncode == 1, run
        assert "2 failed" in run.output, run

    def test_no_tests_collected_fails(self, make_project):
        """A run that collected no test fails with a message saying how to allow it."""
        project = make_project("src-clean")
        shutil.rmtree(project.path / "tests")
        project.write("tests/test_nothing.py", "# no tests yet\n")
        run = project.nox("-s", "tests")
        assert run.returncode == 1, run
        assert "pytest collected no tests" in run.output, run
        assert "allow-no-tests = true" in run.output, run

    def test_no_tests_allowed_by_config(self, make_project):
        """allow-no-tests lets an empty run pass."""
        project = make_project("src-clean")
        shutil.rmtree(project.path / "tests")
        project.append("pyproject.toml", "\n[tool.noxkit.tests]\nallow-no-tests = true\n")
        run = project.nox("-s", "tests")
        assert run.returncode == 0, run
        assert re.search(r"no tests ran|collected 0 items", run.output), run
        assert "pytest collected no tests" not in run.output, run


class TestFindings:
    def test_lint_error_names_file_and_line(self, make_project):
        """A seeded unused import fails lint, naming the file and the line."""
        project = make_project("src-clean")
        project.replace(
            "src/srcpkg/calc.py",
            '"""Arithmetic helpers."""\n',
            '"""Arithmetic helpers."""\n\nimport os\n',
        )
        run = project.nox("-s", "lint")
        assert run.returncode == 1, run
        assert "F401" in run.output, run
        assert re.search(r"src/srcpkg/calc\.py:3:8", run.output), run
        assert "Session lint failed" in run.output, run

    def test_format_drift_fails_lint(self, make_project):
        """Unformatted code fails lint's `ruff format --check`; fmt fixes it."""
        project = make_project("src-clean")
        project.replace("src/srcpkg/calc.py", "return a + b", "return a+b")
        run = project.nox("-s", "lint")
        assert run.returncode == 1, run
        assert "would be reformatted" in run.output, run
        assert "src/srcpkg/calc.py" in run.output, run
        assert project.run_documented("nox -s fmt").returncode == 0
        assert "return a + b" in project.read("src/srcpkg/calc.py")
        assert project.nox("-s", "lint").returncode == 0

    def test_type_error_names_file_and_line(self, make_project):
        """A seeded type error fails typecheck, naming the file and the line."""
        project = make_project("src-clean")
        project.append("src/srcpkg/calc.py", '\n\ndef broken() -> int:\n    return "no"\n')
        run = project.nox("-s", "typecheck")
        assert run.returncode == 1, run
        assert re.search(r"src/srcpkg/calc\.py:\d+: error: Incompatible return value", run.output)

    def test_fail_under_above_real_coverage_fails(self, make_project):
        """A coverage floor above the measured total fails the coverage session."""
        project = make_project("src-clean")
        project.append(
            "src/srcpkg/calc.py",
            '\n\ndef unused(x: int) -> int:\n    """Never called."""\n    return x * 2\n',
        )
        project.append("pyproject.toml", "\n[tool.noxkit.coverage]\nfail-under = 100\n")
        run = project.nox("-s", "tests", "coverage", env={"CI": "true"})
        assert run.returncode == 1, run
        assert re.search(
            r"Coverage failure: total of \d+(\.\d+)? is less than fail-under=100", run.output
        )
        # The reports CI uploads are written even when the floor fails.
        assert (project.path / ".nox/noxkit/coverage.xml").is_file()

    def test_coverage_without_data_fails_clearly(self, make_project):
        """coverage with no test data fails, saying which folder and what to run."""
        project = make_project("src-clean")
        project.replace("noxfile.py", "noxkit.register()", 'noxkit.register(skip=["tests"])')
        run = project.nox("-s", "coverage")
        assert run.returncode == 1, run
        assert "no coverage data in" in run.output, run
        assert "nox -s tests coverage" in run.output, run


def _has_python(version: str) -> bool:
    """Whether pythonX.Y runs (a pyenv shim exists even for versions not selected)."""
    exe = shutil.which(f"python{version}")
    if exe is None:
        return False
    probe = subprocess.run([exe, "-c", "pass"], capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(
    not (_has_python("3.11") and _has_python("3.12")),
    reason="needs CPython 3.11 and 3.12 on PATH (.ci/run selects them with pyenv)",
)
def test_matrix_runs_each_python_and_coverage_combines_them(make_project):
    """tests runs once per Python; coverage combines the data of both runs."""
    project = make_project("src-clean")
    project.append(
        "pyproject.toml",
        '\n[tool.noxkit]\npython = ["3.11", "3.12"]\n[tool.noxkit.coverage]\nmeasure = "all"\n',
    )
    run = project.nox("-s", "tests", "coverage")
    assert run.returncode == 0, run
    assert "Session tests-3.11 was successful" in run.output, run
    assert "Session tests-3.12 was successful" in run.output, run
    assert re.search(r"python: CPython 3\.12\.\d+", run.output), run
    assert re.search(r"combining coverage of: tests-3\.11 \(.*\), tests-3\.12 \(", run.output), run
    junit = project.path / ".nox/noxkit/junit"
    assert sorted(p.name for p in junit.glob("*.xml")) == ["tests-3.11.xml", "tests-3.12.xml"]


def test_one_measured_run_is_copied_not_combined_with_the_same_report(make_project):
    """One `tests` run wrote one data file: the `coverage` session copies it instead of
    starting `coverage combine`, and reports exactly what combining would have reported."""
    project = make_project("slow-tests")
    run = project.nox("-s", "tests", "coverage")
    assert run.returncode == 0, run
    assert "one measured run (tests-3.11): its data is the combined data" in run.output, run
    assert "coverage combine --keep" not in run.output, run
    coverage = str(project.path / ".nox/coverage/bin/coverage")
    env = {
        **project.env(),
        "COVERAGE_RCFILE": str(project.path / ".nox/noxkit/coveragerc"),
        "COVERAGE_FILE": str(project.path / "combined/.coverage"),
    }
    (project.path / "combined").mkdir()
    runs = str(project.path / ".nox/noxkit/coverage/tests-3.11")
    root = project.path
    subprocess.run([coverage, "combine", "--keep", "--quiet", runs], env=env, cwd=root, check=True)
    combined = subprocess.run(
        [coverage, "report"], env=env, cwd=root, capture_output=True, text=True, check=True
    ).stdout
    table = combined.strip().splitlines()
    assert table[-1].startswith("TOTAL"), combined
    assert "\n".join(table) in run.output, (combined, run.output)


def test_path_aliases_are_combined(make_project):
    """With [tool.coverage.paths] the data is combined (only combine applies the aliases)."""
    project = make_project("slow-tests")
    project.append(
        "pyproject.toml", '\n[tool.coverage.paths]\nsource = ["src", "*/site-packages"]\n'
    )
    run = project.nox("-s", "tests", "coverage")
    assert run.returncode == 0, run
    assert "coverage combine --keep --quiet" in run.output, run
    assert "one measured run" not in run.output, run
