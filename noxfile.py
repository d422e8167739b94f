#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2026.8", "packaging>=23", "tomli>=2; python_version < '3.11'"]
# ///
"""noxkit's own pipeline, run by noxkit itself from this checkout (dogfooding)."""

from __future__ import annotations

import sys
from pathlib import Path

import nox

# Dogfood the checkout, not an installed release: a change to noxkit is tested by noxkit.
sys.path.insert(0, str(Path(__file__).parent / "src"))

import noxkit

nox.needs_version = ">=2026.8"
# noxkit picks each session's backend from [tool.noxkit]; this covers any other session.
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_external_run = True

noxkit.register()

if __name__ == "__main__":
    nox.main()
