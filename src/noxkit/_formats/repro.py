"""Reproducible builds: the build's timestamp, and comparing two builds of one artifact. Pure.

A build is reproducible when building the same source twice, in another folder, under another
umask, at another time, gives the same bytes. When it does not, a digest mismatch alone tells
the user nothing they can fix, so the two archives are compared member by member and each
difference is named with its kind: ``timestamps``, ``order``, ``permissions``, ``ownership``,
``content`` (with the first differing line of a text file), or a member only one build has.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import tarfile
import zipfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

__all__ = [
    "FALLBACK_EPOCH",
    "ArchiveComparison",
    "MemberDifference",
    "compare_archives",
    "current_umask",
    "hints",
    "other_umask",
    "source_date_epoch",
]

FALLBACK_EPOCH = 315532800
"""1980-01-01T00:00:00Z: the earliest time a zip file can hold, used outside git."""

_MAX_LISTED = 20
_PRIVATE, _SHARED = 0o077, 0o022


@dataclass(frozen=True)
class MemberDifference:
    """How one member (a file inside the archive) differs between the two builds."""

    member: str
    """The member's path inside the archive; empty for the archive's own header."""
    kinds: tuple[str, ...]
    detail: str = ""

    def line(self) -> str:
        """``pkg/_built.py: content (line 1: '...' vs '...')``."""
        where = self.member or "(archive header)"
        detail = f" ({self.detail})" if self.detail else ""
        return f"{where}: {', '.join(self.kinds)}{detail}"


@dataclass
class ArchiveComparison:
    """Two builds of one artifact, compared."""

    name: str
    digest: str
    other_digest: str
    differences: list[MemberDifference] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        """Byte for byte the same."""
        return self.digest == self.other_digest

    def kinds(self) -> list[str]:
        """Every kind of difference found, in a stable order."""
        seen: dict[str, None] = {}
        for difference in self.differences:
            seen.update(dict.fromkeys(difference.kinds))
        return list(seen)

    def lines(self) -> list[str]:
        """One line per differing member (at most a screenful, then a count)."""
        out = [d.line() for d in self.differences[:_MAX_LISTED]]
        if len(self.differences) > _MAX_LISTED:
            out.append(f"... and {len(self.differences) - _MAX_LISTED} more members")
        return out

    def as_json(self) -> dict[str, Any]:
        """For the run report and the history."""
        return {
            "name": self.name,
            "reproducible": self.identical,
            "digest": self.digest,
            "other_digest": self.other_digest,
            "kinds": self.kinds(),
            "differences": self.lines(),
        }


_HINTS = {
    "timestamps": "the backend writes the clock's time, not SOURCE_DATE_EPOCH (hatchling, "
    "flit and uv_build honour it)",
    "permissions": "the backend copies the build's umask into the archive (build under "
    "`umask 022`, or use a backend that normalises modes)",
    "order": "the backend lists files in directory order (sort them, or use a backend that does)",
    "content": "a generated file differs: look for a build hook writing the time, a path or "
    "random data",
    "ownership": "the backend records the builder's user and group",
}


def hints(kinds: Sequence[str]) -> list[str]:
    """What usually causes each kind of difference, and the usual fix."""
    return [f"{kind}: {_HINTS[kind]}" for kind in kinds if kind in _HINTS]


def source_date_epoch(root: Path, environ: Mapping[str, str]) -> tuple[int, str]:
    """The ``SOURCE_DATE_EPOCH`` of a build and where it came from (for the log line).

    The environment's own value wins (a packager who set it knows why); else the time of the
    last commit; else, outside git, a fixed date, so two builds of one tree still agree.
    """
    given = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if given.isdigit():
        return int(given), "from the environment"
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    if out.isdigit():
        return int(out), "the time of the last commit"
    return FALLBACK_EPOCH, "1980-01-01, a fixed date: not a git checkout (or no commit yet)"


def _first_text_difference(a: bytes, b: bytes) -> str:
    try:
        lines_a, lines_b = a.decode().splitlines(), b.decode().splitlines()
    except UnicodeDecodeError:
        return f"binary, {len(a)} vs {len(b)} bytes"
    for number, (line_a, line_b) in enumerate(zip(lines_a, lines_b, strict=False), start=1):
        if line_a != line_b:
            return f"line {number}: {_short(line_a)!r} vs {_short(line_b)!r}"
    return f"{len(lines_a)} vs {len(lines_b)} lines"


def _short(text: str, width: int = 60) -> str:
    text = text.strip()
    return text if len(text) <= width else text[: width - 3] + "..."


@dataclass(frozen=True)
class _Member:
    name: str
    mtime: object
    mode: int
    owner: object
    data: bytes


def _zip_members(path: Path) -> list[_Member]:
    with zipfile.ZipFile(path) as archive:
        return [
            _Member(
                name=info.filename,
                mtime=info.date_time,
                mode=(info.external_attr >> 16) & 0o7777,
                owner=None,
                data=archive.read(info),
            )
            for info in archive.infolist()
        ]


def _tar_members(path: Path) -> list[_Member]:
    members = []
    with tarfile.open(path, "r:*") as archive:
        for info in archive.getmembers():
            handle = archive.extractfile(info) if info.isfile() else None
            members.append(
                _Member(
                    name=info.name,
                    mtime=int(info.mtime),
                    mode=info.mode & 0o7777,
                    owner=(info.uid, info.gid, info.uname, info.gname),
                    data=handle.read() if handle is not None else info.linkname.encode(),
                )
            )
    return members


def _members(path: Path) -> list[_Member]:
    if path.name.endswith(".whl") or zipfile.is_zipfile(path):
        return _zip_members(path)
    return _tar_members(path)


def _gzip_header(path: Path) -> bytes:
    """The gzip header's mtime and name fields (bytes 4-8 and the optional name)."""
    with path.open("rb") as fh:
        head = fh.read(512)
    if head[:2] != b"\x1f\x8b":
        return b""
    flags = head[3]
    name = head[10 : head.find(b"\0", 10)] if flags & 0x08 else b""
    return head[4:8] + b"|" + name


def _compare_member(member: _Member, other: _Member) -> MemberDifference | None:
    kinds: list[str] = []
    detail = ""
    if member.data != other.data:
        kinds.append("content")
        detail = _first_text_difference(member.data, other.data)
    if member.mtime != other.mtime:
        kinds.append("timestamps")
        detail = detail or f"{_time(member.mtime)} vs {_time(other.mtime)}"
    if member.mode != other.mode:
        kinds.append("permissions")
        detail = detail or f"{member.mode:04o} vs {other.mode:04o}"
    if member.owner != other.owner:
        kinds.append("ownership")
    return MemberDifference(member.name, tuple(kinds), detail) if kinds else None


def _compare_members(a: list[_Member], b: list[_Member]) -> list[MemberDifference]:
    by_a, by_b = {m.name: m for m in a}, {m.name: m for m in b}
    differences = [
        MemberDifference(name, ("only in the first build",))
        for name in sorted(by_a.keys() - by_b.keys())
    ]
    differences += [
        MemberDifference(name, ("only in the second build",))
        for name in sorted(by_b.keys() - by_a.keys())
    ]
    for member in a:
        other = by_b.get(member.name)
        difference = _compare_member(member, other) if other is not None else None
        if difference is not None:
            differences.append(difference)
    common = [m.name for m in a if m.name in by_b]
    common_b = [m.name for m in b if m.name in by_a]
    if common != common_b:
        first = next(i for i, (x, y) in enumerate(zip(common, common_b, strict=True)) if x != y)
        detail = f"member {first + 1} is {common[first]} vs {common_b[first]}"
        differences.append(MemberDifference("(member list)", ("order",), detail))
    return differences


def _time(value: object) -> str:
    if isinstance(value, tuple):
        return "{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}".format(*value)
    return str(value)


def compare_archives(
    name: str, first: Path, second: Path, digests: Sequence[str]
) -> ArchiveComparison:
    """Compare two builds of the artifact ``name``; ``digests`` are their SHA-256s."""
    comparison = ArchiveComparison(name=name, digest=digests[0], other_digest=digests[1])
    if comparison.identical:
        return comparison
    try:
        differences = _compare_members(_members(first), _members(second))
    except (OSError, zipfile.BadZipFile, tarfile.TarError, EOFError, gzip.BadGzipFile) as exc:
        differences = [MemberDifference("", ("unreadable",), str(exc))]
    if name.endswith((".tar.gz", ".tgz")) and _gzip_header(first) != _gzip_header(second):
        differences.insert(0, MemberDifference("", ("timestamps",), "gzip header"))
    if not differences:
        detail = "same members, same metadata: compression or padding"
        differences.append(MemberDifference("", ("archive encoding",), detail))
    comparison.differences = differences
    return comparison


def other_umask(current: int) -> int:
    """A umask different from ``current``: 077 (private files), or 022 when that is in use."""
    return _SHARED if current == _PRIVATE else _PRIVATE


def current_umask() -> int:
    """The process's umask (reading it means setting it, so it is set straight back)."""
    value = os.umask(0o022)
    os.umask(value)
    return value
