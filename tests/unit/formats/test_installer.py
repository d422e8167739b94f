"""One installer-variable list: what the fingerprint watches is what lock installs drop."""

from __future__ import annotations

import pytest

from noxkit._formats import lock as _lock
from noxkit._formats.envs import fingerprint
from noxkit._formats.installer import INSTALLER_SETTINGS
from noxkit._plan.plan import load_plan


@pytest.fixture
def plan(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n', encoding="utf-8")
    return load_plan(tmp_path)


def _fp(plan, environ):
    return fingerprint(
        plan, location=plan.config.root / "env", backend="uv", spec=plan.install_spec("lint"),
        environ=environ,
    )  # fmt: skip


class TestInstallerSettings:
    @pytest.mark.parametrize("name", INSTALLER_SETTINGS)
    def test_every_setting_changes_the_fingerprint(self, plan, name):
        """Each installer variable that lock installs drop also changes the fingerprint."""
        assert _fp(plan, {})["installer-env"] != _fp(plan, {name: "x"})["installer-env"]

    @pytest.mark.parametrize("name", INSTALLER_SETTINGS)
    def test_every_setting_is_dropped_by_lock_installs(self, name):
        """Each variable the fingerprint watches is ignored by installs from the lock."""
        overrides, ignored, _ = _lock.installer_environment({name: "x"}, ())
        assert ignored == [name]
        assert overrides[name] is None

    def test_unrelated_variables_do_not_change_the_fingerprint(self, plan):
        """A variable that changes no install keeps the environment reusable."""
        assert _fp(plan, {})["installer-env"] == _fp(plan, {"HOME": "/x"})["installer-env"]
