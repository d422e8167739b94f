"""Fingerprinted reuse and the run report, on real nox runs of fixture projects."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.integration

STAMP = ".nox/lint/noxkit-stamp.json"
INSTALL_LINE = re.compile(r"^nox > (\S*uv pip|python -m pip) install", re.MULTILINE)


def _site_packages(project, env: str) -> Path:
    return next((project.path / ".nox" / env / "lib").glob("python3*/site-packages"))


class TestReuse:
    def test_reuse_hit_runs_no_install(self, make_project):
        """With -r, an environment whose stamp matches is used with no install step at all."""
        project = make_project("src-clean")
        first = project.nox("-s", "lint")
        assert first.returncode == 0, first
        assert INSTALL_LINE.search(first.output), first
        assert (project.path / STAMP).is_file()
        again = project.nox("-r", "-s", "lint")
        assert again.returncode == 0, again
        assert "reusing lint: environment unchanged since it was built" in again.output, again
        assert not INSTALL_LINE.search(again.output), again
        assert re.search(r"tools: ruff \d+\.\d+", again.output), again

    def test_plain_nox_reuses_a_matching_environment_by_default(self, make_project):
        """Plain `nox` outside CI keeps an environment whose stamp matches (the default)."""
        project = make_project("src-clean")
        assert project.nox("-s", "lint", env={"CI": ""}).returncode == 0
        again = project.nox("-s", "lint", env={"CI": ""})
        assert again.returncode == 0, again
        assert "reusing lint: environment unchanged since it was built" in again.output, again
        assert not INSTALL_LINE.search(again.output), again

    def test_flag_setting_keeps_every_environment_fresh(self, make_project):
        """`reuse = "flag"` (nox's behaviour): plain `nox` recreates the environment even
        when its stamp matches."""
        project = make_project("src-clean")
        project.append("pyproject.toml", '\n[tool.noxkit.envs]\nreuse = "flag"\n')
        assert project.nox("-s", "lint").returncode == 0
        again = project.nox("-s", "lint")
        assert again.returncode == 0, again
        assert "rebuilding lint from scratch: reuse is off" in again.output, again
        assert INSTALL_LINE.search(again.output), again

    def test_dependency_change_rebuilds_and_removed_package_is_gone(self, make_project):
        """A changed dependency group rebuilds from scratch, even under -R: a removed package
        is gone afterwards, and the log says why in one line."""
        project = make_project("src-clean")
        project.replace("pyproject.toml", 'test = ["pytest"]', 'test = ["pytest", "attrs"]')
        first = project.nox("-s", "tests")
        assert first.returncode == 0, first
        assert (_site_packages(project, "tests-3-11") / "attrs").is_dir(), first
        project.replace("pyproject.toml", 'test = ["pytest", "attrs"]', 'test = ["pytest"]')
        again = project.nox("-R", "-s", "tests")
        assert again.returncode == 0, again
        assert "rebuilding tests-3.11: dependency group `test` changed" in again.output, again
        assert INSTALL_LINE.search(again.output), again
        assert not (_site_packages(project, "tests-3-11") / "attrs").exists(), again
        third = project.nox("-R", "-s", "tests")
        assert "reusing tests-3.11" in third.output, third

    def test_tool_version_change_names_the_requirement(self, make_project):
        """A changed tool specifier rebuilds and names the requirement that changed."""
        project = make_project("src-clean")
        assert project.nox("-s", "lint").returncode == 0
        project.append("pyproject.toml", '\n[tool.noxkit.tools]\nruff = ">=0.5"\n')
        again = project.nox("-r", "-s", "lint")
        assert again.returncode == 0, again
        assert "rebuilding lint: requirements changed (+ruff>=0.5, -ruff>=0.6)" in again.output

    def test_fingerprint_setting_reuses_locally_but_not_in_ci(self, make_project):
        """`reuse = "fingerprint"` (the default) reuses locally; with CI=true it stays fresh."""
        project = make_project("src-clean")
        assert project.nox("-s", "lint").returncode == 0
        local = project.nox("-s", "lint", env={"CI": ""})
        assert "reusing lint" in local.output, local
        ci = project.nox("-s", "lint", env={"CI": "true"})
        assert ci.returncode == 0, ci
        assert "rebuilding lint from scratch: CI always builds fresh" in ci.output, ci
        assert "turns it on" not in ci.output, ci

    def test_reused_environment_caches_bytecode_inside_itself(self, make_project):
        """Under PYTHONDONTWRITEBYTECODE, a reused environment caches bytecode in its own
        folder, never in the project; a fresh one does not."""
        project = make_project("src-clean")
        env = {"PYTHONDONTWRITEBYTECODE": "1"}
        first = project.nox("-r", "-s", "tests", env=env)
        assert first.returncode == 0, first
        assert "bytecode cache:" not in first.output, first
        again = project.nox("-r", "-s", "tests", env=env)
        assert again.returncode == 0, again
        assert "bytecode cache: " in again.output, again
        cache = project.path / ".nox/tests-3-11/.pycache"
        assert list(cache.rglob("*.pyc")), again
        assert not list((project.path / "src").rglob("__pycache__")), again

    def test_changed_lockfile_rebuilds(self, make_lock_project):
        """Installing from the lock: a re-locked file rebuilds the environment, naming it."""
        project = make_lock_project()
        assert project.nox("-s", "lock").returncode == 0
        first = project.nox("-r", "-s", "lint")
        assert first.returncode == 0, first
        assert project.nox("-r", "-s", "lint").output.count("reusing lint") == 1
        project.append("pyproject.toml", '\n[tool.noxkit.tools]\nruff = ">=0.5"\n')
        assert project.nox("-s", "lock").returncode == 0
        again = project.nox("-r", "-s", "lint")
        assert again.returncode == 0, again
        assert re.search(r"rebuilding lint: \S*\.lock changed", again.output), again


class TestReport:
    def test_summary_table_and_json_report(self, make_project, tmp_path):
        """The run ends with a summary table; the JSON report has results, timings, headers
        and each environment's installed set; the GitHub step summary gets the table."""
        project = make_project("src-clean")
        step_summary = tmp_path / "step-summary.md"
        run = project.nox("-s", "lint", "tests", env={"GITHUB_STEP_SUMMARY": str(step_summary)})
        assert run.returncode == 0, run
        assert "noxkit run summary" in run.output, run
        assert re.search(
            r"^lint\s+success\s+[\d.]+s\s+[\d.]+s\s+[\d.]+s\s+fresh", run.output, re.MULTILINE
        )
        assert re.search(r"^tests-3\.11\s+success", run.output, re.MULTILINE), run
        report = json.loads(project.read(".nox/noxkit/run-report.json"))
        by_name = {s["session"]: s for s in report["sessions"]}
        assert set(by_name) == {"lint", "tests-3.11"}
        lint = by_name["lint"]
        assert lint["result"] == "success"
        assert lint["setup"] + lint["tools"] == pytest.approx(lint["duration"], abs=0.01)
        assert lint["header"][0].startswith("noxkit ")
        names = {p["name"] for p in by_name["tests-3.11"]["environment"]["installed"]}
        assert {"pytest", "coverage", "srcpkg"} <= names
        assert lint["environment"]["digest"].startswith("sha256:")
        assert "| lint | success |" in step_summary.read_text(encoding="utf-8")
        # The per-run scratch file is gone once the report is written.
        assert not list((project.path / ".nox/noxkit/runs").glob("*.jsonl"))

    def test_failed_session_is_reported_failed(self, make_project):
        """A failing session shows `failed` in the table and the report."""
        project = make_project("src-clean")
        project.write("tests/test_broken.py", "def test_broken():\n    assert False\n")
        run = project.nox("-s", "tests")
        assert run.returncode == 1, run
        assert re.search(r"^tests-3\.11\s+failed", run.output, re.MULTILINE), run
        report = json.loads(project.read(".nox/noxkit/run-report.json"))
        assert report["sessions"][0]["result"] == "failed"

    def test_report_path_is_configurable_and_summary_can_be_off(self, make_project):
        """`[tool.noxkit.report] json` moves the report; `summary = false` hides the table."""
        project = make_project("src-clean")
        project.append(
            "pyproject.toml", '\n[tool.noxkit.report]\njson = "out/run.json"\nsummary = false\n'
        )
        run = project.nox("-s", "lint")
        assert run.returncode == 0, run
        assert "noxkit run summary" not in run.output, run
        assert json.loads(project.read("out/run.json"))["sessions"][0]["session"] == "lint"

    def test_script_mode_prints_one_summary(self, make_project):
        """`python noxfile.py` loads the noxfile twice; the summary is printed once."""
        project = make_project("src-clean")
        run = project.script("-s", "lint")
        assert run.returncode == 0, run
        assert run.output.count("noxkit run summary") == 1, run

    def test_parallel_run_reports_every_worker(self, make_project):
        """Under `nox -j`, sessions run in worker processes; one summary lists them all."""
        project = make_project("src-clean")
        run = project.nox("-j", "2", "--allow-parallel", "-s", "lint", "typecheck")
        assert run.returncode == 0, run
        assert run.output.count("noxkit run summary") == 1, run
        report = json.loads(project.read(".nox/noxkit/run-report.json"))
        assert {s["session"] for s in report["sessions"]} == {"lint", "typecheck"}
        assert len({s["pid"] for s in report["sessions"]}) == 2

    def test_nox_list_writes_no_report(self, make_project):
        """`nox -l` runs no session: no summary, no report."""
        project = make_project("src-clean")
        run = project.nox("-l")
        assert run.returncode == 0, run
        assert "noxkit run summary" not in run.output
        assert not (project.path / ".nox/noxkit/run-report.json").exists()

    def test_report_diff_compares_environments(self, make_project):
        """`noxkit report diff` says identical for the same environments, and names a change."""
        project = make_project("src-clean")
        assert project.nox("-s", "lint").returncode == 0
        project.write("laptop.json", project.read(".nox/noxkit/run-report.json"))
        assert project.nox("-s", "lint").returncode == 0
        project.write("ci.json", project.read(".nox/noxkit/run-report.json"))
        same = project.run_documented("noxkit report diff laptop.json ci.json")
        assert same.returncode == 0, same
        assert "lint: identical (1 package)" in same.output, same
        assert "identical environments" in same.output, same
        project.append("pyproject.toml", '\n[tool.noxkit.tools]\nruff = "<0.17"\n')
        assert project.nox("-s", "lint").returncode == 0
        project.write("ci.json", project.read(".nox/noxkit/run-report.json"))
        differs = project.run_documented("noxkit report diff laptop.json ci.json")
        assert differs.returncode == 1, differs
        assert re.search(r"lint: differs: ruff 0\.17\.\d+ -> 0\.1[0-6]\.\d+", differs.output)
        assert differs.output.rstrip().endswith("environments differ"), differs
