"""The configuration reference page: every key documented, the committed page up to date."""

from __future__ import annotations

import re
from pathlib import Path

from noxkit._config.reference import configuration_reference
from noxkit._config.schema import Layer, iter_keys, resolve_settings
from noxkit._config.toml import tomllib


def test_every_key_has_doc_and_example():
    """Every schema key carries a doc line and an example (the reference is built from them)."""
    for dotted, field in iter_keys():
        assert field.metadata["doc"], dotted
        assert field.metadata["example"], dotted


class TestReference:
    def test_committed_page_matches_the_schema(self):
        """docs/configuration.md is exactly what the schema generates (regenerate on change)."""
        page = Path(__file__).parents[3] / "docs" / "configuration.md"
        assert page.read_text(encoding="utf-8") == configuration_reference(), (
            "docs/configuration.md is stale: run `python -m noxkit._config.reference > "
            "docs/configuration.md`"
        )

    def test_every_example_block_is_valid_configuration(self):
        """Each TOML example on the reference page parses and validates."""
        blocks = re.findall(r"```toml\n(.*?)```", configuration_reference(), flags=re.DOTALL)
        assert len(blocks) >= 6
        for block in blocks:
            data = tomllib.loads(block)
            resolve_settings([Layer("docs", data["tool"]["noxkit"], "docs")])
