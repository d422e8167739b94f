"""The environment lock file is data: undecodable arguments or content never crash it."""

from __future__ import annotations

import fcntl
import os
import sys

import pytest

from noxkit._session.envs import EnvLock


class TestLockFileData:
    def test_non_utf8_argument_is_written_escaped(self, tmp_path, monkeypatch):
        """A surrogate-escaped argument (bytes that are not UTF-8) is written escaped."""
        monkeypatch.setattr(sys, "argv", ["nox", "-s", "lint", "--", "\udcff"])
        lock = EnvLock(tmp_path / "env")
        lock.acquire(wait=False)
        try:
            assert lock.holder() == f"PID {os.getpid()} (nox -s lint -- \\udcff)"
        finally:
            lock.release()

    def test_binary_content_reads_as_another_process(self, tmp_path):
        """A lock file holding binary content names "another process" as its holder."""
        lock = EnvLock(tmp_path / "env")
        lock.path.write_bytes(b"\xff\xfe 12 \x80\n")
        assert lock.holder() == "another process"
        fd = os.open(lock.path, os.O_RDWR)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            with pytest.raises(BlockingIOError, match="another process"):
                EnvLock(tmp_path / "env").acquire(wait=False)
        finally:
            os.close(fd)
