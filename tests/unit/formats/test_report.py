"""The run report's pure parts: comparing two reports, the summary table."""

from __future__ import annotations

import copy

from noxkit._formats import envs as _envs
from noxkit._formats import report as _runreport


def _report(*sessions):
    return {"sessions": list(sessions)}


def _session(name, installed, python="3.12.1"):
    pairs = [list(p) for p in installed]
    return {
        "session": name,
        "result": "success",
        "duration": 2.0,
        "setup": 0.5,
        "tools": 1.5,
        "environment": {
            "reused": False,
            "rebuild_reason": None,
            "python": python,
            "installed": [{"name": n, "version": v} for n, v in pairs],
            "digest": _envs.installed_digest(pairs),
        },
    }


class TestRunReport:
    def test_diff_identical(self):
        """Two runs with the same installed sets and Pythons are identical."""
        a = _report(_session("lint", [("ruff", "0.7.0")]))
        identical, lines = _runreport.diff_reports(a, copy.deepcopy(a))
        assert identical
        assert lines == ["lint: identical (1 package)"]

    def test_diff_names_each_difference(self):
        """Changed, removed and added packages, a changed Python and a missing session."""
        a = _report(
            _session("tests", [("pytest", "8.3.0"), ("attrs", "24.1")]), _session("lint", [])
        )
        b = _report(_session("tests", [("pytest", "8.4.0"), ("rich", "13")], python="3.12.2"))
        identical, lines = _runreport.diff_reports(a, b)
        assert not identical
        assert "lint: only in A" in lines
        (tests_line,) = [line for line in lines if line.startswith("tests")]
        assert "python 3.12.1 -> 3.12.2" in tests_line
        assert "pytest 8.3.0 -> 8.4.0" in tests_line
        assert "-attrs 24.1" in tests_line
        assert "+rich 13" in tests_line

    def test_table_has_total_and_environment_notes(self):
        """The summary table lists each session and a total; rebuilt ones give the reason."""
        rebuilt = _session("tests", [])
        rebuilt["environment"]["rebuild_reason"] = "dependency group `test` changed"
        table = _runreport.render_table([_session("lint", []), rebuilt])
        assert "rebuilt: dependency group `test` changed" in table
        assert table.splitlines()[-1].split()[:2] == ["total", "4.00s"]
        assert "| tests | success | 2.00s | 0.50s | 1.50s |" in _runreport.render_markdown(
            [rebuilt]
        )
