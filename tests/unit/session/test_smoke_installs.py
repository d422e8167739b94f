"""smoke's installs: from the lock when the project has one, by the installer otherwise."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from noxkit._plan.plan import load_plan
from noxkit._session import build

if TYPE_CHECKING:
    from pathlib import Path

PYPROJECT = """\
[project]
name = "demo"
version = "1"
dependencies = ["attrs"]
"""

# A wheel's members that ship types: smoke runs mypy on them.
TYPED = ["demo/__init__.py", "demo/py.typed", "demo-1.dist-info/METADATA"]


class FakeSession:
    """Just enough of nox.Session for smoke's install steps; records what was installed."""

    venv_backend = "uv"

    def __init__(self) -> None:
        self.installed: list[tuple[str, ...]] = []

    def install(self, *args: str, **_: Any) -> None:
        self.installed.append(args)

    def log(self, *_: Any) -> None:
        pass


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[tuple[tuple[str, ...], Any]]:
    """Every install from the lock, as (sets, project args); mypy itself is not run."""
    recorded: list[tuple[tuple[str, ...], Any]] = []

    def from_lock(session: Any, plan: Any, spec: Any, *, project: Any = None) -> None:
        recorded.append((spec.sessions, project))

    monkeypatch.setattr(build, "install_from_lock", from_lock)
    monkeypatch.setattr(build, "run_command", lambda *_, **__: None)
    monkeypatch.chdir(tmp_path)
    return recorded


def _plan(tmp_path: Path, *, lock: bool):
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    if lock:
        (root / "noxkit.lock").write_text("", encoding="utf-8")  # only its presence matters
    return load_plan(root)


class TestWithLock:
    def test_wheel_goes_in_after_smokes_set(self, tmp_path, calls):
        """The wheel's dependencies are smoke's set of the lock; the wheel itself goes alone."""
        session = FakeSession()
        wheel = tmp_path / "demo-1-py3-none-any.whl"
        build._install(session, _plan(tmp_path, lock=True), wheel, "demo")  # type: ignore[arg-type]
        assert calls == [(("smoke",), ["--reinstall-package", "demo", str(wheel)])]
        assert session.installed == []

    def test_mypy_comes_from_the_lock(self, tmp_path, calls):
        """The types check installs smoke's `typecheck` set of the lock, not `mypy>=...`."""
        session = FakeSession()
        wheel = tmp_path / "demo-1-py3-none-any.whl"
        build._check_types(session, _plan(tmp_path, lock=True), TYPED, wheel)  # type: ignore[arg-type]
        assert calls == [(("smoke:typecheck",), None)]
        assert session.installed == []


class TestWithoutLock:
    def test_installer_resolves_as_before(self, tmp_path, calls):
        """No lockfile: the wheel with its dependencies, then mypy, by the installer."""
        session = FakeSession()
        plan = _plan(tmp_path, lock=False)
        wheel = tmp_path / "demo-1-py3-none-any.whl"
        build._install(session, plan, wheel, "demo")  # type: ignore[arg-type]
        build._check_types(session, plan, TYPED, wheel)  # type: ignore[arg-type]
        assert calls == []
        assert session.installed == [
            ("--reinstall-package", "demo", str(wheel)),
            ("mypy>=1.10",),
        ]
