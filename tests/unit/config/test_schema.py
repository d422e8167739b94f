"""Configuration: reading, strict validation, suggestions and layering (no nox, no process)."""

from __future__ import annotations

import pytest

from noxkit import ConfigError, load_config
from noxkit._config.schema import Layer, Settings, resolve_settings


def _write(tmp_path, text: str):
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    return tmp_path


def _settings(values: dict) -> Settings:
    settings, _ = resolve_settings([Layer("test", values, "pyproject.toml")])
    return settings


class TestDefaults:
    def test_empty_table_gives_defaults(self, tmp_path):
        """A project with no [tool.noxkit] gets every default."""
        config = load_config(_write(tmp_path, '[project]\nname = "x"\n'))
        assert config.settings == Settings()
        assert config.settings.tests.maxfail == 1
        assert config.settings.coverage.fail_under is None
        assert config.origins == {}

    def test_values_are_read_and_normalised(self, tmp_path):
        """Lists become tuples, a single python string becomes a one-item tuple."""
        config = load_config(
            _write(
                tmp_path,
                '[tool.noxkit]\npython = "3.12"\n[tool.noxkit.tests]\nmaxfail = 3\n'
                'args = ["-q"]\n[tool.noxkit.coverage]\nfail-under = 92.5\n',
            )
        )
        assert config.settings.python == ("3.12",)
        assert config.settings.tests.maxfail == 3
        assert config.settings.tests.args == ("-q",)
        assert config.settings.coverage.fail_under == 92.5
        assert config.origins["tests.maxfail"] == "pyproject.toml"


class TestErrors:
    @pytest.mark.parametrize(
        ("table", "key", "hint"),
        [
            ("tests", "maxfial", "did you mean 'maxfail'?"),
            ("tests", "allow-no-test", "did you mean 'allow-no-tests'?"),
            ("", "pythn", "did you mean 'python'?"),
            ("tests", "fail-under", "did you mean 'fail-under' in [tool.noxkit.coverage]?"),
        ],
    )
    def test_unknown_key_suggests(self, tmp_path, table, key, hint):
        """An unknown key names the file, the key and the nearest valid key."""
        header = f"[tool.noxkit.{table}]" if table else "[tool.noxkit]"
        root = _write(tmp_path, f"{header}\n{key} = 1\n")
        with pytest.raises(ConfigError) as info:
            load_config(root)
        message = str(info.value)
        assert str(root / "pyproject.toml") in message
        assert f"unknown key '{key}'" in message
        assert hint in message

    def test_unknown_key_without_near_match_lists_valid_keys(self):
        """With no close match, the valid keys of the table are listed."""
        with pytest.raises(ConfigError, match=r"valid keys: .*maxfail"):
            _settings({"tests": {"zzzz": 1}})

    @pytest.mark.parametrize(
        ("values", "expected"),
        [
            ({"tests": {"maxfail": "1"}}, "must be an integer, got '1' (string)"),
            ({"tests": {"maxfail": True}}, "must be an integer, got True (boolean)"),
            ({"tests": {"maxfail": -1}}, "must be at least 0, got -1"),
            ({"coverage": {"fail-under": "90"}}, "must be a number, got '90' (string)"),
            ({"lint": {"format": "yes"}}, "must be a boolean (true or false), got 'yes'"),
            ({"python": 3.12}, "must be a string or a list of strings, got 3.12 (number)"),
            ({"lint": {"paths": ["src", 1]}}, "must be a list of strings"),
            ({"tools": {"ruff": "latest"}}, "must be a version specifier string"),
            ({"tests": {"deps": ["not a requirement!"]}}, "holds an invalid requirement"),
            ({"tests": 3}, "[tool.noxkit.tests] must be a table, got 3 (integer)"),
        ],
    )
    def test_wrong_type_names_key_and_expected_type(self, values, expected):
        """A wrong type names the key, the expected type and the value."""
        with pytest.raises(ConfigError) as info:
            _settings(values)
        assert expected in str(info.value)

    def test_malformed_toml_gives_line_and_column(self, tmp_path):
        """Broken TOML gives path:line:column, not a traceback."""
        root = _write(tmp_path, '[project]\nname = "x"\n\n[tool.noxkit]\npython = = 1\n')
        with pytest.raises(ConfigError) as info:
            load_config(root)
        error = info.value
        assert (error.line, error.column) == (5, 10)
        assert str(error).startswith(f"{root / 'pyproject.toml'}:5:10: invalid TOML")

    def test_missing_pyproject(self, tmp_path):
        """A folder without pyproject.toml is a config error naming the path."""
        with pytest.raises(ConfigError, match=r"pyproject\.toml: file not found"):
            load_config(tmp_path)

    def test_tool_noxkit_not_a_table(self, tmp_path):
        """`tool.noxkit = 1` is refused with the type it got."""
        with pytest.raises(ConfigError, match="must be a table"):
            load_config(_write(tmp_path, "[tool]\nnoxkit = 1\n"))


class TestLayers:
    def test_later_layer_wins_and_origin_is_recorded(self):
        """A later layer replaces a key set by an earlier one; origins say who set what."""
        settings, origins = resolve_settings(
            [
                Layer("profile acme", {"tests": {"maxfail": 5}, "coverage": {"fail-under": 80}}),
                Layer("pyproject.toml", {"tests": {"maxfail": 2}}),
            ]
        )
        assert settings.tests.maxfail == 2
        assert settings.coverage.fail_under == 80
        assert origins == {"tests.maxfail": "pyproject.toml", "coverage.fail-under": "profile acme"}

    def test_error_names_the_layer(self):
        """An error in one layer names that layer, not the merged result."""
        with pytest.raises(ConfigError, match=r"^profile acme: unknown key 'maxfial'"):
            resolve_settings([Layer("profile acme", {"tests": {"maxfial": 1}})])

    def test_overrides_from_register(self, tmp_path):
        """register()'s overrides sit above pyproject.toml."""
        root = _write(tmp_path, '[tool.noxkit]\npython = ["3.11"]\n')
        config = load_config(root, overrides={"python": ["3.13"]})
        assert config.settings.python == ("3.13",)
        assert config.origins["python"] == "register()"


class TestEnvsSetting:
    def test_unknown_reuse_mode_is_rejected(self, tmp_path):
        """`[tool.noxkit.envs] reuse` accepts only its listed words."""
        (tmp_path / "pyproject.toml").write_text('[tool.noxkit.envs]\nreuse = "always"\n')
        with pytest.raises(ConfigError, match="must be one of 'flag', 'fingerprint'"):
            load_config(tmp_path)


class TestCommandLineLayerShapes:
    @pytest.mark.parametrize("spec", ["profile=[];profile.x=1", "tests.=3", ".maxfail=3", "a..b=1"])
    def test_a_key_path_that_cannot_be_a_table_is_one_line(self, spec):
        """NOXKIT_SET with a value used as a table, or an empty key part: a ConfigError."""
        from noxkit._config.schema import command_line_layer  # noqa: PLC0415

        with pytest.raises(ConfigError, match="NOXKIT_SET: "):
            command_line_layer(spec)
