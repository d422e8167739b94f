"""One lockfile path: the plan's ``lockfile``, used by every reader of the lock."""

from __future__ import annotations

from noxkit._cli.doctor import diagnose
from noxkit._formats import lock as _lock
from noxkit._plan.plan import load_plan

PYPROJECT = """\
[project]
name = "demo"
version = "1"
requires-python = ">=3.10"

[tool.noxkit.lock]
path = "locks/demo.lock"
"""


def _plan(tmp_path):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    return load_plan(tmp_path)


class TestLockfile:
    def test_lockfile_follows_the_setting(self, tmp_path):
        """`[tool.noxkit.lock] path` is resolved against the project root."""
        assert _plan(tmp_path).lockfile == tmp_path / "locks" / "demo.lock"

    def test_doctor_reports_a_stale_lock(self, tmp_path):
        """doctor reads the lock at the plan's path and names it stale, as `lock --check` does."""
        plan = _plan(tmp_path)
        inputs = _lock.lock_inputs(plan) | {"requires-python": ">=3.9"}
        plan.lockfile.parent.mkdir()
        plan.lockfile.write_text(_lock.render_lock(inputs, {}), encoding="utf-8")
        problems = diagnose(plan).problems
        assert any(p.startswith("locks/demo.lock is stale: requires-python") for p in problems)

    def test_the_header_reads_the_same_lock(self, tmp_path):
        """The version header's lock line names the plan's lockfile state."""
        plan = _plan(tmp_path)
        assert _lock.header_lines(plan, {})[0].startswith("lock: none (locks/demo.lock absent")
