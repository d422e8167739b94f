"""The run verdict: a run whose every session was skipped verified nothing."""

from __future__ import annotations

from noxkit._formats.verdict import nothing_verified


class TestNothingVerified:
    def test_all_skipped_names_each_session_and_reason(self):
        """Every session skipped: one line naming each with its reason, and the setting."""
        line = nothing_verified(
            [
                {"session": "tests-3.98", "result": "skipped", "reason": "Python 3.98 not found"},
                {"session": "typecheck", "result": "skipped", "reason": ""},
            ]
        )
        assert line is not None
        assert "\n" not in line
        assert "tests-3.98 (Python 3.98 not found), typecheck;" in line
        assert "allow-all-skipped = true" in line

    def test_one_session_that_ran_is_a_verdict_of_its_own(self):
        """One session that ran (passed, failed or interrupted) leaves the exit code to nox."""
        for result in ("success", "failed", "interrupted"):
            records = [
                {"session": "lint", "result": result},
                {"session": "tests-3.98", "result": "skipped"},
            ]
            assert nothing_verified(records) is None

    def test_no_records_no_verdict(self):
        """A run with no noxkit session (`nox -l`, a plain session) is not judged."""
        assert nothing_verified([]) is None
