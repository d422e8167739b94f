"""Environments that are broken, shared or interrupted: never trusted, never half-built."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from processes import session_processes, wait_for

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.integration

STAMP = ".nox/lint/noxkit-stamp.json"


def _spawn(project, args: list[str], log: Path, env: dict[str, str] | None = None):
    """Start `python -m nox ARGS` in its own session, output to ``log``."""
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "nox", "--non-interactive", *args],
            cwd=project.path,
            env=project.env(env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


class TestBrokenEnvironments:
    def test_corrupt_stamp_rebuilds(self, make_project):
        """A stamp that is not valid JSON is never trusted: the environment is rebuilt."""
        project = make_project("src-clean")
        assert project.nox("-s", "lint").returncode == 0
        project.write(STAMP, '{"fingerprint": {"kind": "noxkit-env-st')
        run = project.nox("-r", "-s", "lint")
        assert run.returncode == 0, run
        assert "rebuilding lint: its stamp is corrupt" in run.output, run
        assert json.loads(project.read(STAMP))["fingerprint"]["kind"] == "noxkit-env-stamp"

    def test_foreign_stamp_rebuilds(self, make_project):
        """A stamp copied from another environment is foreign: rebuild."""
        project = make_project("src-clean")
        assert project.nox("-s", "lint", "typecheck").returncode == 0
        project.write(STAMP, project.read(".nox/typecheck/noxkit-stamp.json"))
        run = project.nox("-r", "-s", "lint")
        assert run.returncode == 0, run
        assert "rebuilding lint: the stamp belongs to another environment" in run.output, run

    def test_missing_stamp_rebuilds(self, make_project):
        """An environment without a stamp (an install that never finished) is rebuilt."""
        project = make_project("src-clean")
        assert project.nox("-s", "lint").returncode == 0
        (project.path / STAMP).unlink()
        run = project.nox("-r", "-s", "lint")
        assert run.returncode == 0, run
        assert "rebuilding lint: it has no stamp" in run.output, run

    def test_empty_folder_rebuilds(self, make_project):
        """An environment folder emptied behind nox's back is rebuilt, not run from the host."""
        project = make_project("src-clean")
        assert project.nox("-s", "lint").returncode == 0
        env = project.path / ".nox/lint"
        for child in env.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        run = project.nox("-r", "-s", "lint")
        assert run.returncode == 0, run
        assert "rebuilding lint: the environment folder is empty" in run.output, run
        assert (env / "bin/ruff").exists()

    def test_deleted_interpreter_rebuilds(self, make_project):
        """An environment whose interpreter is gone (dangling link) is rebuilt, not reused."""
        project = make_project("src-clean")
        assert project.nox("-s", "lint").returncode == 0
        bin_dir = project.path / ".nox/lint/bin"
        for name in ("python", "python3"):
            (bin_dir / name).unlink(missing_ok=True)
            (bin_dir / name).symlink_to("/nonexistent/python3.11")
        run = project.nox("-r", "-s", "lint")
        assert run.returncode == 0, run
        assert "reusing lint" not in run.output, run
        assert "uv pip install" in run.output, run
        assert (bin_dir / "python").resolve().exists()
        assert (project.path / STAMP).is_file()


class TestConcurrentRuns:
    def test_second_run_waits_then_reuses_the_finished_environment(self, make_project, tmp_path):
        """A second run on the same folder waits, naming the holder's PID, then finds a
        complete, stamped environment (never a half-built one)."""
        project = make_project("slow-build")
        marker, release = tmp_path / "building", tmp_path / "release"
        first = _spawn(
            project,
            ["-s", "tests"],
            tmp_path / "first.log",
            {"SLOW_BUILD_MARKER": str(marker), "SLOW_BUILD_RELEASE": str(release)},
        )
        try:
            wait_for(marker.exists, what="the first run's install to start")
            second_log = tmp_path / "second.log"
            second = _spawn(project, ["-r", "-s", "tests"], second_log)
            wait_for(
                lambda: "waiting for tests-3-11" in second_log.read_text(),
                what="the second run to wait",
            )
            assert f"in use by PID {first.pid}" in second_log.read_text()
            assert second.poll() is None
            release.touch()
            assert first.wait(timeout=120) == 0, (tmp_path / "first.log").read_text()
            assert second.wait(timeout=120) == 0, second_log.read_text()
        finally:
            release.touch()
            first.kill()
        output = second_log.read_text()
        assert "reusing tests-3.11: environment unchanged" in output, output
        assert "1 passed" in output, output

    def test_second_run_fails_fast_when_configured(self, make_project, tmp_path):
        """With `when-busy = "fail"`, the second run fails at once with the holder's PID."""
        project = make_project("slow-build")
        marker, release = tmp_path / "building", tmp_path / "release"
        first = _spawn(
            project,
            ["-s", "tests"],
            tmp_path / "first.log",
            {"SLOW_BUILD_MARKER": str(marker), "SLOW_BUILD_RELEASE": str(release)},
        )
        try:
            wait_for(marker.exists, what="the first run's install to start")
            project.append("pyproject.toml", '\n[tool.noxkit.envs]\nwhen-busy = "fail"\n')
            second = project.nox("-r", "-s", "tests", timeout=60)
            assert second.returncode == 1, second
            assert f"is in use by PID {first.pid} (" in second.output, second
            release.touch()
            assert first.wait(timeout=120) == 0, (tmp_path / "first.log").read_text()
        finally:
            release.touch()
            first.kill()


class TestInterrupt:
    def test_ctrl_c_during_install_exits_130_leaves_no_process_and_no_stamp(
        self, make_project, tmp_path
    ):
        """Ctrl-C while the install runs: exit 130, no stray process, no stamp; the next
        reuse run rebuilds the environment."""
        project = make_project("slow-build")
        marker = tmp_path / "building"
        log = tmp_path / "run.log"
        proc = _spawn(project, ["-r", "-s", "tests"], log, {"SLOW_BUILD_MARKER": str(marker)})
        try:
            wait_for(marker.exists, what="the install to start")
            # A terminal's Ctrl-C reaches the whole foreground process group.
            os.killpg(proc.pid, signal.SIGINT)
            assert proc.wait(timeout=60) == 130, log.read_text()
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        wait_for(lambda: not session_processes(proc.pid), timeout=10, what="no stray process")
        assert not (project.path / ".nox/tests-3-11/noxkit-stamp.json").exists()
        again = project.nox("-r", "-s", "tests")
        assert again.returncode == 0, again
        assert "rebuilding tests-3.11: it has no stamp" in again.output, again

    def test_ctrl_c_is_reported_as_interrupted(self, make_project, tmp_path):
        """The interrupted session appears as `interrupted` in the run report."""
        project = make_project("slow-build")
        marker = tmp_path / "building"
        log = tmp_path / "run.log"
        proc = _spawn(project, ["-s", "tests"], log, {"SLOW_BUILD_MARKER": str(marker)})
        try:
            wait_for(marker.exists, what="the install to start")
            os.killpg(proc.pid, signal.SIGINT)
            assert proc.wait(timeout=60) == 130, log.read_text()
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        report = json.loads(project.read(".nox/noxkit/run-report.json"))
        assert report["sessions"][0]["result"] == "interrupted", log.read_text()
