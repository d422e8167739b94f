"""Choice settings are Literals, and validation takes the allowed values from them."""

from __future__ import annotations

import typing

import pytest

from noxkit import ConfigError
from noxkit._config import schema
from noxkit._config.schema import Layer, iter_keys, resolve_settings

CHOICE_KEYS = {
    "envs.reuse": schema.Reuse,
    "envs.when-busy": schema.WhenBusy,
    "envs.compile-bytecode": schema.CompileBytecode,
    "envs.prefill": schema.Prefill,
    "lock.on-stale": schema.OnStale,
    "envs.download-python": schema.DownloadPython,
    "build.reproducible": schema.Reproducible,
    "coverage.core": schema.CoverageCore,
    "venv-backend": schema.VenvBackend,
}


def _table(dotted: str, value: object) -> dict[str, object]:
    *tables, leaf = dotted.split(".")
    table: dict[str, object] = {leaf: value}
    for name in reversed(tables):
        table = {name: table}
    return table


def _resolve(dotted: str, value: object):
    return resolve_settings([Layer("pyproject.toml", _table(dotted, value))])[0]


def _hints():
    """Each leaf key's annotation, resolved (the schema module postpones annotations)."""
    out = {}
    for dotted, f in iter_keys():
        owner = schema.Settings
        for part in dotted.split(".")[:-1]:
            owner = typing.get_type_hints(owner)[part.replace("-", "_")]
        out[dotted] = typing.get_type_hints(owner)[f.name]
    return out


class TestChoices:
    @pytest.mark.parametrize(("dotted", "literal"), CHOICE_KEYS.items())
    def test_every_allowed_value_validates(self, dotted, literal):
        """Each value of the Literal is accepted."""
        for value in typing.get_args(literal):
            _resolve(dotted, value)

    @pytest.mark.parametrize("dotted", CHOICE_KEYS)
    def test_other_values_are_refused_with_the_list(self, dotted):
        """A value outside the Literal is a configuration error naming the allowed ones."""
        with pytest.raises(ConfigError, match="one of"):
            _resolve(dotted, "conda-nonsense")

    def test_venv_backend_takes_alternatives(self):
        """`uv|virtualenv` is two allowed backends; a bad one among them is named."""
        assert _resolve("venv-backend", "uv|venv").venv_backend == "uv|venv"
        with pytest.raises(ConfigError, match="'conda-nonsense' is not one of"):
            _resolve("venv-backend", "uv|conda-nonsense")

    def test_choices_are_the_annotated_literal(self):
        """A key's allowed values and its type annotation are one Literal, never two lists."""
        hints = _hints()
        for dotted, f in iter_keys():
            choices = f.metadata["choices"]
            if dotted == "venv-backend":
                assert choices == typing.get_args(schema.VenvBackend)
            elif choices is not None:
                assert typing.get_origin(hints[dotted]) is typing.Literal, dotted
                assert typing.get_args(hints[dotted]) == choices, dotted
            else:
                assert typing.get_origin(hints[dotted]) is not typing.Literal, dotted
        assert set(CHOICE_KEYS) == {d for d, f in iter_keys() if f.metadata["choices"]}
