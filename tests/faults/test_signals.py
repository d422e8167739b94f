"""SIGTERM and SIGHUP to nox alone (CI cancellation, a closed terminal): Ctrl-C's guarantees.

Issue 13, item 5. The signal goes to nox's PID only, not its group, as a CI runner sends it;
the fixture's test (or build) writes a marker once it runs, so the signal arrives when the
child is ready.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from processes import session_processes, wait_for

pytestmark = pytest.mark.integration


def _spawn(project, args, log: Path, env=None):
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "nox", "--non-interactive", *args],
            cwd=project.path,
            env=project.env(env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


class TestSigterm:
    def test_sigterm_during_tests_ends_the_tools_and_exits_143(self, make_project, tmp_path):
        """SIGTERM to nox while pytest runs: pytest is ended too (no orphan runs on from the
        environment), the run exits 143 with an `interrupted` line, and the report says so."""
        project = make_project("slow-tests")
        (project.path / "hold").touch()  # the paused test waits while this file exists
        log = tmp_path / "run.log"
        proc = _spawn(project, ["-s", "tests"], log)
        try:
            _wait((project.path / "running").exists, what="pytest to run the paused test")
            pytest_pid = int((project.path / "running").read_text())
            os.kill(proc.pid, signal.SIGTERM)  # nox alone, as a CI runner cancels
            assert proc.wait(timeout=60) == 143, log.read_text()
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        output = log.read_text()
        assert "SIGTERM received: the run is interrupted" in output, output
        assert "Traceback" not in output, output
        _wait(lambda: not _alive(pytest_pid), timeout=5, what="pytest to be ended")
        assert not session_processes(proc.pid), output
        report = json.loads(project.read(".nox/noxkit/run-report.json"))
        assert report["sessions"][0]["result"] == "interrupted", output

    def test_sighup_during_install_leaves_no_stamp(self, make_project, tmp_path):
        """SIGHUP while the install runs: exit 129, no process left, no stamp; the next run
        rebuilds the environment instead of trusting it."""
        project = make_project("slow-build")
        marker = tmp_path / "building"
        log = tmp_path / "run.log"
        proc = _spawn(project, ["-r", "-s", "tests"], log, {"SLOW_BUILD_MARKER": str(marker)})
        try:
            _wait(marker.exists, what="the install to start")
            os.kill(proc.pid, signal.SIGHUP)
            assert proc.wait(timeout=60) == 129, log.read_text()
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        assert "SIGHUP received: the run is interrupted" in log.read_text()
        _wait(lambda: not session_processes(proc.pid), timeout=5, what="no stray process")
        assert not (project.path / ".nox/tests-3-11/noxkit-stamp.json").exists()
        again = project.nox("-r", "-s", "tests")
        assert again.returncode == 0, again
        assert "rebuilding tests-3.11: it has no stamp" in again.output, again


def _wait(predicate, timeout: float = 180, what: str = "condition") -> None:
    """This file's runs install a lot: a longer default wait."""
    wait_for(predicate, timeout, what)


class TestSigtermToParallelParent:
    def test_sigterm_to_the_parent_alone_ends_its_workers_and_their_tools(
        self, make_project, tmp_path
    ):
        """`nox -j`: the parent runs no session itself. SIGTERM to its PID alone (a CI runner
        cancelling) ends the workers and the tools they run, and the run exits 143."""
        project = make_project("slow-tests")
        (project.path / "hold").touch()  # the paused test waits while this file exists
        log = tmp_path / "run.log"
        proc = _spawn(project, ["-j", "2", "-s", "tests", "lint"], log)
        try:
            _wait((project.path / "running").exists, what="pytest to run the paused test")
            pytest_pid = int((project.path / "running").read_text())
            os.kill(proc.pid, signal.SIGTERM)  # the parent alone
            assert proc.wait(timeout=60) == 143, log.read_text()
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        output = log.read_text()
        assert "SIGTERM received: the run is interrupted" in output, output
        _wait(lambda: not _alive(pytest_pid), timeout=10, what="pytest to be ended")
        _wait(lambda: not session_processes(proc.pid), timeout=10, what="no worker left")
