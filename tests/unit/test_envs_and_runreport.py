"""The fingerprint comparison, reuse decisions, locks, and the run report's pure parts."""

from __future__ import annotations

import copy
import os

import pytest

from noxkit._config.schema import load_config
from noxkit._errors import ConfigError
from noxkit._formats import envs as _envs
from noxkit._formats import report as _runreport
from noxkit._session.envs import EnvLock

BASE = {
    "kind": "noxkit-env-stamp",
    "format": 1,
    "location": "/p/.nox/tests-3-12",
    "noxkit": "0.1.0",
    "backend": "uv",
    "interpreter": {"path": "/py/3.12/bin/python3.12", "version": "3.12.1", "identity": [1, 2]},
    "requirements": ["pytest>=8", "coverage>=7.10", "-e", "."],
    "files": {},
    "groups": {"test": ["pytest"]},
    "extras": {},
    "project": {"dependencies": ["attrs"], "editable": True},
    "installer-env": "sha256:x",
}


def _changed(path: list[str], value: object) -> dict[str, object]:
    new = copy.deepcopy(BASE)
    target = new
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return new


class TestCompare:
    def test_identical_fingerprints_match(self):
        """An unchanged fingerprint has no reason to rebuild."""
        assert _envs.compare(BASE, copy.deepcopy(BASE)) is None

    @pytest.mark.parametrize(
        ("path", "value", "reason"),
        [
            (["kind"], "other", "the stamp is not one this noxkit writes"),
            (["location"], "/elsewhere", "the stamp belongs to another environment (/elsewhere)"),
            (["interpreter"], None, "its interpreter /py/3.12/bin/python3.12 is gone"),
            (["interpreter", "version"], "3.12.2", "Python changed (3.12.2 -> 3.12.1)"),
            (["interpreter", "identity"], [3, 4], "was replaced since the environment was built"),
            (["backend"], "virtualenv", "backend changed (virtualenv -> uv)"),
            (["noxkit"], "0.2.0", "noxkit changed (0.2.0 -> 0.1.0)"),
            (["groups", "test"], ["pytest", "hypothesis"], "dependency group `test` changed"),
            (["extras"], {"tests": ["x"]}, "extra `tests` changed"),
            (["project", "dependencies"], [], "project dependencies changed"),
            (
                ["requirements"],
                ["pytest>=9", "coverage>=7.10", "-e", "."],
                "+pytest>=8, -pytest>=9",
            ),
            (["installer-env"], "sha256:y", "installer settings"),
        ],
    )
    def test_each_change_names_its_cause(self, path, value, reason):
        """A stamp differing in one part is rebuilt with a reason naming that part."""
        # What the session needs now is BASE; the stamp differs (an interpreter that is gone
        # is a fact of now, not of the stamp).
        if path == ["interpreter"]:
            found = _envs.compare(BASE, _changed(path, value))
        else:
            found = _envs.compare(_changed(path, value), BASE)
        assert found is not None
        assert reason in found


class TestReuseAllowed:
    @pytest.mark.parametrize(
        ("flag", "setting", "environ", "expected"),
        [
            ("no", "flag", {}, False),
            ("yes", "flag", {}, True),
            ("always", "flag", {"CI": "true"}, True),
            ("never", "fingerprint", {}, False),
            ("no", "fingerprint", {}, True),
            ("no", "fingerprint", {"CI": "true"}, False),
            ("no", "fingerprint", {"CI": "false"}, True),
            ("no", "fingerprint", {"GITHUB_ACTIONS": "true"}, False),
        ],
    )
    def test_matrix(self, flag, setting, environ, expected):
        """Flags allow reuse; the fingerprint setting allows it outside CI; never forbids."""
        assert _envs.reuse_allowed(flag, setting, environ) is expected


class TestStampAndLock:
    def test_read_stamp_reasons(self, tmp_path):
        """Missing, empty-folder and corrupt stamps each give a one-line reason."""
        env = tmp_path / "env"
        env.mkdir()
        assert _envs.read_stamp(env) == "the environment folder is empty"
        (env / "pyvenv.cfg").write_text("home = /x\n")
        assert "no stamp" in str(_envs.read_stamp(env))
        (env / _envs.STAMP_NAME).write_text("[1, 2]")
        assert _envs.read_stamp(env) == "its stamp is corrupt"
        _envs.stamp(env, dict(BASE), [["ruff", "0.7.0"]])
        found = _envs.read_stamp(env)
        assert isinstance(found, dict)
        assert found["installed"] == [["ruff", "0.7.0"]]

    def test_lock_held_elsewhere_names_the_holder(self, tmp_path):
        """A second lock on the same folder fails fast with the holder's PID."""
        first, second = EnvLock(tmp_path / "env"), EnvLock(tmp_path / "env")
        first.acquire(wait=False)
        try:
            with pytest.raises(BlockingIOError, match=f"PID {os.getpid()} "):
                second.acquire(wait=False)
        finally:
            first.release()
        second.acquire(wait=False)
        second.release()

    def test_installed_digest_ignores_order_and_case(self):
        """The installed-set digest depends on the set, not its order or name case."""
        a = _envs.installed_digest([["Ruff", "0.7.0"], ["attrs", "24.1"]])
        b = _envs.installed_digest([["attrs", "24.1"], ["ruff", "0.7.0"]])
        assert a == b
        assert a != _envs.installed_digest([["attrs", "24.2"], ["ruff", "0.7.0"]])


def _report(*sessions):
    return {"sessions": list(sessions)}


def _session(name, installed, python="3.12.1"):
    pairs = [list(p) for p in installed]
    return {
        "session": name,
        "result": "success",
        "duration": 2.0,
        "setup": 0.5,
        "tools": 1.5,
        "environment": {
            "reused": False,
            "rebuild_reason": None,
            "python": python,
            "installed": [{"name": n, "version": v} for n, v in pairs],
            "digest": _envs.installed_digest(pairs),
        },
    }


class TestRunReport:
    def test_diff_identical(self):
        """Two runs with the same installed sets and Pythons are identical."""
        a = _report(_session("lint", [("ruff", "0.7.0")]))
        identical, lines = _runreport.diff_reports(a, copy.deepcopy(a))
        assert identical
        assert lines == ["lint: identical (1 packages)"]

    def test_diff_names_each_difference(self):
        """Changed, removed and added packages, a changed Python and a missing session."""
        a = _report(
            _session("tests", [("pytest", "8.3.0"), ("attrs", "24.1")]), _session("lint", [])
        )
        b = _report(_session("tests", [("pytest", "8.4.0"), ("rich", "13")], python="3.12.2"))
        identical, lines = _runreport.diff_reports(a, b)
        assert not identical
        assert "lint: only in A" in lines
        (tests_line,) = [line for line in lines if line.startswith("tests")]
        assert "python 3.12.1 -> 3.12.2" in tests_line
        assert "pytest 8.3.0 -> 8.4.0" in tests_line
        assert "-attrs 24.1" in tests_line
        assert "+rich 13" in tests_line

    def test_table_has_total_and_environment_notes(self):
        """The summary table lists each session and a total; rebuilt ones give the reason."""
        rebuilt = _session("tests", [])
        rebuilt["environment"]["rebuild_reason"] = "dependency group `test` changed"
        table = _runreport.render_table([_session("lint", []), rebuilt])
        assert "rebuilt: dependency group `test` changed" in table
        assert table.splitlines()[-1].split()[:2] == ["total", "4.00s"]
        assert "| tests | success | 2.00s | 0.50s | 1.50s |" in _runreport.render_markdown(
            [rebuilt]
        )


class TestConfig:
    def test_unknown_reuse_mode_is_rejected(self, tmp_path):
        """`[tool.noxkit.envs] reuse` accepts only its listed words."""
        (tmp_path / "pyproject.toml").write_text('[tool.noxkit.envs]\nreuse = "always"\n')
        with pytest.raises(ConfigError, match="must be one of 'flag', 'fingerprint'"):
            load_config(tmp_path)
