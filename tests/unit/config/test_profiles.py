"""Profiles as a configuration layer, with in-process Profile objects (no packages installed)."""

from __future__ import annotations

import pytest

from noxkit import ConfigError, Profile, ProfileSession, build_plan, load_config
from noxkit._config.profiles import load_profile


def _root(tmp_path, extra: str = "", files: tuple[str, ...] = ("src/app/__init__.py",)):
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "app"\n{extra}', encoding="utf-8")
    for rel in files:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("", encoding="utf-8")
    return tmp_path


def _noop(session, plan) -> None:
    """A session body that does nothing."""


def _profile(tmp_path, **kwargs) -> Profile:
    ruff = tmp_path / "team-ruff.toml"
    ruff.write_text('[lint]\nselect = ["ALL"]\n', encoding="utf-8")
    kwargs.setdefault("tool_configs", {"ruff": ruff})
    return Profile(name="team", **kwargs)


class TestLayering:
    def test_extend_appends_to_the_profile_list(self, tmp_path):
        """`extend-deps` in the project appends to the profile's deps instead of replacing."""
        root = _root(tmp_path, '[tool.noxkit.tests]\nextend-deps = ["freezegun"]\n')
        profile = _profile(tmp_path, config={"tests": {"deps": ["hypothesis"]}})
        config = load_config(root, profile=profile)
        assert config.settings.tests.deps == ("hypothesis", "freezegun")
        assert config.origins["tests.deps"] == "profile team + pyproject.toml"

    def test_plain_key_replaces_the_profile_list(self, tmp_path):
        """A list key replaces the profile's list by default."""
        root = _root(tmp_path, '[tool.noxkit.tests]\ndeps = ["freezegun"]\n')
        profile = _profile(tmp_path, config={"tests": {"deps": ["hypothesis"]}})
        assert load_config(root, profile=profile).settings.tests.deps == ("freezegun",)

    def test_extend_of_a_non_list_key_is_unknown(self, tmp_path):
        """`extend-maxfail` is not a key: maxfail is not a list."""
        root = _root(tmp_path, "[tool.noxkit.tests]\nextend-maxfail = 1\n")
        with pytest.raises(ConfigError, match="unknown key 'extend-maxfail'"):
            load_config(root)

    def test_noxkit_set_is_the_top_layer(self, tmp_path):
        """NOXKIT_SET wins over pyproject.toml and parses TOML values."""
        root = _root(tmp_path, "[tool.noxkit.tests]\nmaxfail = 2\n")
        environ = {"NOXKIT_SET": 'tests.maxfail=9; lint.paths=["src"]; venv-backend=virtualenv'}
        settings = load_config(root, environ=environ).settings
        assert settings.tests.maxfail == 9
        assert settings.lint.paths == ("src",)
        assert settings.venv_backend == "virtualenv"

    def test_noxkit_set_is_validated(self, tmp_path):
        """A typo in NOXKIT_SET is reported like one in the file, naming NOXKIT_SET."""
        with pytest.raises(ConfigError, match=r"^NOXKIT_SET: unknown key 'maxfial'.*'maxfail'"):
            load_config(_root(tmp_path), environ={"NOXKIT_SET": "tests.maxfial=1"})

    def test_register_profile_and_pyproject_profile_must_agree(self, tmp_path):
        """A noxfile passing profile 'team' while pyproject names another is refused."""
        root = _root(tmp_path, '[tool.noxkit]\nprofile = "other"\n')
        with pytest.raises(ConfigError, match="keep one"):
            load_config(root, profile=_profile(tmp_path))


class TestToolConfigs:
    def test_profile_ruff_config_applies_when_project_has_none(self, tmp_path):
        """A project without ruff configuration gets the profile's, via --config."""
        plan = build_plan(load_config(_root(tmp_path), profile=_profile(tmp_path)))
        command = plan.ruff_check_command()
        assert command[:4] == ["ruff", "check", "--config", str(tmp_path / "team-ruff.toml")]

    def test_project_ruff_config_wins(self, tmp_path):
        """A project with [tool.ruff] keeps its own configuration."""
        root = _root(tmp_path, "[tool.ruff]\nline-length = 90\n")
        plan = build_plan(load_config(root, profile=_profile(tmp_path)))
        assert "--config" not in plan.ruff_check_command()

    def test_ruff_toml_file_counts_as_configured(self, tmp_path):
        """A ruff.toml next to pyproject.toml also counts as the project's own."""
        root = _root(tmp_path, files=("src/app/__init__.py", "ruff.toml"))
        plan = build_plan(load_config(root, profile=_profile(tmp_path)))
        assert "--config" not in plan.ruff_format_command(check=True)

    def test_unknown_tool_and_missing_file_are_refused(self, tmp_path):
        """tool_configs for an unknown tool, or a missing file, is a profile error."""
        with pytest.raises(ConfigError, match="unknown tool 'black'"):
            Profile(name="t", tool_configs={"black": tmp_path}).check()
        with pytest.raises(ConfigError, match="does not exist"):
            Profile(name="t", tool_configs={"mypy": tmp_path / "nope.ini"}).check()


class TestSessionsAndVersions:
    def test_profile_sessions_are_planned(self, tmp_path):
        """A profile's extra session is in the plan with its requirements."""
        extra = ProfileSession(body=_noop, description="Audit.", requirements=("x",))
        profile = _profile(tmp_path, sessions={"audit": extra})
        plan = build_plan(load_config(_root(tmp_path), profile=profile))
        assert plan.sessions["audit"].requirements == ("x",)
        assert not plan.sessions["audit"].default

    def test_profile_session_cannot_shadow_a_standard_one(self, tmp_path):
        """A profile session named `lint` is refused."""
        extra = ProfileSession(body=_noop, description="x")
        profile = _profile(tmp_path, sessions={"lint": extra})
        with pytest.raises(ConfigError, match="standard session's name"):
            build_plan(load_config(_root(tmp_path), profile=profile))

    def test_requires_noxkit(self):
        """A profile needing a newer noxkit is refused with both versions."""
        with pytest.raises(ConfigError, match=r"requires noxkit>=99 but noxkit \S+ is installed"):
            Profile(name="t", requires_noxkit=">=99").check()
        Profile(name="t", requires_noxkit=">=0.1").check()

    def test_missing_profile(self):
        """An unknown profile names the entry-point group."""
        with pytest.raises(ConfigError, match=r"not found in the 'noxkit\.profiles' entry-point"):
            load_profile("surely-not-installed")
