"""Which runs' coverage data is trusted: only folders a successful run marked finished."""

from __future__ import annotations

from noxkit._formats import coverage_runs


class TestUnfinishedRuns:
    def test_only_marked_runs_are_trusted(self, tmp_path):
        """A run folder without the finished marker (interrupted, failed, older) is refused."""
        done, cut = tmp_path / "tests-3.11", tmp_path / "tests-3.12"
        for run in (done, cut):
            run.mkdir()
            (run / ".coverage.host.1").write_bytes(b"data")
        coverage_runs.mark_finished(done, "tests-3.11")
        assert coverage_runs.unfinished_runs([done, cut]) == [cut]

    def test_corrupt_marker_is_not_trusted(self, tmp_path):
        """A marker that is not the JSON noxkit writes vouches for nothing."""
        run = tmp_path / "tests-3.11"
        run.mkdir()
        (run / coverage_runs.FINISHED_NAME).write_bytes(b"\xff")
        assert coverage_runs.unfinished_runs([run]) == [run]

    def test_refusal_names_each_run_and_the_fix(self, tmp_path):
        """The refusal is one line naming the runs and the command that redoes them."""
        message = coverage_runs.refusal([tmp_path / "tests-3.11", tmp_path / "tests-3.12"])
        assert message is not None
        assert "\n" not in message
        assert "tests-3.11, tests-3.12" in message
        assert "`nox -s tests-3.11 -s tests-3.12` again" in message
        assert coverage_runs.refusal([]) is None
