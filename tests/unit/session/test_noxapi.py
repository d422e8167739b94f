"""Every nox internal that ``noxkit._session.noxapi`` relies on exists, with the shape it expects.

nox gives libraries no API for these, so a nox release may move any of them. The adapter
degrades quietly (``getattr`` with a default) to keep a user's run alive; these tests are where
the move shows, loudly, naming what moved.
"""

from __future__ import annotations

import argparse
import ast
import inspect
from importlib import metadata
from pathlib import Path

import nox
import nox.registry
import nox.sessions
import nox.virtualenv
import pytest
from packaging.version import Version

from noxkit._session import noxapi

NOX_VERSION = metadata.version("nox")


def moved(what: str, uses: str) -> str:
    """The failure message: which nox internal moved, and which adapter function needs it."""
    return f"nox {NOX_VERSION}: {what} moved or changed; noxkit._session.noxapi.{uses} uses it"


def _noop(session):
    """A session body that does nothing."""


def _config(**options: object) -> argparse.Namespace:
    return argparse.Namespace(posargs=[], **options)


@pytest.fixture
def runner() -> nox.sessions.SessionRunner:
    """A real nox ``SessionRunner``, as nox builds one for each session of the manifest."""
    func = nox.registry.session_decorator(_noop, name="probe")
    try:
        return nox.sessions.SessionRunner(
            "probe", ["probe"], func, _config(reuse_venv="yes", no_install=True), manifest=None
        )
    finally:
        nox.registry._REGISTRY.pop("probe", None)


class TestSession:
    def test_session_keeps_its_runner(self, runner):
        """``Session._runner`` is the runner: the key of a session's run object."""
        session = nox.sessions.Session(runner)
        assert getattr(session, "_runner", None) is runner, moved("Session._runner", "runner_key")
        assert noxapi.runner_key(session) == id(runner), moved("Session._runner", "runner_key")

    def test_runner_global_config_holds_the_options(self, runner):
        """``SessionRunner.global_config`` holds the merged command-line options."""
        session = nox.sessions.Session(runner)
        assert noxapi.global_option(session, "reuse_venv") == "yes", moved(
            "SessionRunner.global_config", "global_option"
        )
        assert noxapi.global_option(session, "no_install") is True

    def test_result_status_names_the_outcome(self, runner):
        """``SessionRunner.result`` is a ``Result`` whose ``status`` is a ``Status`` enum."""
        session = nox.sessions.Session(runner)
        assert "result" in vars(runner), moved("SessionRunner.result", "result_of")
        assert noxapi.result_of(session) is None
        runner.result = nox.sessions.Result(runner, nox.sessions.Status.FAILED)
        assert noxapi.result_of(session) == "failed", moved("Result.status (Status)", "result_of")
        names = {s.name.lower() for s in nox.sessions.Status}
        assert {"success", "failed", "skipped", "aborted"} <= names, moved("Status", "result_of")

    def test_skip_raises_the_skip_signal(self, runner):
        """``session.skip()`` raises ``nox.sessions._SessionSkip``, which is_skip recognises."""
        assert isinstance(getattr(nox.sessions, "_SessionSkip", None), type), moved(
            "nox.sessions._SessionSkip", "is_skip"
        )
        with pytest.raises(BaseException) as caught:
            nox.sessions.Session(runner).skip("not here")
        assert noxapi.is_skip(caught.value), moved("nox.sessions._SessionSkip", "is_skip")
        assert not noxapi.is_skip(RuntimeError())

    def test_virtualenv_is_none_before_the_environment(self, runner):
        """``session.virtualenv`` raises before an environment exists; venv_of gives None."""
        session = nox.sessions.Session(runner)
        assert noxapi.venv_of(session) is None
        venv = nox.virtualenv.VirtualEnv("/nowhere/env", reuse_existing=False)
        runner.venv = venv
        assert noxapi.venv_of(session) is venv, moved("SessionRunner.venv", "venv_of")


class TestVirtualEnv:
    def test_reused_flag(self, tmp_path):
        """``VirtualEnv._reused`` exists, starts False, and is what ``-R`` consults."""
        venv = nox.virtualenv.VirtualEnv(str(tmp_path / "env"), reuse_existing=True)
        assert "_reused" in vars(venv), moved("VirtualEnv._reused", "was_reused/mark_fresh")
        assert noxapi.was_reused(venv) is False
        venv._reused = True
        assert noxapi.was_reused(venv) is True
        noxapi.mark_fresh(venv)
        assert venv._reused is False
        # nox skips installs under --no-install only when the environment was reused.
        source = inspect.getsource(nox.sessions.Session)
        assert "no_install" in source, moved("global_config.no_install", "mark_fresh")
        assert "_reused" in source, moved("Session's use of venv._reused", "mark_fresh")

    def test_virtualenv_class(self):
        """``nox.virtualenv.VirtualEnv`` is the class of the environments noxkit manages."""
        assert noxapi.virtualenv_class() is nox.virtualenv.VirtualEnv

    def test_find_uv_returns_found_path_version(self):
        """``nox.virtualenv.find_uv()`` returns ``(found, path, version)``."""
        found = nox.virtualenv.find_uv()
        assert isinstance(found, tuple), moved("nox.virtualenv.find_uv", "find_uv")
        assert len(found) == 3, moved("nox.virtualenv.find_uv (a 3-tuple)", "find_uv")
        has_uv, path, version = found
        assert isinstance(has_uv, bool), moved("find_uv()[0] (bool)", "find_uv")
        assert isinstance(path, str), moved("find_uv()[1] (str)", "find_uv")
        assert isinstance(version, Version), moved("find_uv()[2] (Version)", "find_uv")
        assert noxapi.find_uv() == (path if has_uv else None)


class TestRegistry:
    @pytest.fixture(autouse=True)
    def _own_registry(self, monkeypatch):
        """Each test gets an empty nox registry; nox's own is put back after."""
        monkeypatch.setattr(nox.registry, "_REGISTRY", {})

    def test_registry_is_a_dict_filled_by_the_decorator(self):
        """``nox.registry._REGISTRY`` is the dict ``session_decorator`` stores ``Func`` in."""
        assert type(nox.registry._REGISTRY) is dict, moved(
            "nox.registry._REGISTRY", "wrap_sessions"
        )
        func = nox.registry.session_decorator(_noop, name="probe")
        assert nox.registry._REGISTRY.get("probe") is func, moved(
            "session_decorator storing into _REGISTRY", "wrap_sessions"
        )
        assert noxapi.registered_names() == {"probe"}, moved("nox.registry.get", "registered_names")

    def test_func_calls_its_func(self):
        """A registered ``Func`` calls its ``func`` attribute: the one noxkit wraps."""
        calls = []
        func = nox.registry.session_decorator(_noop, name="probe")
        assert callable(getattr(func, "func", None)), moved("Func.func", "wrap_sessions")
        func.func = lambda session: calls.append(("replaced", session))
        func("s")
        assert calls == [("replaced", "s")], moved("Func.__call__ using Func.func", "wrap_sessions")

    def test_wrapping_covers_sessions_before_and_after(self):
        """Sessions registered before and after wrap_sessions both run inside the wrapper."""
        seen = []

        def wrapper(inner):
            def run(session):
                seen.append(("start", session))
                inner(session)

            return run

        def a(session):
            seen.append("before")

        def b(session):
            seen.append("after")

        before = nox.registry.session_decorator(a, name="a")
        noxapi.wrap_sessions(wrapper)
        after = nox.registry.session_decorator(b, name="b")
        sessions = nox.registry.get()
        assert type(sessions) is dict
        assert sessions == {"a": before, "b": after}, moved("nox.registry.get", "wrap_sessions")
        sessions["a"](1)
        sessions["b"](2)
        assert seen == [("start", 1), "before", ("start", 2), "after"], moved(
            "session_decorator storing into _REGISTRY by item assignment", "wrap_sessions"
        )
        nox.registry.reset()
        assert nox.registry.get() == {}, moved("nox.registry.reset", "wrap_sessions")


# nox's public modules; anything else of nox is reached through the adapter only.
_PUBLIC_NOX = {"nox", "nox.command", "nox.project"}
_INTERNAL_NAMES = {"_runner", "_reused", "_REGISTRY", "_SessionSkip", "global_config", "find_uv"}
SRC = Path(__file__).resolve().parents[3] / "src" / "noxkit"


def _nox_internals(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module or ""]
        else:
            names = []
        found += [
            f"{node.lineno}: imports {name}"
            for name in names
            if name.split(".")[0] == "nox" and name not in _PUBLIC_NOX
        ]
        through_adapter = isinstance(node, ast.Attribute) and ast.unparse(node.value) == "noxapi"
        if isinstance(node, ast.Attribute) and node.attr in _INTERNAL_NAMES and not through_adapter:
            found.append(f"{node.lineno}: uses .{node.attr}")
    return found


def test_no_nox_internal_outside_the_adapter():
    """Only ``noxapi.py`` imports nox's private modules or touches its private attributes."""
    offenders = [
        f"{path.relative_to(SRC.parent)}:{hit}"
        for path in sorted(SRC.rglob("*.py"))
        if path.name != "noxapi.py"
        for hit in _nox_internals(path)
    ]
    assert not offenders, "route these through noxkit._session.noxapi:\n" + "\n".join(offenders)


def test_the_internals_scan_sees_a_planted_use(tmp_path):
    """The scan is not vacuous: a private import and a private attribute are both found."""
    planted = tmp_path / "planted.py"
    planted.write_text("from nox.sessions import Status\nx = session._runner\n", encoding="utf-8")
    assert _nox_internals(planted) == ["1: imports nox.sessions", "2: uses ._runner"]


class TestVenvCreationGuard:
    def test_create_venv_is_the_runner_method_that_creates(self):
        """``SessionRunner._create_venv`` exists and takes only the runner: the guard wraps it."""
        method = getattr(nox.sessions.SessionRunner, "_create_venv", None)
        assert callable(method), moved("SessionRunner._create_venv", "guard_venv_creation")
        params = list(inspect.signature(method).parameters)
        assert len(params) == 1, moved(
            "SessionRunner._create_venv's signature", "guard_venv_creation"
        )
        for attribute in ("envdir", "friendly_name"):
            assert isinstance(getattr(nox.sessions.SessionRunner, attribute, None), property), (
                moved(f"SessionRunner.{attribute}", "guard_venv_creation")
            )


class TestManifest:
    @pytest.fixture(autouse=True)
    def _own_registry(self, monkeypatch):
        """Each test gets an empty nox registry; nox's own is put back after."""
        monkeypatch.setattr(nox.registry, "_REGISTRY", {})

    def test_pending_sessions_are_the_manifest_queue(self, tmp_path):
        """``SessionRunner.manifest._queue`` holds what nox runs next; pending_sessions reads
        it and builds each one's environment object the way nox's ``_create_venv`` does."""
        import nox.manifest  # noqa: PLC0415 - the internal under test

        first = nox.registry.session_decorator(_noop, name="first", venv_backend="uv")
        second = nox.registry.session_decorator(_noop, name="second", venv_backend="uv")
        config = _config(
            reuse_venv="no", envdir=str(tmp_path / ".nox"), force_venv_backend=None,
            default_venv_backend=None, download_python=None, noxfile=str(tmp_path / "noxfile.py"),
            extra_pythons=None, force_pythons=None,
        )  # fmt: skip
        manifest = nox.manifest.Manifest({"first": first, "second": second}, config)
        runner = next(manifest)
        assert runner.name == "first", moved("Manifest iteration", "pending_sessions")
        pending = noxapi.pending_sessions(nox.sessions.Session(runner))
        assert [p.name for p in pending] == ["second"], moved("Manifest._queue", "pending_sessions")
        # The handle guard_venv_creation passes (the runner, before the session exists).
        assert [p.name for p in noxapi.pending_sessions(runner)] == ["second"]
        assert noxapi.global_option(runner, "reuse_venv") == "no"
        (later,) = pending
        assert later.base == "second"
        assert later.backend == "uv"
        assert later.location == str(tmp_path / ".nox" / "second")
        assert later.nox_keeps is False, moved("SessionRunner.reuse_existing_venv", "pending")
        venv = later.make_venv()
        assert isinstance(venv, nox.virtualenv.VirtualEnv), moved("get_virtualenv", "pending")
        assert venv.location == later.location
