"""Messages say what happened and the one command that fixes it (issue 13, item 12). Pure."""

from __future__ import annotations

import sys

import pytest

from noxkit import ConfigError, load_config
from noxkit._formats.envs import compare, fresh_reason
from noxkit._formats.header import venv_python
from noxkit._formats.lock import stale_message


class TestFreshReason:
    def test_ci_with_fingerprint_does_not_suggest_fingerprint(self):
        """In CI with reuse = "fingerprint" already set, the message says CI builds fresh."""
        why = fresh_reason("no", "fingerprint", {"CI": "true"})
        assert "CI always builds fresh environments" in why
        assert "turns it on" not in why

    def test_reuse_venv_never_names_the_option(self):
        """--reuse-venv=never is the cause, not a missing setting."""
        assert "--reuse-venv=never" in fresh_reason("never", "fingerprint", {})

    def test_locally_with_the_default_it_names_both_ways(self):
        """Outside CI with reuse = "flag": `nox -r` or the fingerprint setting."""
        why = fresh_reason("no", "flag", {})
        assert "`nox -r`" in why
        assert 'reuse = "fingerprint" turns it on' in why


class TestInterpreterMessages:
    def test_only_the_environment_python_is_missing(self):
        """bin/ deleted while the interpreter exists: not 'the interpreter is gone'."""
        old = {"interpreter": {"path": sys.executable, "version": "3", "identity": [1, 2]}}
        reason = compare(_stamp(old), _stamp({"interpreter": None})) or ""
        assert "its python executable is missing" in reason
        assert "is gone" not in reason

    def test_a_deleted_interpreter_is_gone(self):
        """An interpreter that no longer exists is named as gone."""
        old = {"interpreter": {"path": "/nowhere/python9", "version": "9", "identity": [1, 2]}}
        reason = compare(_stamp(old), _stamp({"interpreter": None})) or ""
        assert reason == "its interpreter /nowhere/python9 is gone"


def _stamp(part):
    base = {"kind": "noxkit-env-stamp", "format": 1, "location": "/e"}
    return base | part


class TestHeaderBeforeABuild:
    def test_no_pyvenv_cfg_says_not_built_yet(self, tmp_path):
        """Before a rebuild the header says so, not 'Python unknown'."""
        _, version = venv_python(str(tmp_path / "missing-env"))
        assert version.startswith("not built yet")


class TestLockStaleMessage:
    def test_with_check_only_the_refresh_turns_it_off(self):
        """lock.check = true: `nox -s lock` only checks, so the fix command says more."""
        message = stale_message("noxkit.lock", ["x changed"], check_only=True)
        assert "`NOXKIT_SET=lock.check=false nox -s lock`" in message

    def test_by_default_nox_s_lock_refreshes(self):
        """The usual case keeps the short command."""
        assert "Refresh it with `nox -s lock` and" in stale_message("noxkit.lock", ["x"])


class TestBom:
    def test_a_bom_is_named(self, tmp_path):
        """A pyproject.toml saved with a BOM: one line naming the BOM, at 1:1."""
        (tmp_path / "pyproject.toml").write_text('\ufeff[project]\nname = "x"\n', encoding="utf-8")
        with pytest.raises(ConfigError, match=r"pyproject.toml:1:1: starts with a byte order mark"):
            load_config(tmp_path)
