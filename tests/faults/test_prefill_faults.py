"""Environments filled in the background, ahead of their session: interrupted, never trusted."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest
from processes import session_processes, wait_for

pytestmark = pytest.mark.integration

TESTS_ENV = ".nox/tests-3-11"


class TestInterruptDuringPrefill:
    def test_ctrl_c_while_a_later_environment_fills_leaves_no_stamp_and_no_process(
        self, make_project, tmp_path
    ):
        """Ctrl-C while `tests`' environment fills in the background during `lint`: exit 130,
        no stray process, neither stamp nor prefill marker; the next run rebuilds it."""
        project = make_project("slow-build")
        marker = tmp_path / "building"
        log = tmp_path / "run.log"
        with log.open("w") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "nox", "--non-interactive", "-s", "lint", "tests"],
                cwd=project.path,
                env=project.env({"SLOW_BUILD_MARKER": str(marker)}),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            # The project's build starts only in the background fill of `tests`' environment.
            wait_for(marker.exists, what="the background install to start")
            assert "Running session tests" not in log.read_text(), log.read_text()
            os.killpg(proc.pid, signal.SIGINT)
            assert proc.wait(timeout=60) == 130, log.read_text()
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        wait_for(lambda: not session_processes(proc.pid), timeout=10, what="no stray process")
        assert not (project.path / TESTS_ENV / "noxkit-stamp.json").exists(), log.read_text()
        assert not (project.path / TESTS_ENV / "noxkit-prefill").exists(), log.read_text()
        again = project.nox("-s", "tests")
        assert again.returncode == 0, again
        assert "rebuilding tests-3.11: it has no stamp" in again.output, again


class TestPrefill:
    def test_later_sessions_find_their_environment_filled_by_this_run(self, make_project):
        """`nox -s lint tests` with reuse off: `tests` uses the environment this run filled
        while `lint` ran, and installs nothing itself."""
        project = make_project("slow-build")
        run = project.nox("--reuse-venv=no", "-s", "lint", "tests", env={"CI": "true"})
        # The fixture's own lint findings fail `lint`; nox goes on to `tests`.
        assert "Session tests-3.11 was successful" in run.output, run
        assert "using tests-3.11: filled in the background during this run" in run.output, run
        # Filled by this run: the summary shows it fresh, never as a reuse of an earlier one.
        (row,) = [ln for ln in run.output.splitlines() if ln.startswith("tests-3.11 ")]
        assert row.endswith("fresh (filled ahead)"), run
        assert "rebuilding tests-3.11 from scratch" not in run.output, run
        assert (project.path / TESTS_ENV / "noxkit-prefill").is_file()

    def test_a_filled_environment_of_another_run_is_not_trusted_where_reuse_is_off(
        self, make_project
    ):
        """In CI (reuse off) an environment an earlier run filled is built afresh."""
        project = make_project("slow-build")
        first = project.nox("-s", "lint", "tests", env={"CI": "true"})
        assert "Session tests-3.11 was successful" in first.output, first
        again = project.nox("-s", "tests", env={"CI": "true"})
        assert again.returncode == 0, again
        assert "rebuilding tests-3.11 from scratch" in again.output, again

    def test_prefill_never_leaves_each_session_to_fill_its_own(self, make_project):
        """`[tool.noxkit.envs] prefill = "never"`: no environment is filled ahead."""
        project = make_project("slow-build")
        with (project.path / "pyproject.toml").open("a", encoding="utf-8") as out:
            out.write('\n[tool.noxkit.envs]\nprefill = "never"\n')
        run = project.nox("-s", "lint", "tests", env={"CI": "true"})
        assert "Session tests-3.11 was successful" in run.output, run
        assert not (project.path / TESTS_ENV / "noxkit-prefill").exists()
        assert re.search(r"tests-3\.11 +success .* fresh", run.output), run


class TestWaitIsCounted:
    def test_the_wait_for_a_filled_environment_is_the_sessions_setup_time(
        self, make_project, tmp_path
    ):
        """`lint` ends while `tests`' environment still fills: the wait shows as `tests`' env
        setup, and the critical path adds up to the run's wall time (nothing unexplained)."""
        project = make_project("slow-build")
        marker, release = tmp_path / "building", tmp_path / "release"

        def release_later() -> None:
            wait_for(marker.exists, what="the background install to start")
            time.sleep(4)
            release.touch()

        helper = threading.Thread(target=release_later, daemon=True)
        helper.start()
        run = project.nox(
            "--reuse-venv=no",
            "-s",
            "lint",
            "tests",
            env={"SLOW_BUILD_MARKER": str(marker), "SLOW_BUILD_RELEASE": str(release)},
        )
        helper.join(timeout=5)
        assert "Session tests-3.11 was successful" in run.output, run
        (row,) = [ln for ln in run.output.splitlines() if ln.startswith("tests-3.11 ")]
        setup = float(row.split()[3].rstrip("s"))
        assert setup >= 2.0, row
        found = re.search(r"= ([\d.]+)s of ([\d.]+)s wall", run.output)
        assert found is not None, run
        path, wall = float(found[1]), float(found[2])
        assert wall - path < 0.5, found[0]


class TestBytecodeAhead:
    def test_the_tests_environment_is_compiled_in_the_background(self, make_project):
        """`nox -s lint tests`: the `tests` environment filled during `lint` gets its bytecode
        compiled in the background, modules pytest never imports included (the session's own
        imports would only compile what it imports, one by one, on the critical path)."""
        project = make_project("slow-tests")
        (project.path / "hold").touch()  # the paused test waits while this file exists
        site = project.path / TESTS_ENV / "lib/python3.11/site-packages"
        unused = "pygments/lexers/ruby.py"  # pytest never highlights Ruby

        def compiled() -> bool:
            return any((site / unused).parent.glob("__pycache__/ruby.*.pyc"))

        proc = subprocess.Popen(
            [sys.executable, "-m", "nox", "--non-interactive", "-s", "lint", "tests"],
            cwd=project.path,
            env=project.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for((project.path / "running").exists, timeout=180, what="pytest to pause")
            wait_for(compiled, timeout=60, what=f"{unused} compiled")
            (project.path / "hold").unlink()
            assert proc.wait(timeout=120) == 0
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        assert (site / unused).is_file()
        wait_for(lambda: not session_processes(proc.pid), timeout=10, what="no stray process")

    def test_never_means_python_alone_decides(self, make_project):
        """`compile-bytecode = "never"`: nothing is compiled ahead."""
        project = make_project("slow-tests")
        pyproject = project.path / "pyproject.toml"
        pyproject.write_text(
            pyproject.read_text() + '\n[tool.noxkit.envs]\ncompile-bytecode = "never"\n'
        )
        run = project.nox("-s", "lint", "tests")
        assert run.returncode == 0, run
        site = project.path / TESTS_ENV / "lib/python3.11/site-packages"
        assert (site / "pygments/lexers/ruby.py").is_file(), run
        assert not list((site / "pygments/lexers").glob("__pycache__/ruby.*.pyc")), run


class TestOneProjectBuild:
    def test_the_project_is_built_once_per_run(self, make_project, tmp_path):
        """`nox -s lint typecheck tests`: typecheck's and tests' environments both install the
        project editable. They fill side by side, and uv shares one build between concurrent
        installs of one tree: the backend builds once. Each fill on its own (`prefill =
        "never"`) builds again."""
        project = make_project("slow-build")
        log = tmp_path / "builds.log"
        run = project.nox("-s", "lint", "typecheck", "tests", env={"SLOW_BUILD_LOG": str(log)})
        assert "Session typecheck was successful" in run.output, run
        assert "Session tests-3.11 was successful" in run.output, run
        assert log.read_text().split() == ["editable"], run
        # Editable: the tests environment imports the package from the source tree.
        python = project.path / TESTS_ENV / "bin/python"
        where = subprocess.run(
            [str(python), "-c", "import slowpkg; print(slowpkg.__file__)"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        assert where == str(project.path / "src/slowpkg/__init__.py")

        pyproject = project.path / "pyproject.toml"
        pyproject.write_text(pyproject.read_text() + '\n[tool.noxkit.envs]\nprefill = "never"\n')
        log.unlink()
        shutil.rmtree(project.path / ".nox")
        again = project.nox("-s", "typecheck", "tests", env={"SLOW_BUILD_LOG": str(log)})
        assert again.returncode == 0, again
        assert log.read_text().split() == ["editable", "editable"], again
