"""The plan: what each session installs and runs, without environments."""

from __future__ import annotations

import pytest

from noxkit import ConfigError, build_plan, load_config
from noxkit._plan.commands import coverage as coverage_commands
from noxkit._plan.project import inspect_project


def _project(tmp_path, pyproject: str, files: tuple[str, ...] = ()):
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    for rel in files:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")
    return tmp_path


class TestPythons:
    def test_from_classifiers_sorted(self, tmp_path):
        """Pythons come from the classifiers, in version order (3.9 before 3.10)."""
        root = _project(
            tmp_path,
            '[project]\nname = "x"\nclassifiers = [\n'
            '"Programming Language :: Python :: 3.10",\n'
            '"Programming Language :: Python :: 3.9",\n'
            '"Programming Language :: Python :: 3 :: Only",\n'
            '"Programming Language :: Python :: 3",\n]\n',
        )
        project = inspect_project(load_config(root))
        assert project.pythons == ("3.9", "3.10")
        assert project.python_source == "trove classifiers"

    @pytest.mark.parametrize(
        ("requires", "expected"),
        [(">=3.11", "3.11"), (">=3.8", "3.10"), ("~=3.12.0", "3.12"), (">3.12", "3.13")],
    )
    def test_requires_python_as_fallback(self, tmp_path, requires, expected):
        """Without classifiers, the oldest Python requires-python allows, not the running one."""
        root = _project(tmp_path, f'[project]\nname = "x"\nrequires-python = "{requires}"\n')
        project = inspect_project(load_config(root))
        assert project.pythons == (expected,)
        assert requires in project.python_source

    def test_no_requires_python_is_a_fixed_default(self, tmp_path):
        """Without classifiers or requires-python, a fixed Python: the same on every machine."""
        root = _project(tmp_path, '[project]\nname = "x"\n')
        assert inspect_project(load_config(root)).pythons == ("3.10",)

    def test_config_wins(self, tmp_path):
        """[tool.noxkit] python wins over classifiers."""
        root = _project(
            tmp_path,
            '[project]\nname = "x"\nclassifiers = ["Programming Language :: Python :: 3.10"]\n'
            '[tool.noxkit]\npython = ["3.13"]\n',
        )
        assert inspect_project(load_config(root)).pythons == ("3.13",)


class TestTestDependencies:
    def test_group_test_preferred(self, tmp_path):
        """The `test` group is used, with include-group resolved."""
        root = _project(
            tmp_path,
            '[project]\nname = "x"\n[project.optional-dependencies]\ntest = ["nope"]\n'
            '[dependency-groups]\nbase = ["hypothesis"]\n'
            'test = ["pytest-xdist", {include-group = "base"}]\n',
        )
        plan = build_plan(load_config(root))
        tests = plan.sessions["tests"]
        assert "pytest-xdist" in tests.requirements
        assert "hypothesis" in tests.requirements
        assert tests.extras == ()

    def test_tests_extra_when_no_group(self, tmp_path):
        """Without a test group, the `tests` extra is installed with the project."""
        root = _project(
            tmp_path, '[project]\nname = "x"\n[project.optional-dependencies]\ntests = ["a"]\n'
        )
        assert build_plan(load_config(root)).sessions["tests"].extras == ("tests",)

    def test_unknown_configured_group_is_an_error(self, tmp_path):
        """A configured group that does not exist is named, with the defined ones."""
        root = _project(
            tmp_path,
            '[project]\nname = "x"\n[dependency-groups]\ndev = []\n'
            '[tool.noxkit.tests]\ngroups = ["tset"]\n',
        )
        with pytest.raises(ConfigError, match=r"dependency group 'tset' .* \(defined: dev\)"):
            build_plan(load_config(root))


class TestPlan:
    @pytest.fixture
    def plan(self, tmp_path):
        root = _project(
            tmp_path,
            '[project]\nname = "pkg"\n[dependency-groups]\ntest = ["pytest-mock"]\n'
            '[tool.noxkit.tools]\nruff = "==0.17.6"\n'
            '[tool.noxkit.tests]\nmaxfail = 3\nargs = ["-q"]\n'
            "[tool.noxkit.coverage]\nfail-under = 90\n",
            ("src/pkg/__init__.py",),
        )
        return build_plan(load_config(root))

    def test_lint_installs_ruff_only(self, plan):
        """lint holds ruff alone: no project install."""
        lint = plan.sessions["lint"]
        assert lint.requirements == ("ruff==0.17.6",)
        assert not lint.install_project
        assert lint.commands == (("ruff", "check", "."), ("ruff", "format", "--check", "."))

    def test_typecheck_installs_project_and_mypy(self, plan):
        """typecheck installs mypy, the test deps and the project (editable)."""
        typecheck = plan.sessions["typecheck"]
        assert typecheck.requirements[0].startswith("mypy")
        assert "pytest-mock" in typecheck.requirements
        assert typecheck.install_project
        assert typecheck.editable
        assert plan.mypy_command() == ["mypy", "src/pkg"]

    def test_pytest_command(self, plan):
        """pytest runs under coverage with maxfail, JUnit XML and the configured args."""
        command = plan.pytest_command("tests-3.12")
        assert command[:4] == ["coverage", "run", "-m", "pytest"]
        assert "--maxfail=3" in command
        assert f"--junitxml={plan.output_dir / 'junit' / 'tests-3.12.xml'}" in command
        assert command[-1] == "-q"

    def test_maxfail_zero_means_no_limit(self, tmp_path):
        """maxfail = 0 leaves --maxfail off."""
        root = _project(tmp_path, '[project]\nname = "p"\n[tool.noxkit.tests]\nmaxfail = 0\n')
        command = build_plan(load_config(root)).pytest_command("tests")
        assert not any(arg.startswith("--maxfail") for arg in command)

    def test_coverage_reports_last_with_floor(self, plan):
        """In CI: combine, xml, html, then report with the floor (reports exist when it fails)."""
        commands = coverage_commands(plan, {"CI": "true"})
        assert [c[1] for c in commands] == ["combine", "xml", "html", "report"]
        assert commands[-1] == ("coverage", "report", "--fail-under=90")
        assert plan.sessions["coverage"].requires == ("tests",)

    def test_defaults_and_matrix(self, plan):
        """fmt is not default; tests is a matrix; the others run on nox's Python."""
        assert not plan.sessions["fmt"].default
        assert all(plan.sessions[s].default for s in ("lint", "typecheck", "tests", "coverage"))
        assert isinstance(plan.sessions["tests"].python, tuple)
        assert plan.sessions["lint"].python is None

    def test_requirements_union_for_composed_sessions(self, plan):
        """Composing lint and tests installs both sets once, and the project."""
        requirements, project, editable, _ = plan.requirements_for("lint", "tests")
        assert requirements[0] == "ruff==0.17.6"
        assert "pytest-mock" in requirements
        assert project
        assert editable
        assert len(requirements) == len(set(requirements))

    def test_unknown_session_in_requirements_for(self, plan):
        """Asking for an unknown session names the known ones."""
        with pytest.raises(ConfigError, match="no standard session named 'lnt'"):
            plan.requirements_for("lnt")

    def test_no_package_found(self, tmp_path):
        """With no package to check, mypy_command explains how to configure one."""
        root = _project(tmp_path, '[project]\nname = "ghost"\n')
        plan = build_plan(load_config(root))
        assert plan.sessions["typecheck"].commands == ()
        with pytest.raises(ConfigError, match="found no package to type-check"):
            plan.mypy_command()
