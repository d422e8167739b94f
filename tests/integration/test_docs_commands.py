"""The docs' commands that no other test runs, run as written on fixture projects (issue 14).

Each ``run_documented`` call runs one command exactly as a page shows it, through the shell;
``tests/unit/test_docs_commands.py`` fails when a page shows a command no test runs. Cheap
commands share a test; the "fresh machine" ones (``python -m pip install nox uv ...``) run in a
new virtual environment that has pip and nothing else, like the machine the README starts from.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from conftest import Project
from docs_blocks import ROOT, documented

pytestmark = pytest.mark.integration


class TestCiAndInit:
    def test_ci_and_init_commands(self, make_project):
        """`noxkit ci github|gitlab` with the docs' options, and `noxkit init --ci gitlab`."""
        project = make_project("src-clean")
        run = project.run_documented("noxkit ci github --shards 4")
        assert run.returncode == 0, run
        assert run.output == "wrote .github/workflows/ci.yml\n", run
        workflow = yaml.safe_load(project.read(".github/workflows/ci.yml"))
        assert workflow["jobs"]["tests"]["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]
        run = project.run_documented("noxkit ci github --output .github/workflows/quality.yml")
        assert run.returncode == 0, run
        assert run.output == "wrote .github/workflows/quality.yml\n", run
        assert "jobs" in yaml.safe_load(project.read(".github/workflows/quality.yml"))

        missing = project.run_documented("noxkit ci gitlab --check")
        assert missing.returncode == 1, missing
        assert ".gitlab-ci.yml is missing; run `noxkit ci gitlab`" in missing.output, missing
        run = project.run_documented("noxkit ci gitlab")
        assert run.returncode == 0, run
        assert run.output == "wrote .gitlab-ci.yml\n", run
        assert "coverage" in yaml.safe_load(project.read(".gitlab-ci.yml"))
        check = project.run_documented("noxkit ci gitlab --check")
        assert check.returncode == 0, check
        assert ".gitlab-ci.yml is up to date" in check.output, check
        project.append("pyproject.toml", '\n[tool.noxkit]\npython = ["3.11", "3.12"]\n')
        stale = project.run_documented("noxkit ci gitlab --check")
        assert stale.returncode == 1, stale
        run = project.run_documented("noxkit ci gitlab --shards 4")
        assert run.returncode == 0, run
        assert 'SHARD: ["1", "2", "3", "4"]' in project.read(".gitlab-ci.yml")
        assert 'export NOXKIT_SHARD="$SHARD/4"' in project.read(".gitlab-ci.yml")

        fresh = make_project("src-clean", "fresh")
        init = fresh.run_documented("noxkit init --ci gitlab")
        assert init.returncode == 0, init
        assert "wrote .gitlab-ci.yml" in init.output, init
        assert "wrote pyproject.toml [tool.noxkit] (appended)" in init.output, init
        assert (fresh.path / ".gitlab-ci.yml").is_file()
        assert not (fresh.path / ".github").exists()


class TestSessions:
    def test_parallel_pipeline_then_plain_commands(self, make_project):
        """tracking.md's parallel run and its summary, then `nox -j auto` and `nox -s lint
        typecheck` on the environments it left (reused, as plain nox does locally)."""
        project = make_project("src-clean")
        run = project.run_documented("nox -j auto -s lint typecheck tests coverage build")
        assert run.returncode == 0, run
        assert "\nnoxkit run summary\n" in run.output, run
        header = r"^session +result +total +env setup +tools +environment$"
        assert re.search(header, run.output, re.MULTILINE), run
        for session in ("lint", "typecheck", r"tests-3\.\d+", "coverage", "build"):
            assert re.search(rf"^{session} +success ", run.output, re.MULTILINE), (session, run)
        report = project.path / ".nox" / "noxkit"
        assert f"run report: {report / 'run-report.json'}" in run.output, run
        assert f"HTML report: {report / 'report.html'}" in run.output, run

        default = project.run_documented("nox -j auto")
        assert default.returncode == 0, default
        ran = set(re.findall(r"^(\S+) +success ", default.output, re.MULTILINE))
        assert {"lint", "typecheck", "coverage"} <= ran, default
        assert "build" not in ran, default  # on request only
        assert re.search(r"^tests-3\.\d+ +success .* reused$", default.output, re.MULTILINE)

        checks = project.run_documented("nox -s lint typecheck")
        assert checks.returncode == 0, checks
        assert "Session lint was successful" in checks.output, checks
        assert "Session typecheck was successful" in checks.output, checks
        assert "Running session tests" not in checks.output, checks

    def test_shard_by_argument_and_by_variable_run_the_same_tests(self, make_project):
        """`-- --shard 2/4` and `NOXKIT_SHARD=2/4` select the same second quarter of the suite."""
        project = make_project("sharded-suite")
        junit = project.path / ".nox" / "noxkit" / "junit"

        def selected(run) -> list[str]:
            assert run.returncode == 0, run
            line = re.search(r"noxkit shard 2/4: (\d+) of 40 tests, estimated", run.output)
            assert line, run
            (xml,) = junit.glob("tests-*-shard2of4.xml")
            ids = sorted(
                f"{case.get('classname')}::{case.get('name')}"
                for case in ET.parse(xml).getroot().iter("testcase")
            )
            assert len(ids) == int(line.group(1)), run
            return ids

        by_argument = selected(project.run_documented("nox -s tests -- --shard 2/4"))
        by_variable = selected(project.run_documented("NOXKIT_SHARD=2/4 nox -s tests"))
        assert by_argument == by_variable
        assert 5 <= len(by_argument) <= 15, by_argument  # about a quarter of 40

    def test_lock_upgrade_commands(self, make_lock_project):
        """`-- --upgrade` and `-- --upgrade-package ruff` rewrite a lock that stays current."""
        project = make_lock_project()

        def upgraded(run) -> None:
            assert run.returncode == 0, run
            assert "Session lock was successful" in run.output, run
            lock = project.read("noxkit.lock")
            assert re.search(r'^name = "ruff"$', lock, re.MULTILINE), lock[:2000]
            check = project.run_documented("nox -s lock -- --check")
            assert check.returncode == 0, check

        upgraded(project.run_documented("nox -s lock -- --upgrade"))
        upgraded(project.run_documented("nox -s lock -- --upgrade-package ruff"))


class TestDocsSession:
    def test_verbose_and_serve(self, make_project):
        """`-- --verbose` reaches mkdocs; `-- --serve` serves the site until interrupted."""
        project = make_project("docs-mkdocs")
        run = project.run_documented("nox -s docs -- --verbose")
        assert run.returncode == 0, run
        assert re.search(r"^nox > mkdocs build --strict .* --verbose$", run.output, re.MULTILINE)
        assert "DEBUG" in run.output, run  # mkdocs' own verbose log
        assert (project.path / "site" / "usage" / "index.html").is_file()

        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", 8000)) == 0:
                pytest.skip("port 8000, mkdocs serve's default, is taken on this machine")
        proc = subprocess.Popen(
            ["bash", "-c", documented("nox -s docs -- --serve")],
            cwd=project.path,
            env=project.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            page = _poll("http://127.0.0.1:8000/usage/", timeout=240, proc=proc)
            assert "<html" in page.lower(), page[:500]
        finally:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                output, _ = proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                output, _ = proc.communicate()
        assert "mkdocs serve" in output, output


def _poll(url: str, timeout: float, proc: subprocess.Popen[str]) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server stopped (exit {proc.returncode}):\n{proc.stdout.read()}")  # type: ignore[union-attr]
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"nothing served at {url} after {timeout}s")


# A fresh machine: a virtual environment with pip only, and a copy of this checkout.
_CHECKOUT = ("src", "docs", "tools", "examples", "noxfile.py", "pyproject.toml", "noxkit.lock")
_CHECKOUT_FILES = ("README.md", "LICENSE", "mkdocs.yml")


def _fresh_machine(tmp_path: Path, where: str = "noxkit") -> tuple[Project, Project]:
    """``(the folder above the copy, the copy)``, both run with a pip-only Python on PATH."""
    venv = tmp_path / "machine"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    copy = tmp_path / where
    copy.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", ".nox", "site", "dist", "*.egg-info")
    for name in (*_CHECKOUT, *_CHECKOUT_FILES):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=ignore)
        else:
            shutil.copy2(source, copy / name)
    python = str(venv / "bin" / "python")
    return Project(tmp_path, python=python), Project(copy, python=python)


class TestFreshMachine:
    def test_readme_main_command(self, tmp_path):
        """The README's first command: the pipeline on the quickstart, ending in its summary."""
        _, checkout = _fresh_machine(tmp_path)
        run = checkout.run_documented(
            "python -m pip install nox uv && python -m nox -f examples/quickstart/noxfile.py "
            "-s lint typecheck tests coverage build smoke"
        )
        assert run.returncode == 0, run
        for session in ("lint", "typecheck", r"tests-3\.\d+", "coverage", "build", "smoke"):
            assert re.search(rf"^{session} +success ", run.output, re.MULTILINE), (session, run)
        assert "\nnoxkit run summary\n" in run.output, run

    def test_install_from_a_clone_and_from_its_wheel(self, tmp_path):
        """getting-started.md step 1 (and the README's Install): noxkit from ./noxkit, then its
        wheel built by its own build session; the installed command is noxkit 0.1.0."""
        machine, _ = _fresh_machine(tmp_path)
        noxkit = Path(machine.python).parent / "noxkit"
        run = machine.run_documented("python -m pip install nox uv ./noxkit")
        assert run.returncode == 0, run
        assert noxkit.is_file(), run
        built = machine.run_documented("python -m nox -f noxkit/noxfile.py -s build")
        assert built.returncode == 0, built
        assert "Session build was successful" in built.output, built
        wheel = machine.path / "noxkit" / "dist" / "noxkit-0.1.0-py3-none-any.whl"
        assert wheel.is_file(), sorted(p.name for p in wheel.parent.iterdir())
        run = machine.run_documented(
            "python -m pip install nox uv ./noxkit/dist/noxkit-0.1.0-py3-none-any.whl"
        )
        assert run.returncode == 0, run
        version = subprocess.run(
            [str(noxkit), "--version"], capture_output=True, text=True, check=False, timeout=60
        )
        assert version.returncode == 0, version
        assert "0.1.0" in version.stdout, version

    def test_noxkit_own_checks_and_site(self, tmp_path):
        """The README's commands for noxkit's own checks, and docs.md's CI command, on a copy:
        lint, typecheck, build, smoke, and the site built strict (its reference pages too)."""
        _, checkout = _fresh_machine(tmp_path)
        docs = checkout.run_documented("python -m pip install nox uv && python -m nox -s docs")
        assert docs.returncode == 0, docs
        assert "mkdocs build --strict" in docs.output, docs
        site = checkout.path / "site"
        cli = (site / "reference" / "cli" / "index.html").read_text(encoding="utf-8")
        assert "noxkit doctor" in cli
        steps = (site / "reference" / "steps" / "index.html").read_text(encoding="utf-8")
        for step in ("install", "pytest", "build_docs", "plan_release"):
            assert f'id="noxkit.steps.{step}"' in steps

        checks = checkout.run_documented(
            "python -m pip install nox uv && python -m nox -s lint typecheck"
        )
        assert checks.returncode == 0, checks
        for session in ("lint", "typecheck"):
            assert f"Session {session} was successful" in checks.output, checks
        run = checkout.run_documented("python -m nox -s build smoke docs")
        assert run.returncode == 0, run
        for session in ("build", "smoke", "docs"):
            assert f"Session {session} was successful" in run.output, run
        assert (checkout.path / "dist" / "SHA256SUMS").is_file()
        report = json.loads(checkout.read(".nox/noxkit/run-report.json"))
        assert {r["session"] for r in report["sessions"]} == {"build", "smoke", "docs"}
