# /// script
# dependencies = ["nox>=2026.8", "packaging>=23", "tomli>=2; python_version < '3.11'"]
# ///
"""The quickstart's pipeline: noxkit's standard sessions, with noxkit taken from this clone."""

from __future__ import annotations

import sys
from pathlib import Path

import nox

# noxkit is not published: take it from the clone this example ships in. A project of its own
# installs noxkit (a wheel or the clone) and needs only the lines below this one.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

import noxkit

nox.needs_version = ">=2026.8"
nox.options.default_venv_backend = "uv|virtualenv"

# The example tests on the Python that runs nox, so the README's command works on a machine
# with a single Python; a project lists its Pythons in [tool.noxkit] python (or classifiers).
noxkit.register(python=f"{sys.version_info.major}.{sys.version_info.minor}")

if __name__ == "__main__":
    nox.main()
