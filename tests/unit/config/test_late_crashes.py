"""Values that used to validate and crash later are refused at load time (issue 13, item 10)."""

from __future__ import annotations

import pytest

from noxkit import ConfigError, Profile, build_plan, load_config
from noxkit._cli.doctor import diagnose


def _root(tmp_path, table: str = ""):
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "app"\n{table}', encoding="utf-8")
    (tmp_path / "src" / "app").mkdir(parents=True)
    (tmp_path / "src" / "app" / "__init__.py").write_text("", encoding="utf-8")
    return tmp_path


class TestPathSettings:
    @pytest.mark.parametrize(
        ("table", "key"),
        [
            ('[tool.noxkit.report]\njson = "/"\n', "'json' in [tool.noxkit.report]"),
            ('[tool.noxkit.report]\njson = "out/"\n', "'json' in [tool.noxkit.report]"),
            ('[tool.noxkit.lock]\npath = "."\n', "'path' in [tool.noxkit.lock]"),
            ('[tool.noxkit.release]\nchangelog = ".."\n', "'changelog' in [tool.noxkit.release]"),
            ('[tool.noxkit]\noutput-dir = "a\\u0000b"\n', "'output-dir' in [tool.noxkit]"),
            ('[tool.noxkit]\noutput-dir = " "\n', "'output-dir' in [tool.noxkit]"),
        ],
    )
    def test_a_path_that_cannot_be_written_is_refused(self, tmp_path, table, key):
        """A file setting naming a folder (or a NUL path) is one ConfigError naming the key."""
        with pytest.raises(ConfigError, match=r"must name a|without NUL") as info:
            load_config(_root(tmp_path, table))
        assert key in str(info.value)
        assert str(tmp_path / "pyproject.toml") in str(info.value)

    def test_the_empty_report_path_still_means_the_default(self, tmp_path):
        """`json = ""` keeps meaning the default report path."""
        config = load_config(_root(tmp_path, '[tool.noxkit.report]\njson = ""\n'))
        assert config.settings.report.json == ""


class TestSkipAgreesWithNox:
    def test_doctor_and_the_plan_refuse_an_unknown_skip(self, tmp_path):
        """`skip = ["=="]` fails while planning, so doctor cannot say "no problems found"."""
        config = load_config(_root(tmp_path, '[tool.noxkit]\nskip = ["=="]\n'))
        with pytest.raises(ConfigError, match=r"skip: no session '=='") as info:
            diagnose(build_plan(config))
        assert str(info.value).startswith(str(tmp_path / "pyproject.toml"))

    def test_a_typo_gets_the_nearest_session(self, tmp_path):
        """A near miss names the session meant."""
        with pytest.raises(ConfigError, match="did you mean 'lint'"):
            build_plan(load_config(_root(tmp_path, '[tool.noxkit]\nskip = ["lnt"]\n')))

    def test_the_command_line_layer_is_named(self, tmp_path):
        """A skip set through NOXKIT_SET names that layer, not pyproject.toml."""
        config = load_config(_root(tmp_path), environ={"NOXKIT_SET": 'skip=["nope"]'})
        with pytest.raises(ConfigError, match="NOXKIT_SET"):
            build_plan(config)


class TestWrapperProfile:
    def test_requires_noxkit_is_checked_when_passed_in(self, tmp_path):
        """register(profile=Profile(requires_noxkit=">=99")) fails like an entry point does."""
        profile = Profile(name="t", requires_noxkit=">=99")
        with pytest.raises(ConfigError, match=r"requires noxkit>=99"):
            load_config(_root(tmp_path), profile=profile)

    def test_a_missing_tool_config_is_checked_when_passed_in(self, tmp_path):
        """A wrapper profile's tool config that does not exist is named."""
        profile = Profile(name="t", tool_configs={"ruff": tmp_path / "missing.toml"})
        with pytest.raises(ConfigError, match=r"ruff configuration .*missing.toml does not exist"):
            load_config(_root(tmp_path), profile=profile)
