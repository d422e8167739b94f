"""The ``noxkit`` command's entry point names a function that exists."""

from __future__ import annotations

import importlib
from pathlib import Path

from noxkit._config.toml import tomllib

PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"


def test_console_script_target_is_callable():
    """``[project.scripts] noxkit`` resolves to a function (not a module moved under it)."""
    scripts = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["scripts"]
    module, _, attr = scripts["noxkit"].partition(":")
    target = getattr(importlib.import_module(module), attr)
    assert callable(target), f"{scripts['noxkit']} is a {type(target).__name__}, not a function"
