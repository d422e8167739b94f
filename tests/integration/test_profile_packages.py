"""Team profiles through real packages: the example `acme-nox` and small test profiles, installed
with uv into a separate "team" environment that runs nox, as a team's developers would have it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).parents[2]
ACME = "profile acme (acme-nox 1.0.0)"

_TEST_PROFILES = """\
import noxkit

BETA = noxkit.Profile(name="beta", config={"tests": {"maxfail": 7}, "lint": {"format": False}})
TYPO = noxkit.Profile(name="typo", config={"tests": {"maxfial": 2}})
FUTURE = noxkit.Profile(name="future", requires_noxkit=">=99")
"""


@pytest.fixture(scope="module")
def team_python(tmp_path_factory) -> str:
    """An environment with nox, noxkit, acme-nox and three small test profiles installed."""
    root = tmp_path_factory.mktemp("team")
    extra = root / "test-profiles"
    (extra / "test_profiles").mkdir(parents=True)
    (extra / "test_profiles" / "__init__.py").write_text(_TEST_PROFILES, encoding="utf-8")
    (extra / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [build-system]
            requires = ["hatchling"]
            build-backend = "hatchling.build"

            [project]
            name = "test-profiles"
            version = "0.0.1"

            [project.entry-points."noxkit.profiles"]
            beta = "test_profiles:BETA"
            typo = "test_profiles:TYPO"
            future = "test_profiles:FUTURE"
            """
        ),
        encoding="utf-8",
    )
    venv = root / "venv"
    uv = [sys.executable, "-m", "uv"]
    subprocess.run([*uv, "venv", "-q", str(venv), "--python", sys.executable], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run(
        [
            *(*uv, "pip", "install", "-q", "--python", python, "uv"),
            *("-e", str(REPO), "-e", str(REPO / "examples" / "acme-nox"), "-e", str(extra)),
        ],
        check=True,
    )
    return python


@pytest.fixture
def acme_project(make_project, team_python):
    project = make_project("profile-acme")
    project.python = team_python
    return project


def _settings(run) -> dict[str, tuple[object, str]]:
    assert run.returncode in {0, 1}, run
    data = json.loads(run.output)
    return {item["key"]: (item["value"], item["layer"]) for item in data["settings"]}


class TestLayers:
    def test_profile_values_apply(self, acme_project):
        """The profile's values are in force, and doctor names the profile as their layer."""
        settings = _settings(acme_project.noxkit("doctor", "--json"))
        assert settings["tests.maxfail"] == (3, ACME)
        assert settings["coverage.fail-under"] == (90, ACME)
        assert settings["tools.ruff"] == ("==0.17.6", ACME)
        assert settings["profile"] == ("acme", "pyproject.toml")
        assert settings["lint.format"] == (True, "default")

    def test_project_overrides_profile_and_command_line_overrides_both(self, acme_project):
        """pyproject.toml beats the profile; NOXKIT_SET beats both."""
        acme_project.append("pyproject.toml", "\n[tool.noxkit.tests]\nmaxfail = 2\n")
        settings = _settings(acme_project.noxkit("doctor", "--json"))
        assert settings["tests.maxfail"] == (2, "pyproject.toml")
        assert settings["coverage.fail-under"] == (90, ACME)
        run = acme_project.noxkit("doctor", "--json", env={"NOXKIT_SET": "tests.maxfail=5"})
        assert _settings(run)["tests.maxfail"] == (5, "command line (NOXKIT_SET)")

    def test_doctor_text_shows_layers(self, acme_project):
        """The human report lists each value with its layer, and the extra session."""
        run = acme_project.run_documented("noxkit doctor")
        assert run.returncode == 0, run
        # The column width follows the longest key name, which grows with the schema.
        assert re.search(rf"tests\.maxfail +  = 3  \[{re.escape(ACME)}\]", run.output), run
        assert "security (on request; nox's Python)" in run.output, run
        assert "no problems found" in run.output, run

    def test_doctor_shows_what_profiles_md_shows(self, acme_project):
        """The transcript on profiles.md: the profile line, and each value with its layer."""
        acme_project.append("pyproject.toml", "\n[tool.noxkit.tests]\nmaxfail = 2\n")
        run = acme_project.run_documented("noxkit doctor")
        assert run.returncode == 0, run
        assert re.search(r"^noxkit \S+: acmeapp \(.+\)$", run.output, re.MULTILINE), run
        assert f"\nprofile: acme ({ACME.removeprefix('profile acme (')}\n" in run.output, run
        assert "configuration (value, then the layer that set it):" in run.output, run
        for line in (
            r"tests\.maxfail +  = 2  \[pyproject\.toml\]",
            rf"coverage\.fail-under +  = 90  \[{re.escape(ACME)}\]",
            rf'tools\.ruff +  = "==0\.17\.6"  \[{re.escape(ACME)}\]',
        ):
            assert re.search(rf"^  {line}$", run.output, re.MULTILINE), (line, run)
        assert run.output.rstrip().endswith("no problems found"), run

    def test_real_run_uses_profile_tools_and_rules(self, acme_project):
        """lint runs the pinned ruff with the profile's rules; NOXKIT_SET reaches tests."""
        run = acme_project.nox(
            "-s", "lint", "typecheck", "tests", env={"NOXKIT_SET": "tests.maxfail=4"}
        )
        assert run.returncode == 0, run
        assert "tools: ruff 0.17.6" in run.output, run
        assert "acme_nox/ruff.toml" in run.output, run
        assert re.search(r"mypy --config-file \S+acme_nox/mypy\.ini src/acmeapp", run.output), run
        assert "--maxfail=4" in run.output, run

    def test_profile_ruleset_finds_what_defaults_miss(self, acme_project):
        """The profile's stricter ruleset (B: mutable default) fails lint on a project file."""
        acme_project.append(
            "src/acmeapp/__init__.py",
            "\n\ndef collect(item: int, into: list[int] = []) -> list[int]:\n"
            '    """Append item."""\n    into.append(item)\n    return into\n',
        )
        run = acme_project.nox("-s", "lint")
        assert run.returncode == 1, run
        assert "B006" in run.output, run

    def test_profile_session_is_listed_and_runs(self, acme_project):
        """The profile's `security` session appears in `nox -l` and runs bandit."""
        listing = acme_project.nox("-l")
        assert re.search(
            r"^- security .*-> Scan the package with bandit\.$", listing.output, re.MULTILINE
        )
        run = acme_project.nox("-s", "security")
        assert run.returncode == 0, run
        assert "bandit -q -r src/acmeapp" in run.output, run
        assert "tools: bandit 1.9.4" in run.output, run

    def test_profiles_do_not_leak_between_projects(self, make_project, team_python):
        """Two projects with different profiles, loaded in one process, keep their own values."""
        acme = make_project("profile-acme", dest="one")
        beta = make_project("profile-acme", dest="two")
        beta.replace("pyproject.toml", 'profile = "acme"', 'profile = "beta"')
        code = (
            "import sys\nfrom noxkit import load_config\n"
            "a = load_config(sys.argv[1]); b = load_config(sys.argv[2]); "
            "a2 = load_config(sys.argv[1])\n"
            "print(a.settings.tests.maxfail, a.settings.coverage.fail_under, "
            "b.settings.tests.maxfail, b.settings.coverage.fail_under, a2 == a)\n"
        )
        out = subprocess.run(
            [team_python, "-c", code, str(acme.path), str(beta.path)],
            capture_output=True,
            text=True,
            check=True,
        )
        assert out.stdout.split() == ["3", "90", "7", "None", "True"]


class TestProfileErrors:
    def _error(self, run) -> str:
        assert run.returncode == 2, run
        assert "Traceback" not in run.output, run
        return run.output

    def test_unknown_profile_lists_installed(self, acme_project):
        """An unknown profile names the entry-point group and the installed profiles."""
        acme_project.replace("pyproject.toml", 'profile = "acme"', 'profile = "acmee"')
        output = self._error(acme_project.nox("-l"))
        assert "profile 'acmee' not found in the 'noxkit.profiles' entry-point group" in output
        assert "installed profiles: acme, beta, future, typo" in output

    def test_unknown_key_in_profile_names_package_key_and_suggestion(self, acme_project):
        """A profile with an unknown key names the profile's package, the key, the nearest."""
        acme_project.replace("pyproject.toml", 'profile = "acme"', 'profile = "typo"')
        output = self._error(acme_project.nox("-l"))
        assert "profile typo (test-profiles 0.0.1): unknown key 'maxfial'" in output
        assert "did you mean 'maxfail'?" in output

    def test_too_old_noxkit(self, acme_project):
        """A profile requiring a newer noxkit stops with a clear message."""
        acme_project.replace("pyproject.toml", 'profile = "acme"', 'profile = "future"')
        output = self._error(acme_project.nox("-l"))
        assert "requires noxkit>=99 but noxkit 0.1.0 is installed" in output


def test_team_register_wrapper(acme_project):
    """A project can use the team package's own register() instead of naming the profile."""
    acme_project.replace("pyproject.toml", '[tool.noxkit]\nprofile = "acme"\n', "")
    acme_project.replace("noxfile.py", "import noxkit", "import acme_nox")
    acme_project.replace("noxfile.py", "noxkit.register()", "acme_nox.register()")
    run = acme_project.nox("-l")
    assert run.returncode == 0, run
    assert re.search(r"^- security ", run.output, re.MULTILINE), run
    doctor = acme_project.noxkit("doctor", "--json", "--profile", "acme")
    assert _settings(doctor)["coverage.fail-under"] == (90, ACME)
