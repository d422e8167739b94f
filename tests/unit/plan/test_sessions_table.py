"""One table of sessions: the plan, registration and the bodies all derive from it."""

from __future__ import annotations

import pytest

from noxkit import STANDARD_SESSIONS, load_plan
from noxkit._plan.sessions import SESSIONS, info, registration_order
from noxkit._session import bodies


@pytest.fixture
def plan(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n', encoding="utf-8")
    return load_plan(tmp_path)


class TestSessionTable:
    def test_public_names_are_the_table(self):
        """`noxkit.STANDARD_SESSIONS` lists the table's rows, in order."""
        assert tuple(s.name for s in SESSIONS) == STANDARD_SESSIONS

    def test_plan_takes_description_and_default_from_the_table(self, plan):
        """Every planned standard session carries its row's description and default."""
        assert tuple(plan.sessions) == STANDARD_SESSIONS
        for row in SESSIONS:
            assert plan.sessions[row.name].description == row.description
            assert plan.sessions[row.name].default == row.default

    def test_every_session_has_a_body(self):
        """A session in the table without a body (or the reverse) is caught here."""
        assert set(bodies._BODIES) == set(STANDARD_SESSIONS)

    def test_parallel_safe_and_start_first(self):
        """`fmt` rewrites files, so it never runs beside others; `tests` starts first."""
        assert not info("fmt").parallel_safe
        assert {s.name for s in SESSIONS if s.parallel_safe} == {
            "lint", "typecheck", "tests", "coverage",
        }  # fmt: skip
        assert registration_order(["lint", "tests", "coverage"]) == ["tests", "lint", "coverage"]

    def test_profile_sessions_keep_their_place(self):
        """A profile's own session (no row) is registered in the order given."""
        assert info("audit") is None
        assert registration_order(["audit", "tests"]) == ["tests", "audit"]
