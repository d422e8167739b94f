"""``noxkit init``: give a project a noxfile, a ``[tool.noxkit]`` table and a CI workflow.

Never destroys work: an existing file is left alone unless ``--force``, and ``pyproject.toml``
is only ever appended to (its formatting and comments stay as the author wrote them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from noxkit._errors import ConfigError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["NOXFILE", "TOOL_TABLE", "InitResult", "init_project"]

NOXFILE = '''\
#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2026.8", "noxkit"]
# ///
"""This project's sessions: noxkit's standard pipeline, configured in pyproject.toml."""

import nox
import noxkit

nox.needs_version = ">=2026.8"

noxkit.register()

if __name__ == "__main__":
    nox.main()
'''

TOOL_TABLE = """
[tool.noxkit]
# Every key is optional: the defaults fit a src-layout project. For example:
# python = ["3.12", "3.13"]    # the tests matrix (default: from the trove classifiers)
# [tool.noxkit.coverage]
# fail-under = 90
"""

_HAS_TABLE = re.compile(r"(?m)^\s*\[\s*tool\s*\.\s*noxkit\s*[\].]")


@dataclass
class InitResult:
    """What ``init`` did to each file, for the report it prints."""

    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def init_project(root: Path, *, force: bool) -> InitResult:
    """Write the noxfile and the ``[tool.noxkit]`` table (the CI file is the CLI's job)."""
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        msg = "no pyproject.toml here; noxkit reads the project's metadata and settings from it"
        raise ConfigError(msg, path=str(root))
    result = InitResult()
    noxfile = root / "noxfile.py"
    if noxfile.exists() and not force:
        result.kept.append("noxfile.py")
    else:
        noxfile.write_text(NOXFILE, encoding="utf-8")
        # The shebang runs it as a script (`./noxfile.py`); ruff's EXE001 wants the bit to match.
        noxfile.chmod(noxfile.stat().st_mode | 0o111)
        result.written.append("noxfile.py")
    text = pyproject.read_text(encoding="utf-8")
    if _HAS_TABLE.search(text):
        result.kept.append("pyproject.toml [tool.noxkit]")
    else:
        separator = "" if text.endswith("\n") or not text else "\n"
        with pyproject.open("a", encoding="utf-8") as handle:
            handle.write(separator + TOOL_TABLE)
        result.written.append("pyproject.toml [tool.noxkit] (appended)")
    return result
