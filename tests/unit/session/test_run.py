"""The run object's clock: a session's time starts when nox begins preparing it."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest

from noxkit._session import run as run_module

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Open runs inside a scope (never closed here, so no record is written anywhere)."""
    monkeypatch.setattr(run_module, "_PREPARING", {})
    runs: list[Any] = []
    scope = run_module._SCOPE.set(runs)
    current = run_module._RUN.set(None)
    yield runs
    run_module._RUN.reset(current)
    run_module._SCOPE.reset(scope)


def _open(name: str) -> run_module.SessionRun:
    session: Any = SimpleNamespace(name=name)
    return run_module._open(session, plan=None)  # type: ignore[arg-type]


@pytest.mark.usefixtures("opened")
class TestMarkPreparing:
    def test_a_run_starts_at_the_mark_of_its_session(self):
        """The wait before the session function (nox's creation step, a background fill) is
        the session's own time: its run starts at the mark, not when its function runs."""
        run_module.mark_preparing("tests-3.12")
        mark = run_module._PREPARING["tests-3.12"]
        time.sleep(0.05)
        run = _open("tests-3.12")
        assert run.started == mark[0]
        assert run.record.start == mark[1]
        assert "tests-3.12" not in run_module._PREPARING

    def test_the_first_mark_counts(self):
        """settle() marks the next session before nox's creation step marks it again."""
        run_module.mark_preparing("lint")
        first = run_module._PREPARING["lint"]
        run_module.mark_preparing("lint")
        assert run_module._PREPARING["lint"] == first

    def test_without_a_mark_the_run_starts_when_it_opens(self):
        before = time.perf_counter()
        run = _open("docs")
        assert run.started >= before

    def test_a_mark_belongs_to_its_session_only(self):
        run_module.mark_preparing("lint")
        time.sleep(0.02)
        before = time.perf_counter()
        run = _open("typecheck")
        assert run.started >= before
        assert "lint" in run_module._PREPARING
