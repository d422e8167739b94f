"""One install specification per session: the install, the fingerprint and the lock read it."""

from __future__ import annotations

import pytest

from noxkit import ConfigError
from noxkit._formats.envs import fingerprint, nox_reuse_venv
from noxkit._plan.install import InstallSpec
from noxkit._plan.plan import load_plan

PYPROJECT = """\
[project]
name = "demo"
version = "1"
dependencies = ["attrs"]

[project.optional-dependencies]
tests = ["hypothesis"]

[tool.noxkit.tests]
deps = ["pytest-xdist"]
"""


@pytest.fixture
def plan(tmp_path):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (tmp_path / "src" / "demo").mkdir(parents=True)
    (tmp_path / "src" / "demo" / "__init__.py").write_text("", encoding="utf-8")
    return load_plan(tmp_path)


class TestInstallSpec:
    def test_args_put_requirements_then_the_project(self):
        """One installer call: the requirements, then the editable project with its extras."""
        spec = InstallSpec(
            sessions=("tests",), requirements=("pytest>=8", "coverage"), install_project=True,
            editable=True, extras=("tests", "x"),
        )  # fmt: skip
        assert spec.args == ("pytest>=8", "coverage", "-e", ".[tests,x]")
        assert spec.tool_names == ("pytest", "coverage")

    def test_non_editable_project_without_extras(self):
        """A non-editable install is the bare folder."""
        spec = InstallSpec(sessions=("docs",), install_project=True)
        assert spec.project_args == (".",)
        assert spec.args == (".",)

    def test_no_project(self):
        """A tools-only session installs just its requirements."""
        spec = InstallSpec(sessions=("lint",), requirements=("ruff>=0.6",))
        assert spec.project_target is None
        assert spec.args == ("ruff>=0.6",)

    def test_union_of_sessions(self, plan):
        """Several sessions in one environment: requirements once each, project if any wants it."""
        spec = plan.install_spec("lint", "tests")
        assert spec.sessions == ("lint", "tests")
        assert spec.requirements[0].startswith("ruff")
        assert "pytest-xdist" in spec.requirements
        assert len(spec.requirements) == len(set(spec.requirements))
        assert spec.install_project
        assert spec.editable
        assert spec.extras == ("tests",)
        assert spec.args[-2:] == ("-e", ".[tests]")

    def test_requirements_for_is_the_same_answer(self, plan):
        """The older tuple form reads the spec, so the two can never disagree."""
        spec = plan.install_spec("typecheck", "tests")
        requirements, project, editable, extras = plan.requirements_for("typecheck", "tests")
        assert (tuple(requirements), project, editable, extras) == (
            spec.requirements, spec.install_project, spec.editable, spec.extras,
        )  # fmt: skip

    def test_unknown_session_is_a_config_error(self, plan):
        """A typo in a composed session's install names the known sessions."""
        with pytest.raises(ConfigError, match="no standard session named 'lnt'"):
            plan.install_spec("lnt")


class TestFingerprintReadsTheSpec:
    def _fp(self, plan, spec):
        return fingerprint(
            plan, location=plan.config.root / "env", backend="uv", spec=spec, environ={}
        )

    def test_requirements_are_the_installer_args(self, plan):
        """The stamp lists exactly the arguments the install step passes to the installer."""
        spec = plan.install_spec("tests")
        assert self._fp(plan, spec)["requirements"] == list(spec.args)

    def test_project_part_follows_the_spec(self, plan):
        """Editable and the extras come from the spec, not from a second computation."""
        spec = plan.install_spec("tests")
        fp = self._fp(plan, spec)
        assert fp["project"]["editable"] is True
        assert fp["project"]["dependencies"] == ["attrs"]
        assert fp["extras"] == {"tests": ["hypothesis"]}
        assert self._fp(plan, plan.install_spec("lint"))["project"] is None

    def test_project_dependencies_change_the_fingerprint(self, plan, tmp_path):
        """A new project dependency makes an environment that installs the project stale."""
        before = self._fp(plan, plan.install_spec("tests"))
        text = PYPROJECT.replace('["attrs"]', '["attrs", "idna"]')
        (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
        after_plan = load_plan(tmp_path)
        after = self._fp(after_plan, after_plan.install_spec("tests"))
        assert before["project"] != after["project"]


class TestSmokeSpec:
    def test_smoke_never_installs_the_source_tree(self, plan):
        """smoke's spec carries the project's dependencies, never `.`: the wheel goes in."""
        spec = plan.install_spec("smoke")
        assert spec.install_project
        assert spec.wheel
        assert spec.project_target is None
        assert spec.args == ()

    def test_stages_are_specs_of_their_own(self, plan):
        """`smoke:typecheck` is what smoke installs before mypy, and nothing else."""
        spec = plan.install_spec("smoke:typecheck")
        assert spec.sessions == ("smoke:typecheck",)
        assert spec.requirements == ("mypy>=1.10",)
        assert not spec.install_project

    def test_unknown_stage_is_a_config_error(self, plan):
        """The tests stage exists only when smoke runs the tests."""
        with pytest.raises(ConfigError, match="has no install stage 'tests'"):
            plan.install_spec("smoke:tests")

    def test_nox_keeps_smokes_environment_as_before(self, plan):
        """smoke installs its wheel itself, unstamped: nox's own reuse rules stay in charge."""
        assert nox_reuse_venv(plan.sessions["smoke"]) is None
        assert nox_reuse_venv(plan.sessions["tests"]) is True
