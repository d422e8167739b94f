"""Partial coverage from an interrupted run is never combined as if the run had finished.

Issue 13, item 6: Ctrl-C during `tests`, then `nox -s coverage --no-dependencies` (what the
generated CI coverage job runs) used to combine the partial data and pass with a wrong total.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.integration


def _wait_for(predicate, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail("timed out waiting for pytest to run the paused test")


def test_interrupted_tests_data_is_refused_by_coverage(make_project, tmp_path):
    """After Ctrl-C in `tests`, `coverage` names the run and refuses its data (exit 1); a run
    that finishes makes the data trusted again."""
    project = make_project("slow-tests")
    (project.path / "hold").touch()
    log = tmp_path / "tests.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "nox", "--non-interactive", "-s", "tests"],
            cwd=project.path,
            env=project.env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for((project.path / "running").exists)
        os.killpg(proc.pid, signal.SIGINT)  # a terminal's Ctrl-C reaches the whole group
        assert proc.wait(timeout=60) == 130, log.read_text()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    data = project.path / ".nox/noxkit/coverage/tests-3.11"
    assert list(data.glob(".coverage*")), "the interrupted run left its partial data"
    run = project.nox("-s", "coverage", "--no-dependencies")
    assert run.returncode == 1, run
    assert "coverage data of tests-3.11 is from a run that did not finish successfully" in (
        run.output
    ), run
    assert "TOTAL" not in run.output, run

    (project.path / "hold").unlink()
    again = project.nox("-s", "tests", "coverage")
    assert again.returncode == 0, again
    assert "TOTAL" in again.output, again
