"""The guard nox enters before it prepares a session's environment (``register._env_guard``)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from noxkit._session import envlock, prefill, register, signals


def _managed() -> Any:
    """A session function whose folder noxkit manages (as ``_make_session`` marks it)."""

    def func() -> None:
        """A noxkit session."""

    setattr(func, register._NOXKIT_SESSION, True)
    setattr(func, register._WHEN_BUSY, "wait")
    return func


class TestFillsStartBeforeCreation:
    @pytest.fixture
    def started(self, monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, object]]:
        calls: list[tuple[object, object]] = []
        monkeypatch.setattr(prefill, "start", lambda handle, plan: calls.append((handle, plan)))
        monkeypatch.setattr(register, "registered_plans", lambda: ["the plan"])
        monkeypatch.setattr(signals, "install", lambda: None)
        return calls

    def test_the_later_environments_start_filling_before_nox_creates_this_one(
        self, started, tmp_path
    ):
        """The first session's own environment is created and filled while the later ones
        fill: the fills start in the guard, before nox's creation step, not in the body."""
        handle = SimpleNamespace(name="runner")
        guard = register._env_guard(str(tmp_path / "lint"), "lint", _managed(), [], handle)
        assert started == [(handle, "the plan")]
        with guard:
            pass
        envlock.release_unclaimed()

    def test_no_handle_no_fill(self, started, tmp_path):
        with register._env_guard(str(tmp_path / "lint"), "lint", _managed(), []):
            pass
        envlock.release_unclaimed()
        assert started == []

    def test_a_session_noxkit_does_not_manage_fills_nothing(self, started, tmp_path):
        def plain() -> None:
            """A project's own nox session."""

        with register._env_guard(str(tmp_path / "x"), "x", plain, [], SimpleNamespace()):
            pass
        assert started == []
