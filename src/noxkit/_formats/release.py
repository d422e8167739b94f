"""The `release` logic: conventional commits -> next version -> changelog section -> files.

Pure functions over strings and files; the git calls and the gate live in
`noxkit._session.release`. Why not commitizen, git-cliff or bump-my-version: each wants its
own configuration table describing where the version lives and how the changelog looks, which
noxkit already knows from the project (the same discovery `build` uses), and each runs as one
opaque command whose dry run cannot be tested line by line. The Conventional Commits grammar
this needs is one regular expression; keeping it here, unit tested, is smaller than
generating another tool's configuration on the fly. See docs/release.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from packaging.version import InvalidVersion, Version

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

__all__ = [
    "LOG_FORMAT",
    "Change",
    "VersionSource",
    "bump",
    "find_version_source",
    "insert_section",
    "next_version",
    "parse_commit",
    "parse_log",
    "read_version",
    "render_section",
    "write_version",
]

Bump = Literal["major", "minor", "patch"]

_HEADER = re.compile(
    r"^(?P<type>[A-Za-z]+)(?:\((?P<scope>[^()\r\n]*)\))?(?P<bang>!)?: +(?P<description>\S.*)$"
)
_BREAKING_FOOTER = re.compile(r"^BREAKING[ -]CHANGE: *(?P<note>.*)$", re.MULTILINE)

# Changelog sections, in the order they are written. Other types (docs, chore, ci, test,
# refactor, style, build) are not user-visible changes and stay out of the changelog.
SECTIONS: dict[str, str] = {
    "breaking": "Breaking changes",
    "feat": "Features",
    "fix": "Fixes",
    "perf": "Performance",
    "revert": "Reverts",
}


@dataclass(frozen=True)
class Change:
    """One conventional commit."""

    sha: str
    type: str
    scope: str | None
    description: str
    breaking: bool
    note: str | None = None
    """The ``BREAKING CHANGE:`` footer's text, when given."""


def parse_commit(sha: str, message: str) -> Change | None:
    """The commit as a conventional commit, or None when its subject does not follow the spec."""
    subject, _, body = message.strip().partition("\n")
    match = _HEADER.match(subject.strip())
    if match is None:
        return None
    footer = _BREAKING_FOOTER.search(body)
    note = footer.group("note").strip() or None if footer else None
    return Change(
        sha=sha,
        type=match.group("type").lower(),
        scope=match.group("scope") or None,
        description=match.group("description").strip(),
        breaking=bool(match.group("bang")) or footer is not None,
        note=note,
    )


LOG_FORMAT = "--format=%H%x1f%B%x1e"
"""``git log`` format read by :func:`parse_log`: the hash and the WHOLE message (``%B``), so
footers such as ``BREAKING CHANGE:`` are seen; the subject alone (``%s``) would lose them."""


def parse_log(log: str) -> tuple[list[Change], int]:
    """The conventional commits of a ``git log`` in :data:`LOG_FORMAT`, and the commit count."""
    records = [r.strip("\n") for r in log.split("\x1e") if r.strip()]
    changes = []
    for record in records:
        sha, _, message = record.partition("\x1f")
        change = parse_commit(sha, message)
        if change is not None:
            changes.append(change)
    return changes, len(records)


def bump(changes: Iterable[Change]) -> Bump | None:
    """The bump the changes call for: breaking -> major, feat -> minor, fix/perf -> patch."""
    found: Bump | None = None
    for change in changes:
        if change.breaking:
            return "major"
        if change.type == "feat":
            found = "minor"
        elif change.type in {"fix", "perf", "revert"} and found is None:
            found = "patch"
    return found


def next_version(current: str, kind: Bump) -> str:
    """``current`` bumped by ``kind`` (a pre-release or dev suffix is dropped)."""
    try:
        version = Version(current)
    except InvalidVersion:
        raise ValueError(f"the current version {current!r} is not a valid version") from None
    major, minor, patch = (*version.release, 0, 0)[:3]
    if kind == "major":
        return f"{major + 1}.0.0"
    if kind == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def render_section(version: str, date: str, changes: Sequence[Change]) -> str:
    """The changelog section of one release, grouped by type, oldest change first."""
    groups: dict[str, list[str]] = {key: [] for key in SECTIONS}
    for change in changes:
        scope = f"**{change.scope}:** " if change.scope else ""
        line = f"- {scope}{change.description} ({change.sha[:7]})"
        if change.breaking:
            groups["breaking"].append(
                f"- {scope}{change.note or change.description} ({change.sha[:7]})"
            )
        if change.type in groups:
            groups[change.type].append(line)
    lines = [f"## {version} ({date})", ""]
    for key, title in SECTIONS.items():
        if groups[key]:
            lines += [f"### {title}", "", *groups[key], ""]
    return "\n".join(lines)


def insert_section(changelog: str, section: str) -> str:
    """The changelog with ``section`` above the newest release, below the title and preamble."""
    if not changelog.strip():
        return f"# Changelog\n\n{section}"
    match = re.search(r"^## ", changelog, flags=re.MULTILINE)
    if match is None:
        return changelog.rstrip("\n") + "\n\n" + section
    return changelog[: match.start()] + section + "\n" + changelog[match.start() :]


@dataclass(frozen=True)
class VersionSource:
    """Where the project keeps its version."""

    kind: Literal["pyproject", "file", "vcs"]
    path: Path | None
    """The file to rewrite (None for a VCS-derived version, which is only tagged)."""


_VCS_PLUGINS = ("setuptools-scm", "setuptools_scm", "hatch-vcs", "versioningit", "dunamai")
_DUNDER = re.compile(r"""^(__version__\s*(?::\s*str\s*)?=\s*)(["'])([^"']*)\2""", re.MULTILINE)
_PYPROJECT_VERSION = re.compile(r"""^(version\s*=\s*)(["'])([^"']*)\2""", re.MULTILINE)


def _is_vcs(pyproject: dict[str, Any]) -> bool:
    tool = pyproject.get("tool", {})
    requires = " ".join(pyproject.get("build-system", {}).get("requires", [])).lower()
    return (
        any(plugin in requires for plugin in _VCS_PLUGINS)
        or tool.get("hatch", {}).get("version", {}).get("source") == "vcs"
        or tool.get("pdm", {}).get("version", {}).get("source") == "scm"
        or "setuptools_scm" in tool
    )


def _attr_file(root: Path, attr: str) -> Path | None:
    """The module file of a setuptools ``attr = "pkg.mod.__version__"``."""
    parts = attr.split(".")[:-1]
    for base in (root / "src", root):
        module = base.joinpath(*parts)
        for path in (module.with_suffix(".py"), module / "__init__.py"):
            if path.is_file():
                return path
    return None


def find_version_source(  # noqa: PLR0911 - one return per place a version can live
    root: Path,
    pyproject: dict[str, Any],
    package_paths: Sequence[str],
    version_file: str | None = None,
) -> VersionSource | None:
    """Where the version lives, or None when noxkit cannot tell (the caller says what to set)."""
    if version_file is not None:
        return VersionSource("file", root / version_file)
    project = pyproject.get("project", {})
    if "version" in project and "version" not in project.get("dynamic", []):
        return VersionSource("pyproject", root / "pyproject.toml")
    if _is_vcs(pyproject):
        return VersionSource("vcs", None)
    tool = pyproject.get("tool", {})
    hatch_path = tool.get("hatch", {}).get("version", {}).get("path")
    if isinstance(hatch_path, str):
        return VersionSource("file", root / hatch_path)
    attr = tool.get("setuptools", {}).get("dynamic", {}).get("version", {})
    if isinstance(attr, dict) and isinstance(attr.get("attr"), str):
        found = _attr_file(root, attr["attr"])
        if found is not None:
            return VersionSource("file", found)
    # flit and friends read __version__ from the package itself.
    for package in package_paths:
        folder = root / package
        for name in ("_version.py", "__about__.py", "__init__.py"):
            path = folder / name if folder.is_dir() else folder
            if path.is_file() and _DUNDER.search(path.read_text(encoding="utf-8")):
                return VersionSource("file", path)
    return None


def read_version(source: VersionSource) -> str | None:
    """The version written in ``source`` (None for VCS versions or when none is found)."""
    if source.path is None:
        return None
    text = source.path.read_text(encoding="utf-8")
    if source.kind == "pyproject":
        match = _PYPROJECT_VERSION.search(_project_table(text)[1])
    else:
        match = _DUNDER.search(text)
    return match.group(3) if match else None


def _project_table(text: str) -> tuple[int, str]:
    """The offset and the text of pyproject's ``[project]`` table (up to the next table)."""
    start = re.search(r"^\[project\]\s*$", text, flags=re.MULTILINE)
    if start is None:
        return 0, ""
    end = re.search(r"^\[", text[start.end() :], flags=re.MULTILINE)
    stop = start.end() + end.start() if end else len(text)
    return start.end(), text[start.end() : stop]


def write_version(source: VersionSource, version: str) -> str:
    """The new text of ``source``'s file with ``version`` written in; only the version changes."""
    if source.path is None:
        raise ValueError("a VCS-derived version has no file to write")
    text = source.path.read_text(encoding="utf-8")
    if source.kind == "pyproject":
        offset, table = _project_table(text)
        new_table, count = _PYPROJECT_VERSION.subn(rf"\g<1>\g<2>{version}\g<2>", table, count=1)
        new = text[:offset] + new_table + text[offset + len(table) :]
    else:
        new, count = _DUNDER.subn(rf"\g<1>\g<2>{version}\g<2>", text, count=1)
    if count != 1:
        raise ValueError(f"no version assignment found in {source.path}")
    return new
