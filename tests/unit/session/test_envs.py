"""The lock on an environment folder: one holder at a time, named when busy."""

from __future__ import annotations

import os

import pytest

from noxkit._session.envs import EnvLock


class TestEnvLock:
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
