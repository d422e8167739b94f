"""The tests step's pure helpers: naming the selection that matched nothing."""

from __future__ import annotations

import pytest

from noxkit._session.checks import _selection


class TestSelection:
    @pytest.mark.parametrize(
        ("args", "shown"),
        [
            (["-k", "parser", "--maxfail=5"], "`-k parser`"),
            (["-kparser"], "`-kparser`"),
            (["-m", "slow and not db"], "`-m 'slow and not db'`"),
            (["--deselect=tests/a.py::t"], "`--deselect=tests/a.py::t`"),
            (["-q", "--maxfail=5"], ""),
            (["--maxfail", "5"], ""),
        ],
    )
    def test_the_selection_is_named_as_typed(self, args, shown):
        """`-k parser` that matches nothing is named, not blamed on test discovery."""
        assert _selection(args) == shown
