"""The folder lock taken before nox creates an environment: claimed by the lease, or released."""

from __future__ import annotations

import pytest

from noxkit._errors import StepError
from noxkit._session import envlock
from noxkit._session.envlock import EnvLock


def _free(location) -> bool:
    """Whether another holder could take the lock on ``location`` now."""
    probe = EnvLock(location)
    try:
        probe.acquire(wait=False)
    except BlockingIOError:
        return False
    probe.release()
    return True


class TestLockedBeforeCreation:
    def test_lock_stays_held_until_claimed(self, tmp_path):
        """After nox's creation the lock stays held; the lease claims it, then releases it."""
        location = tmp_path / "env"
        with envlock.locked_before_creation(location, "lint", wait=False):
            pass
        assert not _free(location)
        lock = envlock.claim(location)
        assert lock is not None
        assert envlock.claim(location) is None  # claimed once
        lock.release()
        assert _free(location)

    def test_unclaimed_lock_is_released_at_session_end(self, tmp_path):
        """A session that ends before installing leaves no lock behind."""
        location = tmp_path / "env"
        with envlock.locked_before_creation(location, "lint", wait=False):
            pass
        assert envlock.claim(tmp_path / "other") is None  # another folder claims nothing
        envlock.release_unclaimed()
        assert _free(location)

    def test_failed_creation_releases_the_lock(self, tmp_path):
        """When nox's creation fails (no interpreter), the lock is released at once."""
        location = tmp_path / "env"
        with (
            pytest.raises(RuntimeError),
            envlock.locked_before_creation(location, "lint", wait=False),
        ):
            raise RuntimeError
        assert _free(location)
        assert envlock.claim(location) is None

    def test_busy_folder_fails_naming_the_holder(self, tmp_path):
        """With `fail`, a held folder is a StepError naming the holder and the setting."""
        location = tmp_path / "env"
        holder = EnvLock(location)
        holder.acquire(wait=False)
        try:
            with (
                pytest.raises(StepError, match=r"in use by PID \d+ .*when-busy"),
                envlock.locked_before_creation(location, "lint", wait=False),
            ):
                pass
        finally:
            holder.release()
        assert envlock.claim(location) is None
