"""The coverage configuration noxkit runs with: the project's own, plus what noxkit needs.

coverage.py reads exactly one configuration file, so noxkit cannot add settings beside the
project's; it writes one file that holds the project's settings (from ``pyproject.toml``,
``.coveragerc``, ``setup.cfg`` or ``tox.ini``) with noxkit's additions on top: parallel data
files (so subprocesses and several Pythons never overwrite each other), subprocess measurement,
and a ``source`` when the project names none. Pure, apart from reading the project's files.
"""

from __future__ import annotations

import configparser
from typing import TYPE_CHECKING, Any

from noxkit._util import digest_json

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

__all__ = ["combine_inputs", "coverage_ini", "project_coverage_config", "single_data_file"]

_INI_FILES = ((".coveragerc", ""), ("setup.cfg", "coverage:"), ("tox.ini", "coverage:"))


def _ini_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "\n" + "\n".join(str(v) for v in value)
    return str(value)


def project_coverage_config(root: Path, pyproject: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The project's coverage settings as INI sections of strings, from the file coverage reads.

    Same order of precedence as coverage.py itself: ``.coveragerc``, then ``setup.cfg`` and
    ``tox.ini`` (``[coverage:...]`` sections), then ``pyproject.toml``.
    """
    for name, prefix in _INI_FILES:
        path = root / name
        if not path.is_file():
            continue
        parser = configparser.RawConfigParser()
        parser.read(path, encoding="utf-8")
        sections = {
            section.removeprefix(prefix): dict(parser.items(section))
            for section in parser.sections()
            if section.startswith(prefix)
        }
        if sections or not prefix:
            return sections
    tool_coverage = pyproject.get("tool", {}).get("coverage", {})
    out: dict[str, dict[str, str]] = {}
    if isinstance(tool_coverage, dict):
        for section, values in tool_coverage.items():
            if isinstance(values, dict):
                out[section] = {k: _ini_value(v) for k, v in values.items()}
    return out


def coverage_ini(
    project_config: dict[str, dict[str, str]],
    *,
    packages: tuple[str, ...],
    subprocess: bool,
) -> str:
    """Render the configuration file noxkit runs coverage with (INI text)."""
    sections = {name: dict(values) for name, values in project_config.items()}
    run = sections.setdefault("run", {})
    run["parallel"] = "true"
    if subprocess:
        patches = [p for p in run.get("patch", "").replace(",", "\n").split() if p]
        if "subprocess" not in patches:
            patches.append("subprocess")
        run["patch"] = "\n" + "\n".join(patches)
    if "source" not in run and "include" not in run and packages:
        run["source"] = "\n" + "\n".join(packages)
    parser = configparser.RawConfigParser()
    for name, values in sections.items():
        parser.add_section(name)
        for key, value in values.items():
            parser.set(name, key, value)
    lines = ["# Written by noxkit for each run: the project's coverage settings plus noxkit's.\n"]
    for name in parser.sections():
        lines.append(f"[{name}]\n")
        for key, value in parser.items(name):
            text = value.replace("\n", "\n    ")
            lines.append(f"{key} = {text}\n")
        lines.append("\n")
    return "".join(lines)


def combine_inputs(runs: Sequence[Path], rc_text: str) -> str:
    """A digest of what ``coverage combine`` reads: each data file (name, size, mtime), the rc.

    Equal digests mean combining again would write the same data, so the ``coverage`` session
    skips it (``nox -s coverage -- --html`` after a run, or a second report). A file rewritten
    within the clock's resolution keeps its mtime but not, in practice, its size and name:
    coverage.py names every data file after the host, the process and a random number.
    """
    files = []
    for run in sorted(runs):
        for path in sorted(run.glob(".coverage*")):
            try:
                stat = path.stat()
            except OSError:
                continue
            files.append([str(path), stat.st_size, stat.st_mtime_ns])
    return digest_json({"rc": rc_text, "files": files})


_TRUE = frozenset({"1", "true", "yes", "on"})


def single_data_file(
    runs: Sequence[Path], project_config: dict[str, dict[str, str]]
) -> Path | None:
    """The runs' one data file, when combining would only copy it; else None.

    ``coverage combine`` rewrites a file's paths only through ``[paths]`` aliases or
    ``relative_files``; without either, the combined data of one file is that file's data. A
    local run of one Python (the usual case) then needs no combine process: copying the file
    gives ``coverage report`` the same data, about 0.15 s sooner.
    """
    files = [path for run in runs for path in sorted(run.glob(".coverage*")) if path.is_file()]
    if len(files) != 1 or project_config.get("paths"):
        return None
    if project_config.get("run", {}).get("relative_files", "").strip().lower() in _TRUE:
        return None
    return files[0]
