from __future__ import annotations

import pytest

from noxkit._formats.usage import parse_lock_args, parse_release_args, usage_problem


class TestUsage:
    def test_good_arguments_have_no_problem(self):
        """What each session takes passes: a shard, the lock's flags, a release version."""
        assert usage_problem("tests-3.12", ["--shard", "2/4", "-k", "x"], {}) is None
        assert usage_problem("lock", ["--upgrade-package", "attrs", "--check"], {}) is None
        assert usage_problem("release", ["--dry-run", "1.2.0"], {}) is None
        assert usage_problem("lint", ["--anything"], {}) is None

    @pytest.mark.parametrize(
        ("session", "args", "named"),
        [
            ("tests-3.11", ["--shard", "5/2"], "nox -s tests-3.11: "),
            ("tests", ["--shard"], "--shard needs a value"),
            ("lock", ["--bogus"], "unknown argument '--bogus'; usage: nox -s lock"),
            ("release", ["1.0", "2.0"], "release takes [--dry-run] [VERSION]"),
        ],
    )
    def test_bad_arguments_are_named_with_the_usage(self, session, args, named):
        """A mistake gives one line naming the session and what it takes."""
        problem = usage_problem(session, args, {})
        assert problem is not None
        assert named in problem

    def test_the_sessions_parse_with_the_same_functions(self):
        """The parsers return what the sessions act on."""
        assert parse_lock_args(["-U", "-P", "a", "--upgrade-package=b"]) == (
            False,
            True,
            ["a", "b"],
        )
        assert parse_release_args(["0.2.0"]) == (False, "0.2.0")
