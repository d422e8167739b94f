"""Broken state on disk or on the command line: data that is never trusted and never a crash.

Issue 13, items 1-3: a stamp that is not UTF-8, an argument that is not UTF-8 (and a lock file
holding binary content), and a ``pyvenv.cfg`` that now points at another interpreter.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration

STAMP = ".nox/lint/noxkit-stamp.json"


class TestNonUtf8Stamp:
    @pytest.mark.parametrize(
        ("args", "env"),
        [
            (["-r", "-s", "lint"], None),
            (["-s", "lint"], None),
            (["-r", "-s", "lint"], {"CI": "1"}),
        ],
        ids=["reuse", "reuse-off", "ci"],
    )
    def test_non_utf8_stamp_is_a_missing_stamp(self, make_project, args, env):
        """A stamp that is not UTF-8 text means rebuild, with one line saying why, in every
        mode; never a UnicodeDecodeError traceback."""
        project = make_project("src-clean")
        assert project.nox("-s", "lint").returncode == 0
        (project.path / STAMP).write_bytes(b'{"fingerprint": "\xff"}')
        run = project.nox(*args, env=env)
        assert run.returncode == 0, run
        assert "Traceback" not in run.output, run
        assert "UnicodeDecodeError" not in run.output, run
        if "-r" in args:
            assert "rebuilding lint: its stamp is not UTF-8 text" in run.output, run
        assert b"\xff" not in (project.path / STAMP).read_bytes()


class TestNonUtf8Arguments:
    def test_non_utf8_argument_does_not_crash_the_lock(self, make_project):
        """A posarg that is not UTF-8 is data: the session runs and passes it on (ruff then
        complains about a path it cannot find), never a UnicodeEncodeError in the lock."""
        project = make_project("src-clean")
        # The byte 0xff on the command line, as a shell passes it. Passed as bytes and read
        # back with replacement, so no surrogate reaches pytest's (or xdist's) reports.
        proc = subprocess.run(
            [project.python, "-m", "nox", "--non-interactive", "-s", "lint", "--", b"\xff"],
            cwd=project.path,
            env=project.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=300,
            check=False,
        )
        output = proc.stdout.decode("utf-8", errors="replace")
        assert "UnicodeEncodeError" not in output, output
        assert "Traceback" not in output, output
        assert "Running session lint" in output, output

    def test_binary_lock_content_does_not_crash_the_busy_message(self, make_project):
        """When the lock file holds binary content while another process holds it, the
        "in use by" message still prints (with `fail`), never a UnicodeDecodeError."""
        project = make_project("src-clean")
        project.append("pyproject.toml", '\n[tool.noxkit.envs]\nwhen-busy = "fail"\n')
        lock = project.path / ".nox/lint.lock"
        lock.parent.mkdir(parents=True)
        lock.write_bytes(b"\xff\xfe 12 \x80\x81\n")
        holder = subprocess.Popen(  # holds the flock until its stdin closes
            [sys.executable, "-c", _HOLD, str(lock)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline() == b"locked\n"
            run = project.nox("-s", "lint", timeout=120)
        finally:
            holder.communicate(b"")
        assert run.returncode == 1, run
        assert "UnicodeDecodeError" not in run.output, run
        assert "is in use by another process" in run.output, run


_HOLD = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()
"""


class TestPyvenvCfg:
    def test_changed_home_rebuilds(self, make_project):
        """An environment whose pyvenv.cfg `home` changed would run another stdlib: it is
        rebuilt, naming the change, never reused as "unchanged"."""
        project = make_project("src-clean")
        assert project.nox("-r", "-s", "lint").returncode == 0
        cfg = project.path / ".nox/lint/pyvenv.cfg"
        lines = cfg.read_text(encoding="utf-8").splitlines()
        cfg.write_text(
            "\n".join("home = /usr/bin" if ln.startswith("home") else ln for ln in lines) + "\n",
            encoding="utf-8",
        )
        run = project.nox("-r", "-s", "lint")
        assert run.returncode == 0, run
        assert "environment unchanged" not in run.output, run
        assert "rebuilding lint: pyvenv.cfg changed (home:" in run.output, run
        assert "home = /usr/bin" not in cfg.read_text(encoding="utf-8")
