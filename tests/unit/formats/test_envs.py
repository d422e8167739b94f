"""The environment fingerprint: comparison, reuse decisions, the stamp, the installed digest."""

from __future__ import annotations

import copy

import pytest

from noxkit._formats import envs as _envs

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


class TestStamp:
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

    def test_installed_digest_ignores_order_and_case(self):
        """The installed-set digest depends on the set, not its order or name case."""
        a = _envs.installed_digest([["Ruff", "0.7.0"], ["attrs", "24.1"]])
        b = _envs.installed_digest([["attrs", "24.1"], ["ruff", "0.7.0"]])
        assert a == b
        assert a != _envs.installed_digest([["attrs", "24.2"], ["ruff", "0.7.0"]])


class TestMissingPythonLine:
    def test_says_whether_it_was_downloaded_and_how_to_change_it(self):
        """A missing Python's line names the setting that kept uv from downloading it."""
        from noxkit._formats.envs import missing_python_line  # noqa: PLC0415

        line = missing_python_line("Python interpreter 3.99 not found.", "never")
        assert line.startswith("Python interpreter 3.99 not found: not downloaded")
        assert 'download-python = "never"' in line
        assert '"auto"' in line
        auto = missing_python_line("Python interpreter 3.99 not found", "auto")
        assert 'uv could not provide it (download-python = "auto")' in auto
