"""Comparing two builds of an artifact, and the build's SOURCE_DATE_EPOCH."""

from __future__ import annotations

import hashlib
import io
import subprocess
import tarfile
import zipfile
from typing import TYPE_CHECKING

from noxkit._formats.repro import (
    FALLBACK_EPOCH,
    compare_archives,
    other_umask,
    source_date_epoch,
)

if TYPE_CHECKING:
    from pathlib import Path

Member = tuple[str, bytes, tuple[int, int, int, int, int, int], int]
STAMP = (2024, 1, 2, 3, 4, 6)
BASE: list[Member] = [
    ("pkg/__init__.py", b"x = 1\n", STAMP, 0o644),
    ("pkg/data.txt", b"hello\n", STAMP, 0o644),
]


def _wheel(path: Path, members: list[Member]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data, stamp, mode in members:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = (0o100000 | mode) << 16
            archive.writestr(info, data)
    return path


def _sdist(path: Path, members: list[Member], gzip_mtime: int = 0) -> Path:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as archive:
        for name, data, _, mode in members:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), mode, 1_700_000_000
            archive.addfile(info, io.BytesIO(data))
    import gzip  # noqa: PLC0415 - only here

    path.write_bytes(gzip.compress(raw.getvalue(), mtime=gzip_mtime))
    return path


def _compare(a: Path, b: Path):
    digests = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (a, b)]
    return compare_archives(a.name, a, b, digests)


class TestCompareArchives:
    def test_identical(self, tmp_path):
        """Byte-identical builds compare as reproducible, with no difference listed."""
        a = _wheel(tmp_path / "a.whl", BASE)
        b = _wheel(tmp_path / "b.whl", BASE)
        result = _compare(a, b)
        assert result.identical
        assert result.differences == []
        assert result.as_json()["reproducible"] is True

    def test_content_names_member_and_line(self, tmp_path):
        """A changed file is named, with the first line that differs."""
        changed = [BASE[0], ("pkg/data.txt", b"built at 12:00\n", STAMP, 0o644)]
        result = _compare(_wheel(tmp_path / "a.whl", BASE), _wheel(tmp_path / "b.whl", changed))
        assert not result.identical
        assert result.kinds() == ["content"]
        assert result.lines() == ["pkg/data.txt: content (line 1: 'hello' vs 'built at 12:00')"]

    def test_timestamps(self, tmp_path):
        """A member with another date is a timestamp difference."""
        later = [BASE[0], ("pkg/data.txt", b"hello\n", (2025, 1, 1, 0, 0, 0), 0o644)]
        result = _compare(_wheel(tmp_path / "a.whl", BASE), _wheel(tmp_path / "b.whl", later))
        assert result.kinds() == ["timestamps"]
        assert (
            "pkg/data.txt: timestamps (2024-01-02 03:04:06 vs 2025-01-01 00:00:00)"
            in result.lines()
        )

    def test_permissions(self, tmp_path):
        """A member with other mode bits is a permissions difference."""
        private = [BASE[0], ("pkg/data.txt", b"hello\n", STAMP, 0o600)]
        result = _compare(_wheel(tmp_path / "a.whl", BASE), _wheel(tmp_path / "b.whl", private))
        assert result.lines() == ["pkg/data.txt: permissions (0644 vs 0600)"]

    def test_order(self, tmp_path):
        """The same members in another order is an order difference."""
        result = _compare(_wheel(tmp_path / "a.whl", BASE), _wheel(tmp_path / "b.whl", BASE[::-1]))
        assert result.kinds() == ["order"]
        assert "member 1 is pkg/__init__.py vs pkg/data.txt" in result.lines()[0]

    def test_member_only_in_one_build(self, tmp_path):
        """A file only one build has is named."""
        extra = [*BASE, ("pkg/_stamp.py", b"", STAMP, 0o644)]
        result = _compare(_wheel(tmp_path / "a.whl", BASE), _wheel(tmp_path / "b.whl", extra))
        assert "pkg/_stamp.py: only in the second build" in result.lines()

    def test_sdist_gzip_header_timestamp(self, tmp_path):
        """Two sdists that differ only in the gzip header's mtime say so."""
        a = _sdist(tmp_path / "p-1.tar.gz", BASE, gzip_mtime=0)
        b_dir = tmp_path / "b"
        b_dir.mkdir()
        b = _sdist(b_dir / "p-1.tar.gz", BASE, gzip_mtime=1_700_000_000)
        result = _compare(a, b)
        assert result.lines() == ["(archive header): timestamps (gzip header)"]

    def test_sdist_content(self, tmp_path):
        """A changed file inside an sdist is named."""
        changed = [BASE[0], ("pkg/data.txt", b"bye\n", STAMP, 0o644)]
        a = _sdist(tmp_path / "p-1.tar.gz", BASE)
        b_dir = tmp_path / "b"
        b_dir.mkdir()
        b = _sdist(b_dir / "p-1.tar.gz", changed)
        assert _compare(a, b).lines() == ["pkg/data.txt: content (line 1: 'hello' vs 'bye')"]

    def test_long_lists_are_capped(self, tmp_path):
        """Hundreds of differing members print a screenful and a count, not a flood."""
        many_a = [(f"m{i}.txt", b"a", STAMP, 0o644) for i in range(30)]
        many_b = [(f"m{i}.txt", b"b", STAMP, 0o644) for i in range(30)]
        result = _compare(_wheel(tmp_path / "a.whl", many_a), _wheel(tmp_path / "b.whl", many_b))
        assert result.lines()[-1] == "... and 10 more members"


class TestSourceDateEpoch:
    def test_environment_wins(self, tmp_path):
        """A SOURCE_DATE_EPOCH the user set is kept, and said to be theirs."""
        assert source_date_epoch(tmp_path, {"SOURCE_DATE_EPOCH": "1234"}) == (
            1234,
            "from the environment",
        )

    def test_outside_git_is_a_stated_fixed_date(self, tmp_path):
        """Outside git the epoch is a fixed date, and the log line says why."""
        epoch, origin = source_date_epoch(tmp_path, {})
        assert epoch == FALLBACK_EPOCH
        assert "not a git checkout" in origin

    def test_last_commit(self, tmp_path):
        """In git the epoch is the time of the last commit."""
        env = {
            "GIT_AUTHOR_DATE": "@1600000000 +0000",
            "GIT_COMMITTER_DATE": "@1600000000 +0000",
            "GIT_AUTHOR_NAME": "a",
            "GIT_AUTHOR_EMAIL": "a@example.com",
            "GIT_COMMITTER_NAME": "a",
            "GIT_COMMITTER_EMAIL": "a@example.com",
            "PATH": "/usr/bin:/bin",
        }
        subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
        subprocess.run(
            ["git", "commit", "-q", "--allow-empty", "-m", "x"], cwd=tmp_path, check=True, env=env
        )
        assert source_date_epoch(tmp_path, {}) == (1600000000, "the time of the last commit")


def test_other_umask():
    """The second build runs under a umask other than the first's."""
    assert other_umask(0o022) == 0o077
    assert other_umask(0o077) == 0o022
