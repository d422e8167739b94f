"""A run in which every session was skipped verified nothing: it must not go green.

Issue 13, item 7: with Pythons that are not installed, `nox` skipped every session, exited 0,
printed no summary and left the previous run's report in place.
"""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.integration

SETTINGS = """
[tool.noxkit]
python = ["3.98", "3.99"]
skip = ["lint", "coverage"]
typecheck.python = "3.99"
"""


class TestEverythingSkipped:
    def test_all_skipped_exits_1_with_one_line_and_a_report(self, make_project):
        """Every session skipped: exit 1, one line naming what was skipped and why, and a
        report (replacing the previous one) that says nothing was verified."""
        project = make_project("src-clean")
        project.append("pyproject.toml", SETTINGS)
        project.write(".nox/noxkit/run-report.json", '{"sessions": "from an earlier run"}')
        run = project.nox()
        assert run.returncode == 1, run
        lines = [ln for ln in run.output.splitlines() if ln.startswith("noxkit: error:")]
        assert len(lines) == 1, run
        assert "every session was skipped" in lines[0], run
        assert "tests-3.98 (Python interpreter 3.98 not found)" in lines[0], run
        assert "allow-all-skipped" in lines[0], run
        assert "Traceback" not in run.output, run
        # Each missing Python says whether it was downloaded, before nox's skip line.
        assert (
            "tests-3.98: Python interpreter 3.98 not found: not downloaded "
            '([tool.noxkit.envs] download-python = "never"'
        ) in run.output, run
        report = json.loads(project.read(".nox/noxkit/run-report.json"))
        assert {s["result"] for s in report["sessions"]} == {"skipped"}, report
        assert {s["session"] for s in report["sessions"]} == {
            "typecheck",
            "tests-3.98",
            "tests-3.99",
        }, report
        assert report["verified"] is False, report
        assert "every session was skipped" in report["problem"], report

    def test_setting_allows_it(self, make_project):
        """`allow-all-skipped = true` keeps nox's exit 0, still with the summary and report."""
        project = make_project("src-clean")
        project.append("pyproject.toml", SETTINGS + "allow-all-skipped = true\n")
        run = project.nox()
        assert run.returncode == 0, run
        assert "noxkit run summary" in run.output, run
        report = json.loads(project.read(".nox/noxkit/run-report.json"))
        assert report["verified"] is False, report
