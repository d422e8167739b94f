"""The one builder of command lines: what doctor shows for every session is what steps run."""

from __future__ import annotations

import pytest

from noxkit import STANDARD_SESSIONS, load_plan
from noxkit._plan import commands
from noxkit._plan.commands import render

PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "demo"
version = "1"

[tool.noxkit]
python = ["3.12"]

[tool.noxkit.tests]
maxfail = 2
args = ["-q"]

[tool.noxkit.coverage]
fail-under = 90

[tool.noxkit.smoke]
commands = ["demo --name 'two words'"]
tests = true
"""


@pytest.fixture
def plan(tmp_path):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (tmp_path / "src" / "demo").mkdir(parents=True)
    (tmp_path / "src" / "demo" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: demo\n", encoding="utf-8")
    return load_plan(tmp_path)


def _expected(plan):
    """What each standard session runs, from the builder the steps call."""
    return {
        "lint": (commands.ruff_check(plan), commands.ruff_format(plan, check=True)),
        "fmt": (commands.ruff_check(plan, fix=True), commands.ruff_format(plan, check=False)),
        "typecheck": (commands.mypy(plan),),
        "tests": (commands.pytest(plan),),
        "coverage": commands.coverage(plan),
        "build": (commands.build_frontend(plan, "uv|virtualenv"), commands.twine_check(plan)),
        "smoke": commands.smoke(plan),
        "lock": (
            commands.lock_compile(plan, joint=True),
            commands.lock_compile(plan, joint=False),
        ),
        "docs": (
            (
                "mkdocs",
                "build",
                "--strict",
                "--config-file",
                str(plan.config.root / "mkdocs.yml"),
                "--site-dir",
                str(plan.config.root / "site"),
            ),
        ),
        "release": (("git", "tag", "-a", "v{version}"),),
    }


class TestEverySession:
    @pytest.mark.parametrize("name", STANDARD_SESSIONS)
    def test_plan_commands_come_from_the_builder(self, plan, name):
        """Each session's planned commands (what doctor shows) are the builder's."""
        assert plan.sessions[name].commands == _expected(plan)[name]

    def test_every_standard_session_is_covered(self, plan):
        """No standard session is left out of the table above."""
        assert set(_expected(plan)) == set(STANDARD_SESSIONS)


class TestCommands:
    def test_pytest_names_its_junit_after_the_session(self, plan):
        """`{session}` is the only run-time value of the tests command."""
        command = render(commands.pytest(plan), {"session": "tests-3.12"})
        junit = plan.output_dir / "junit" / "tests-3.12.xml"
        assert command == [
            "coverage",
            "run",
            "-m",
            "pytest",
            "--maxfail=2",
            f"--junitxml={junit}",
            "-q",
        ]

    def test_coverage_combines_the_runs_and_reports_last(self, plan):
        """The combine takes the data folders; the floor is enforced by the last command."""
        first, *_, last = commands.coverage(plan)
        assert render(first, {"runs": ["a", "b"]})[-2:] == ["a", "b"]
        assert last == ("coverage", "report", "--fail-under=90")

    def test_smoke_commands_split_like_a_shell(self, plan):
        """A quoted argument stays one argument in doctor and in the run alike."""
        assert commands.smoke(plan)[0] == ("demo", "--name", "two words")

    def test_smoke_runs_the_tests_outside_the_checkout(self, plan):
        """With tests on, the suite runs with `python -I` after the configured commands."""
        assert commands.smoke(plan)[-1] == (
            "python", "-I", "-m", "pytest", "-p", "no:cacheprovider", "-q", "tests",
        )  # fmt: skip

    def test_build_frontend_follows_the_backend(self, plan):
        """uv environments build with uv; others with pypa/build."""
        assert commands.build_frontend(plan, "uv|virtualenv")[:2] == ("uv", "build")
        assert commands.build_frontend(plan, "virtualenv")[:3] == ("python", "-m", "build")
        assert "--out-dir" in commands.build_frontend(plan, "uv")

    def test_twine_check_is_strict_only_when_configured(self, plan, tmp_path):
        """PyPI accepts a missing long description, so `--strict` is opt-in (twine-strict)."""
        assert commands.twine_check(plan) == ("twine", "check", "{artifacts}")
        with (tmp_path / "pyproject.toml").open("a", encoding="utf-8") as handle:
            handle.write("\n[tool.noxkit.build]\ntwine-strict = true\n")
        strict = load_plan(tmp_path)
        assert commands.twine_check(strict) == ("twine", "check", "--strict", "{artifacts}")

    def test_plan_methods_return_the_builder_commands(self, plan):
        """The public Plan methods are the same builder, rendered."""
        assert plan.ruff_check_command() == list(commands.ruff_check(plan))
        assert plan.mypy_command() == list(commands.mypy(plan))
        assert plan.pytest_command("tests-3.12") == render(
            commands.pytest(plan), {"session": "tests-3.12"}
        )


class TestRender:
    def test_a_list_value_becomes_several_arguments(self):
        """`{artifacts}` expands to the wheel and the sdist."""
        assert render(("twine", "{artifacts}"), {"artifacts": ["a.whl", "a.tar.gz"]}) == [
            "twine", "a.whl", "a.tar.gz",
        ]  # fmt: skip

    def test_unnamed_placeholders_stay(self):
        """Only the given placeholders are filled: the report keeps the run-time ones."""
        command = ("x", "--cache={smoke-dir}/c", "{session}.xml")
        assert render(command, {"session": "s"}) == ["x", "--cache={smoke-dir}/c", "s.xml"]


class TestCoverageReports:
    """XML and HTML are written where something reads them: CI, or when asked."""

    def test_locally_only_the_report(self, plan):
        """Unset settings, no CI: combine and report, no XML or HTML to pay for."""
        assert [c[1] for c in commands.coverage(plan, {})] == ["combine", "report"]

    def test_in_ci_every_report(self, plan):
        """In CI the XML feeds the provider's tools and the HTML becomes an artifact."""
        ran = [c[1] for c in commands.coverage(plan, {"GITHUB_ACTIONS": "true"})]
        assert ran == ["combine", "xml", "html", "report"]

    def test_asked_locally(self, plan):
        """`nox -s coverage --no-dependencies -- --html` writes the HTML this once."""
        ran = [c[1] for c in commands.coverage(plan, {}, asked=["--html"])]
        assert ran == ["combine", "html", "report"]

    def test_settings_win(self, tmp_path):
        """xml = false / html = true decide everywhere, CI or not."""
        text = PYPROJECT.replace("fail-under = 90", "fail-under = 90\nxml = false\nhtml = true")
        (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
        (tmp_path / "src" / "demo").mkdir(parents=True)
        (tmp_path / "src" / "demo" / "__init__.py").write_text("", encoding="utf-8")
        plan = load_plan(tmp_path)
        for environ in ({}, {"CI": "true"}):
            assert [c[1] for c in commands.coverage(plan, environ)] == [
                "combine",
                "html",
                "report",
            ]


class TestPytestWithoutCoverage:
    def test_same_pytest_without_coverage_run(self, plan):
        """A Python that does not measure runs the same pytest line, from the environment."""
        measured = commands.pytest(plan)
        plain = commands.pytest(plan, measure=False)
        assert measured[:3] == ("coverage", "run", "-m")
        assert plain[:2] == ("python", "-m")
        assert plain[2:] == measured[3:]
