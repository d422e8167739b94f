"""Helpers of the tests that compare a session's environment with the lockfile's pins."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from noxkit._config.toml import tomllib


def locked_pins(project: Any, *names: str) -> dict[str, str]:
    """``{name: version}`` of the lock's sets ``names`` that apply to the running Python."""
    data = tomllib.loads(project.read("noxkit.lock"))
    out = {}
    for name in names:
        for entry in data["sets"][name]:
            req = Requirement(entry)
            if req.marker is None or req.marker.evaluate():
                out[canonicalize_name(req.name)] = next(iter(req.specifier)).version
    return out


def installed_dists(project: Any, env: str) -> dict[str, str]:
    """``{name: version}`` of every distribution in a session environment."""
    python = project.path / ".nox" / env / "bin" / "python"
    listing = subprocess.run(
        [sys.executable, "-m", "uv", "pip", "list", "--format", "json", "--python", str(python)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {canonicalize_name(d["name"]): d["version"] for d in json.loads(listing)}
