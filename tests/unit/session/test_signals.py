"""SIGTERM handling: the children of the process are ended before the run unwinds."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from noxkit._session import register, signals

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


class TestForwardFromRegister:
    """The run's owner handles SIGTERM/SIGHUP from register() on (a `nox -j` parent too)."""

    @pytest.fixture(autouse=True)
    def _restore(self):
        saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}
        yield
        for signum, handler in saved.items():
            signal.signal(signum, handler)

    def test_default_handlers_are_replaced(self):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        register._forward_signals()
        assert signal.getsignal(signal.SIGTERM) is register._on_signal
        assert signal.getsignal(signal.SIGHUP) is register._on_signal

    def test_a_handler_somebody_installed_is_kept(self):
        def mine(signum, frame):
            """A CI wrapper's own handler."""

        signal.signal(signal.SIGTERM, mine)
        register._forward_signals()
        assert signal.getsignal(signal.SIGTERM) is mine
