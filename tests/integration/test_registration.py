"""Configuration errors, registration options, script mode and composed sessions, via real nox."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration


def _one_line_error(run) -> str:
    """The single noxkit error line of a run, after checking there is no traceback."""
    assert "Traceback" not in run.output, run
    lines = [ln for ln in run.output.splitlines() if ln.startswith("noxkit: error:")]
    assert len(lines) == 1, run
    return lines[0]


class TestConfigErrors:
    def test_unknown_key_suggests_the_nearest(self, make_project):
        """An unknown key names the file, the key and the nearest valid key; exit 2."""
        project = make_project("src-clean")
        project.append("pyproject.toml", "\n[tool.noxkit.tests]\nmaxfial = 3\n")
        run = project.nox("-l")
        assert run.returncode == 2, run
        line = _one_line_error(run)
        assert "pyproject.toml" in line
        assert "unknown key 'maxfial' in [tool.noxkit.tests]" in line
        assert "did you mean 'maxfail'?" in line

    def test_key_in_the_wrong_table_points_to_the_right_one(self, make_project):
        """fail-under under [tool.noxkit.tests] points to [tool.noxkit.coverage]."""
        project = make_project("src-clean")
        project.append("pyproject.toml", "\n[tool.noxkit.tests]\nfail-under = 90\n")
        run = project.nox("-s", "tests")
        assert run.returncode == 2, run
        assert "did you mean 'fail-under' in [tool.noxkit.coverage]?" in _one_line_error(run)

    def test_wrong_type_names_key_type_and_value(self, make_project):
        """A wrong type names the key, the expected type and the value; exit 2."""
        project = make_project("src-clean")
        project.append("pyproject.toml", '\n[tool.noxkit.tests]\nmaxfail = "one"\n')
        run = project.nox("-s", "tests")
        assert run.returncode == 2, run
        line = _one_line_error(run)
        assert "'maxfail' in [tool.noxkit.tests] must be an integer, got 'one' (string)" in line
        assert "pyproject.toml" in line

    def test_malformed_pyproject_gives_line_and_column(self, make_project):
        """A malformed pyproject.toml gives path:line:column and exit 2."""
        project = make_project("src-clean")
        project.append(
            "pyproject.toml", "\n[tool.noxkit.tests]\nmaxfail = = 3\n\n[tool.x]\ny = 1\n"
        )
        lines = project.read("pyproject.toml").splitlines()
        broken_line = lines.index("maxfail = = 3") + 1
        run = project.nox("-l")
        assert run.returncode == 2, run
        line = _one_line_error(run)
        assert re.search(rf"pyproject\.toml:{broken_line}:\d+: invalid TOML", line), run

    def test_unknown_session_name_in_register(self, make_project):
        """register(skip=[typo]) names the typo and the nearest session; exit 2."""
        project = make_project("src-clean")
        project.replace("noxfile.py", "noxkit.register()", 'noxkit.register(skip=["lnt"])')
        run = project.nox("-l")
        assert run.returncode == 2, run
        assert "did you mean 'lint'?" in _one_line_error(run)


def _listed(run) -> list[str]:
    return re.findall(r"^[*-] (\S+)", run.output, flags=re.MULTILINE)


class TestRegistration:
    def test_only(self, make_project):
        """register(only=[...]) registers just those sessions."""
        project = make_project("src-clean")
        project.replace(
            "noxfile.py", "noxkit.register()", 'noxkit.register(only=["lint", "tests"])'
        )
        run = project.nox("-l")
        assert run.returncode == 0, run
        # tests is registered first so `nox -j` starts the longest chain first.
        assert [s.split("-")[0] for s in _listed(run)] == ["tests", "lint"]

    def test_skip_and_replace_without_warning(self, make_project):
        """A project replaces lint with its own session, with no nox warning."""
        project = make_project("src-clean")
        project.replace(
            "noxfile.py",
            "noxkit.register()",
            'noxkit.register(skip=["lint"])\n\n\n'
            "@nox.session(python=False)\n"
            "def lint(session: nox.Session) -> None:\n"
            '    session.log("the project\'s own lint")\n',
        )
        run = project.nox("-s", "lint", env={"PYTHONWARNINGS": "error::FutureWarning"})
        assert run.returncode == 0, run
        assert "the project's own lint" in run.output, run
        assert "already been registered" not in run.output, run
        assert "ruff" not in run.output, run

    def test_clash_without_skip_is_a_clear_error(self, make_project):
        """Defining a standard session's name before register() without skip is refused."""
        project = make_project("src-clean")
        project.replace(
            "noxfile.py",
            "noxkit.register()",
            "@nox.session(python=False)\n"
            "def lint(session: nox.Session) -> None:\n"
            "    pass\n\n\n"
            "noxkit.register()\n",
        )
        run = project.nox("-l")
        assert run.returncode == 2, run
        assert "call noxkit.register(skip=['lint'])" in _one_line_error(run)

    def test_python_override(self, make_project):
        """register(python=[...]) sets the tests matrix."""
        project = make_project("src-clean")
        project.replace(
            "noxfile.py", "noxkit.register()", 'noxkit.register(python=["3.12", "3.13"])'
        )
        run = project.nox("-l")
        assert run.returncode == 0, run
        assert "tests-3.12" in _listed(run)
        assert "tests-3.13" in _listed(run)

    def test_pythons_from_classifiers(self, make_project):
        """Without configuration, the tests matrix comes from the trove classifiers."""
        project = make_project("src-clean")
        project.replace(
            "pyproject.toml",
            'requires-python = ">=3.11"',
            'requires-python = ">=3.11"\nclassifiers = [\n'
            '    "Programming Language :: Python :: 3.10",\n'
            '    "Programming Language :: Python :: 3.12",\n]',
        )
        run = project.nox("-l")
        assert [s for s in _listed(run) if s.startswith("tests")] == ["tests-3.10", "tests-3.12"]

    def test_script_mode_matches_nox(self, make_project):
        """`python noxfile.py -s lint` behaves like `nox -s lint`."""
        project = make_project("src-clean")
        listed_by_nox = _listed(project.nox("-l"))
        listed_by_script = _listed(project.script("-l"))
        assert listed_by_script == listed_by_nox
        run = project.script("-s", "lint")
        assert run.returncode == 0, run
        assert "Session lint was successful" in run.output, run
        project.append("src/srcpkg/calc.py", "\nimport os\n")
        assert project.script("-s", "lint").returncode == 1

    def test_composed_session_from_steps(self, make_project):
        """A project composes a `ci` session running lint and pytest in one environment."""
        project = make_project("src-clean")
        project.replace(
            "noxfile.py",
            "noxkit.register()",
            "noxkit.register()\n\n\n"
            "@nox.session\n"
            "def ci(session: nox.Session) -> None:\n"
            "    plan = noxkit.load_plan()\n"
            "    noxkit.steps.header(session, plan)\n"
            '    noxkit.steps.install(session, plan, "lint", "tests")\n'
            "    noxkit.steps.ruff_check(session, plan)\n"
            "    noxkit.steps.pytest(session, plan, session.posargs)\n",
        )
        run = project.nox("-s", "ci")
        assert run.returncode == 0, run
        assert "tools: ruff" in run.output, run
        assert "4 passed" in run.output, run
        assert "Session ci was successful" in run.output, run
        assert (project.path / ".nox/noxkit/junit/ci.xml").is_file()

    def test_composed_session_gets_what_standard_sessions_get(self, make_project):
        """A composed `ci` session releases its environment lock at its end and is reported.

        `probe`, a plain session run right after it in the same nox process, finds the lock
        free and `ci` already recorded; the run report lists `ci` with its header.
        """
        project = make_project("src-clean")
        project.replace(
            "noxfile.py",
            "noxkit.register()",
            "noxkit.register()\n\n\n"
            "@nox.session\n"
            "def ci(session: nox.Session) -> None:\n"
            "    plan = noxkit.load_plan()\n"
            '    noxkit.steps.install(session, plan, "lint")\n'
            "    assert noxkit.steps.running().lease is not None\n"
            "    noxkit.steps.ruff_check(session, plan)\n"
            "\n\n"
            "@nox.session(python=False)\n"
            "def probe(session: nox.Session) -> None:\n"
            "    import fcntl\n"
            "    import json\n"
            "    import os\n"
            "    import pathlib\n"
            "\n"
            "    with open('.nox/ci.lock', 'a+b') as fh:\n"
            "        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
            "    print('probe: lock free')\n"
            "    token = os.environ['NOXKIT_RUN'].partition(':')[2]\n"
            "    runs = pathlib.Path(f'.nox/noxkit/runs/{token}.jsonl').read_text()\n"
            "    names = [json.loads(line)['session'] for line in runs.splitlines()]\n"
            "    assert names == ['ci'], names\n"
            "    print('probe: ci recorded')\n",
        )
        run = project.nox("-s", "ci", "probe")
        assert run.returncode == 0, run
        assert "probe: lock free" in run.output, run
        assert "probe: ci recorded" in run.output, run
        report = json.loads(project.read(".nox/noxkit/run-report.json"))
        (ci,) = [r for r in report["sessions"] if r["session"] == "ci"]
        assert ci["result"] == "success"
        assert any(line.startswith("noxkit ") for line in ci["header"]), ci["header"]
        assert ci["environment"]["location"].endswith("ci")
        assert "ci " in run.output.split("noxkit run summary")[1], run


def test_import_registers_nothing_and_changes_no_options():
    """Importing noxkit defines no session and leaves nox.options untouched."""
    code = (
        "import nox, nox.registry\n"
        "def snapshot():\n"
        "    return {k: repr(getattr(nox.options, k)) for k in dir(nox.options)"
        " if not k.startswith('_')}\n"
        "before = snapshot()\n"
        "import noxkit\n"
        "assert nox.registry.get() == {}, nox.registry.get()\n"
        "assert snapshot() == before\n"
        "print('clean')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "clean"
