"""The run history: its lines, its bound, regressions and their causes, drifting artifacts."""

from __future__ import annotations

import json

from noxkit._formats.history import (
    Thresholds,
    append_history,
    digest_conflicts,
    file_digest,
    find_regressions,
    history_entry,
    parse_revision,
    read_history,
    render_history,
)


def run(totals, **extra):
    """One history line with the given session totals (seconds)."""
    sessions = []
    for name, total in totals.items():
        session = {"name": name, "result": "success", "total": total, "setup": 0.5}
        session["tools"] = total - 0.5
        session |= extra.pop(name, {})
        sessions.append(session)
    return {
        "git": "abc",
        "lock": "sha256:1",
        "nox": "1",
        "noxkit": "1",
        "sessions": sessions,
    } | extra


class TestEntry:
    def test_from_run_report(self):
        """A run report becomes one compact line: outcome, times, environment, artifacts."""
        report = {
            "finished": "2026-01-01T00:00:10+00:00",
            "noxkit": "0.1",
            "nox": "2026.1",
            "command": ["nox", "-s", "tests"],
            "sessions": [
                {
                    "session": "tests",
                    "result": "success",
                    "duration": 3.0,
                    "setup": 1.0,
                    "tools": 2.0,
                    "start": 1000.0,
                    "tests": 12,
                    "environment": {
                        "reused": False,
                        "rebuild_reason": "lock changed",
                        "python": "3.12.1",
                    },
                    "header": ["long", "lines", "left", "out"],
                },
                {
                    "session": "build",
                    "result": "success",
                    "duration": 1.0,
                    "start": 1002.5,
                    "artifacts": {"p.whl": "ab"},
                },
            ],
        }
        entry = history_entry(report, revision="0123456789ab (main, dirty)", lock="sha256:x")
        assert entry["git"] == "0123456789ab"
        assert entry["branch"] == "main"
        assert entry["dirty"] is True
        assert entry["command"] == "-s tests"
        tests, build = entry["sessions"]
        assert tests == {
            "name": "tests",
            "result": "success",
            "total": 3.0,
            "setup": 1.0,
            "tools": 2.0,
            "start": 0.0,
            "env": "rebuilt",
            "why": "lock changed",
            "python": "3.12.1",
            "tests": 12,
        }
        assert build["start"] == 2.5
        assert build["artifacts"] == {"p.whl": "ab"}
        assert "header" not in json.dumps(entry)

    def test_parse_revision(self):
        """The header's git line gives sha, branch and dirtiness; nothing outside git."""
        assert parse_revision("0123456789ab (main)") == ("0123456789ab", "main", False)
        assert parse_revision("0123456789ab, dirty") == ("0123456789ab", None, True)
        assert parse_revision(None) == (None, None, False)

    def test_file_digest(self, tmp_path):
        """The lock digest changes with the file, and is None without one."""
        lock = tmp_path / "noxkit.lock"
        assert file_digest(lock) is None
        lock.write_text("a")
        first = file_digest(lock)
        lock.write_text("b")
        assert first != file_digest(lock)


class TestFile:
    def test_bounded(self, tmp_path):
        """The file keeps only the last N runs, oldest dropped first."""
        path = tmp_path / "out" / "history.jsonl"
        for i in range(7):
            append_history(path, run({"lint": float(i)}), keep=3)
        assert [r["sessions"][0]["total"] for r in read_history(path)] == [4.0, 5.0, 6.0]
        assert len(path.read_text().splitlines()) == 3

    def test_unreadable_lines_are_skipped(self, tmp_path):
        """A truncated or foreign line does not lose the rest of the history."""
        path = tmp_path / "history.jsonl"
        path.write_text(json.dumps(run({"lint": 1.0})) + "\n{broken\n[1]\n")
        assert len(read_history(path)) == 1


class TestRegressions:
    def test_slow_run_flagged_with_cause(self):
        """A session much slower than its median is flagged, with the change the history knows."""
        runs = [
            run({"tests": 2.0}, tests={"env": "reused", "tests": 10}),
            run({"tests": 2.2}, tests={"env": "reused", "tests": 10}),
            run(
                {"tests": 7.0},
                tests={"env": "rebuilt", "why": "lock changed", "tests": 40, "python": "3.13"},
                lock="sha256:2",
            ),
        ]
        [regression] = find_regressions(runs)
        assert (regression.run, regression.session) == (2, "tests")
        line = regression.line()
        assert "tests: 7.00s in run 3, 3.3x its median of 2.10s over 2 earlier runs" in line
        assert "environment rebuilt (lock changed)" in line
        assert "new lock (sha256:1 -> sha256:2)" in line
        assert "more tests (10 -> 40)" in line
        assert "tool time grew" in line

    def test_other_python_is_named(self):
        """A change of Python between runs is a likely cause."""
        runs = [run({"t": 2.0}, t={"python": "3.11.7"}) for _ in range(2)]
        runs.append(run({"t": 9.0}, t={"python": "3.13.0"}))
        assert "another Python (3.11.7 -> 3.13.0)" in find_regressions(runs)[0].line()

    def test_jitter_is_not_a_regression(self):
        """Tiny sessions that double by a fraction of a second are not flagged."""
        runs = [run({"lint": 0.2}), run({"lint": 0.2}), run({"lint": 0.9})]
        assert find_regressions(runs) == []

    def test_needs_enough_history(self):
        """No verdict before the session has enough earlier runs."""
        assert find_regressions([run({"t": 1.0}), run({"t": 9.0})]) == []
        assert find_regressions([run({"t": 1.0}), run({"t": 9.0})], Thresholds(min_runs=1))

    def test_skipped_runs_do_not_count(self):
        """A skipped session's zero duration does not pull the median down."""
        runs = [run({"t": 5.0}), run({"t": 0.0}, t={"result": "skipped"}), run({"t": 5.2})]
        runs.append(run({"t": 5.1}))
        assert find_regressions(runs) == []


class TestConflicts:
    def test_same_source_other_digest(self):
        """One clean revision and lock that built two digests is flagged."""
        runs = [
            run({"build": 1.0}, build={"artifacts": {"p.whl": "aaaa"}}),
            run({"build": 1.0}, build={"artifacts": {"p.whl": "bbbb"}}),
        ]
        [conflict] = digest_conflicts(runs)
        assert conflict.run == 1
        assert "p.whl: revision abc and lock sha256:1 built aaaa in run 1 but bbbb in run 2" in (
            conflict.line()
        )

    def test_new_revision_or_dirty_tree_is_not_a_conflict(self):
        """Another revision, another lock or a dirty tree may build other bytes."""
        runs = [
            run({"build": 1.0}, build={"artifacts": {"p.whl": "aaaa"}}),
            run({"build": 1.0}, build={"artifacts": {"p.whl": "bbbb"}}, git="def"),
            run({"build": 1.0}, build={"artifacts": {"p.whl": "cccc"}}, git="def", dirty=True),
            run({"build": 1.0}, build={"artifacts": {"p.whl": "dddd"}}, git="def", lock="x"),
        ]
        assert digest_conflicts(runs) == []


def test_render_history():
    """The table has one column per run, marks the slow one and lists why."""
    runs = [run({"tests": 2.0, "lint": 1.0}), run({"tests": 2.0}), run({"tests": 8.0, "lint": 1.0})]
    text = render_history(runs, find_regressions(runs), [])
    lines = text.splitlines()
    assert lines[0].split() == ["session", "#1", "#2", "#3", "median"]
    assert lines[1].split() == ["tests", "2.00s", "2.00s", "8.00s!", "2.00s"]
    assert lines[2].split() == ["lint", "1.00s", "-", "1.00s", "1.00s"]
    assert "regressions:" in text
    assert "tests: 8.00s in run 3" in text
