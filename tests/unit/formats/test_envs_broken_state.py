"""Broken state the fingerprint must not trust: undecodable stamps, an edited pyvenv.cfg."""

from __future__ import annotations

import copy
import sys
from typing import TYPE_CHECKING

from noxkit._formats import envs as _envs

if TYPE_CHECKING:
    from pathlib import Path


def _venv(tmp_path: Path, home: str) -> Path:
    """A folder shaped like a venv whose python links to the running interpreter."""
    env = tmp_path / "env"
    (env / "bin").mkdir(parents=True)
    (env / "bin" / "python").symlink_to(sys.executable)
    (env / "pyvenv.cfg").write_text(
        f"home = {home}\nimplementation = CPython\nversion_info = 3.11.7\nprompt = x\n",
        encoding="utf-8",
    )
    return env


class TestUndecodableStamp:
    def test_non_utf8_stamp_is_a_reason_not_a_crash(self, tmp_path):
        """A stamp that is not UTF-8 reads as a one-line reason to rebuild."""
        env = tmp_path / "env"
        env.mkdir()
        (env / _envs.STAMP_NAME).write_bytes(b'{"fingerprint": "\xff"}')
        assert _envs.read_stamp(env) == "its stamp is not UTF-8 text"


class TestPyvenvCfg:
    def test_home_is_part_of_the_interpreter_facts(self, tmp_path):
        """The pyvenv.cfg values that choose the stdlib are fingerprinted; a prompt is not."""
        facts = _envs.interpreter_facts(_venv(tmp_path, "/opt/py/bin"))
        assert facts is not None
        assert facts["cfg"]["home"] == "/opt/py/bin"
        assert facts["cfg"]["version_info"] == "3.11.7"
        assert "prompt" not in facts["cfg"]

    def test_changed_home_names_the_change(self, tmp_path):
        """A stamp taken under another `home` does not match: the reason names the key."""
        now = {"interpreter": _envs.interpreter_facts(_venv(tmp_path, "/opt/py/bin"))}
        before = copy.deepcopy(now)
        before["interpreter"]["cfg"]["home"] = "/usr/bin"
        reason = _envs._check_interpreter(before, now)
        assert reason == "pyvenv.cfg changed (home: /usr/bin -> /opt/py/bin)"
        assert _envs._check_interpreter(now, copy.deepcopy(now)) is None
