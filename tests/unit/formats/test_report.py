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

    def test_an_environment_filled_ahead_is_fresh_not_reused(self):
        """An environment this run filled in the background is new: never shown as reused."""
        filled = _session("tests", [])
        filled["environment"].update(reused=False, prefilled=True)
        (line,) = [ln for ln in _runreport.render_table([filled]).splitlines() if "tests" in ln]
        assert line.endswith("fresh (filled ahead)"), line


def _timed(name: str, start: float, duration: float) -> dict[str, object]:
    return {"session": name, "start": start, "duration": duration}


class TestCriticalPath:
    def test_sequential_run_is_one_chain(self):
        """In a sequential run every session waited for the one before: all are on the path."""
        records = [_timed("lint", 100.0, 1.0), _timed("typecheck", 101.1, 3.0),
                   _timed("tests", 104.2, 5.0)]  # fmt: skip
        assert [r["session"] for r in _runreport.critical_path(records)] == [
            "lint", "typecheck", "tests",
        ]  # fmt: skip

    def test_parallel_run_keeps_only_the_chain_that_ended_last(self):
        """Under -j, sessions beside the longest chain are not on the critical path."""
        records = [
            _timed("tests", 100.0, 8.0),
            _timed("lint", 100.1, 1.0),
            _timed("typecheck", 101.2, 3.0),
            _timed("coverage", 108.3, 2.0),
        ]
        assert [r["session"] for r in _runreport.critical_path(records)] == ["tests", "coverage"]

    def test_sessions_of_one_process_stay_linked_across_a_wait(self):
        """In one nox process the next session waited for the previous, however long the gap."""
        records = [
            {**_timed("lint", 100.0, 1.0), "pid": 7},
            {**_timed("typecheck", 104.0, 2.0), "pid": 7},
        ]
        assert [r["session"] for r in _runreport.critical_path(records)] == ["lint", "typecheck"]

    def test_a_long_gap_breaks_the_chain(self):
        """A session that started long after another ended did not wait for it."""
        records = [_timed("lint", 100.0, 1.0), _timed("tests", 110.0, 2.0)]
        assert [r["session"] for r in _runreport.critical_path(records)] == ["tests"]

    def test_rendered_line_names_the_chain_and_the_wall_time(self):
        """The summary line: the chain with durations, its sum, and the run's wall time."""
        records = [_timed("tests", 100.0, 8.0), _timed("lint", 100.1, 1.0),
                   _timed("coverage", 108.2, 2.0)]  # fmt: skip
        line = _runreport.render_critical_path(records)
        assert line == "critical path: tests 8.00s -> coverage 2.00s = 10.00s of 10.20s wall"

    def test_records_without_start_times_have_no_path(self):
        """Records from an older noxkit (no start time) give no line rather than a wrong one."""
        assert _runreport.critical_path([{"session": "lint", "duration": 1.0}]) == []
        assert _runreport.render_critical_path([{"session": "lint", "duration": 1.0}]) is None
