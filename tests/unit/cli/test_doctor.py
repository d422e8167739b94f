"""``noxkit doctor`` with a profile: each value shown with the layer that set it."""

from __future__ import annotations

from noxkit import Profile, build_plan, load_config
from noxkit._cli.doctor import diagnose, render


def _root(tmp_path, extra: str = "", files: tuple[str, ...] = ("src/app/__init__.py",)):
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "app"\n{extra}', encoding="utf-8")
    for rel in files:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("", encoding="utf-8")
    return tmp_path


def _profile(tmp_path, **kwargs) -> Profile:
    ruff = tmp_path / "team-ruff.toml"
    ruff.write_text('[lint]\nselect = ["ALL"]\n', encoding="utf-8")
    kwargs.setdefault("tool_configs", {"ruff": ruff})
    return Profile(name="team", **kwargs)


class TestDoctor:
    def test_layers_and_problems(self, tmp_path):
        """doctor reports each value's layer and the problems it can see."""
        root = _root(tmp_path, '[tool.noxkit]\npython = ["2.1"]\n')
        profile = _profile(tmp_path, config={"coverage": {"fail-under": 80}})
        diagnosis = diagnose(build_plan(load_config(root, profile=profile)))
        layers = {item["key"]: item["layer"] for item in diagnosis.settings}
        assert layers["coverage.fail-under"] == "profile team"
        assert layers["python"] == "pyproject.toml"
        assert layers["tests.maxfail"] == "default"
        assert any("Python 2.1 of the tests matrix" in p for p in diagnosis.problems)
        assert any("no test dependencies found" in p for p in diagnosis.problems)
        assert "problems (2):" in render(diagnosis)


class TestDoctorCoverage:
    def test_states_who_measures_and_with_which_core(self, tmp_path, monkeypatch):
        """doctor shows, per Python, whether it measures, the core, and why (as the run will)."""
        for name in ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "COVERAGE_CORE"):
            monkeypatch.delenv(name, raising=False)
        root = _root(tmp_path, '[tool.noxkit]\npython = ["3.11", "3.12"]\n')
        diagnosis = diagnose(build_plan(load_config(root)))
        by_python = {e["python"]: e for e in diagnosis.coverage["pythons"]}
        assert by_python["3.12"]["core"] == "sysmon"
        assert not by_python["3.11"]["measures"]
        assert diagnosis.coverage["reports"] == {"xml": False, "html": False}
        text = render(diagnosis)
        assert "tests-3.12: measured by sys.monitoring (core sysmon)" in text
        assert "tests-3.11: not measured on Python 3.11, plain pytest" in text
        assert diagnosis.as_json()["coverage"] == diagnosis.coverage

    def test_bad_measure_is_a_problem(self, tmp_path):
        """measure naming a Python outside the matrix is reported, not a crash."""
        root = _root(
            tmp_path, '[tool.noxkit]\npython = ["3.12"]\n[tool.noxkit.coverage]\nmeasure = "3.9"\n'
        )
        diagnosis = diagnose(build_plan(load_config(root)))
        assert any("measure = '3.9'" in p for p in diagnosis.problems)


class TestDoctorFoundValues:
    def test_found_values_are_shown_with_where_they_came_from(self, tmp_path):
        """Settings left unset show what noxkit found and where, never a bare (automatic)."""
        root = _root(
            tmp_path,
            'requires-python = ">=3.12"\n[dependency-groups]\ntest = ["pytest"]\n',
            files=("src/app/__init__.py", "mkdocs.yml"),
        )
        diagnosis = diagnose(build_plan(load_config(root)))
        shown = {item["key"]: (item["value"], item["layer"]) for item in diagnosis.settings}
        assert shown["package"] == (["app"], "found: the project layout (src/app)")
        assert shown["python"][0] == ["3.12"]
        assert "requires-python >=3.12" in shown["python"][1]
        assert shown["tests.groups"][0] == ["test"]
        assert shown["docs.config"] == ("mkdocs.yml", "found: mkdocs")
        assert "(automatic)" not in render(diagnosis)


class TestDoctorSmoke:
    def test_smoke_installs_the_wheel_then_mypy(self, tmp_path):
        """doctor shows what smoke installs: the wheel, not the tree, and mypy after the imports."""
        text = render(diagnose(build_plan(load_config(_root(tmp_path)))))
        smoke = text.split("\n  smoke (", 1)[1].split("\n  lock (", 1)[0]
        assert "    installs: the built wheel, with its dependencies" in smoke
        assert "installs: the project" not in smoke
        assert "    installs later (typecheck): mypy>=1.10" in smoke
