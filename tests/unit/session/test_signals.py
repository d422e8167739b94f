"""SIGTERM handling: the children of the process are ended before the run unwinds."""

from __future__ import annotations

import subprocess
import sys

import pytest

from noxkit._session import signals

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


class TestEndChildren:
    def test_children_and_grandchildren_are_ended(self):
        """A child and the grandchild it started are both gone after _end_children (this test
        process has no other children: the helper ends every descendant)."""
        script = "import subprocess, sys, time; subprocess.Popen(['sleep', '60']); time.sleep(60)"
        child = subprocess.Popen([sys.executable, "-c", script])
        try:
            for _ in range(100):
                if len(signals._children()) >= 2:
                    break
                subprocess.run(["sleep", "0.05"], check=True)
            assert len(signals._children()) >= 2
            assert signals._end_children() >= 2
            assert child.wait(timeout=5) != 0
            assert signals._children() == []
        finally:
            child.kill()


class TestExitCode:
    def test_no_signal_no_code(self):
        """Without a handled signal the run keeps nox's exit code."""
        assert signals.exit_code() is None
