"""Reading `git log` for a release: whole messages, so footers count (pure)."""

from __future__ import annotations

from noxkit._formats.release import LOG_FORMAT, bump, parse_log


def _log(*messages: str) -> str:
    return "".join(f"{'a' * 39}{i}\x1f{m}\n\x1e\n" for i, m in enumerate(messages))


class TestParseLog:
    def test_the_format_reads_whole_messages(self):
        """`%B` (body included), never `%s` (subject only, which drops the footers)."""
        assert "%B" in LOG_FORMAT
        assert "%s" not in LOG_FORMAT

    def test_a_breaking_change_footer_makes_a_major_release(self):
        """A `fix:` commit with a `BREAKING CHANGE:` footer is released as a major version."""
        changes, count = parse_log(_log("fix: tidy\n\nwhy\n\nBREAKING CHANGE: config moved"))
        assert count == 1
        assert bump(changes) == "major"
        assert changes[0].note == "config moved"

    def test_free_form_commits_are_counted_not_released(self):
        """Every record is counted; only conventional ones become changes."""
        changes, count = parse_log(_log("Tidy up", "feat: x", "docs: y"))
        assert (count, [c.type for c in changes]) == (3, ["feat", "docs"])
