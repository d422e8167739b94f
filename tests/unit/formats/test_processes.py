"""The process tree as data: parsing /proc stat lines and walking descendants."""

from __future__ import annotations

from noxkit._formats.processes import descendants, parse_proc_stat


class TestParseProcStat:
    def test_name_with_spaces_and_parentheses(self):
        """Fields are counted after the last `)`, whatever the command name holds."""
        assert parse_proc_stat("42 (my (odd) name) S 7 42 42 0") == (7, "S")

    def test_unreadable_line_is_none(self):
        """A truncated line gives None, never an exception."""
        assert parse_proc_stat("42 (x)") is None


class TestDescendants:
    def test_whole_subtree_parents_first(self):
        """Children, grandchildren and deeper, never the root's parent or siblings."""
        pairs = [(10, 1), (11, 10), (12, 11), (13, 10), (20, 1), (21, 20)]
        assert descendants(pairs, 10) == [11, 13, 12]

    def test_cycles_do_not_loop(self):
        """A reused PID that appears as its own ancestor ends the walk."""
        assert descendants([(2, 3), (3, 2)], 2) == [3]
