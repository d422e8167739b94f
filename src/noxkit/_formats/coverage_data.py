"""What a run's coverage data holds, and which coverage tooling a project loads. Pure.

A total computed from no data is a lie (``TOTAL 0%`` and a green run): these helpers let the
``tests`` and ``coverage`` sessions tell "no data" from "low coverage". coverage.py's data
files are SQLite databases with a ``file`` table, one row per measured file, so the stdlib
reads them without importing coverage into the noxfile's process.
"""

from __future__ import annotations

import contextlib
import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

__all__ = ["PROBE_SCRIPT", "measured_files", "plugin_modules"]


def measured_files(data_files: Iterable[Path]) -> int:
    """How many distinct source files the coverage data files measured (0: no data).

    An unreadable or foreign file counts as no data: it cannot back a total either.
    """
    paths: set[str] = set()
    for path in data_files:
        # A read-only URI: never create or lock a database that another run may be writing.
        uri = f"file:{path}?mode=ro"
        with contextlib.suppress(sqlite3.Error, OSError):
            connection = sqlite3.connect(uri, uri=True)
            try:
                paths.update(row[0] for row in connection.execute("select path from file"))
            finally:
                connection.close()
    return len(paths)


def plugin_modules(project_config: Mapping[str, Mapping[str, str]]) -> list[str]:
    """The coverage plugins the project's configuration names (``[run] plugins``)."""
    text = project_config.get("run", {}).get("plugins", "")
    return [p for p in text.replace(",", "\n").split() if p]


PROBE_SCRIPT = """\
import importlib.util, json, sys
def found(name):
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False
print(json.dumps({name: found(name) for name in sys.argv[1:]}))
"""
"""Run with the environment's Python and module names: which of them are importable there."""
