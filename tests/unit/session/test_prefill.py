"""Background fills: which environments get their bytecode compiled ahead."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from noxkit._config.schema import load_config
from noxkit._plan.plan import build_plan
from noxkit._session import noxapi
from noxkit._session.prefill import LATER_NICENESS, Filler, _Job, compiles_ahead


class TestCompilesAhead:
    """Which filled environments get their bytecode compiled in the background."""

    def _plan(self, tmp_path, setting: str | None):
        extra = "" if setting is None else f'\n[tool.noxkit.envs]\ncompile-bytecode = "{setting}"\n'
        (tmp_path / "pyproject.toml").write_text(
            '[project]\nname = "p"\nversion = "1"\nrequires-python = ">=3.10"\n' + extra
        )
        return build_plan(load_config(tmp_path))

    def test_python_tool_sessions_by_default(self, tmp_path):
        plan = self._plan(tmp_path, None)
        assert [
            b for b in ("lint", "typecheck", "tests", "coverage", "docs") if compiles_ahead(plan, b)
        ] == [
            "tests",
            "coverage",
            "docs",
        ]

    def test_always_and_never_compile_nothing_ahead(self, tmp_path):
        """`always` compiles at install already; `never` leaves Python alone."""
        for setting in ("always", "never"):
            assert not compiles_ahead(self._plan(tmp_path, setting), "tests"), setting


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="POSIX priorities")
class TestLaterFillsYield:
    """The next session's fill runs at normal priority, every later one lower."""

    def test_only_the_next_sessions_fill_runs_at_full_priority(self, tmp_path, monkeypatch):
        fake_uv = tmp_path / "uv"
        fake_uv.write_text(
            f"#!{sys.executable}\n"
            "import os, sys, time\n"
            "time.sleep(0.5)  # the filler lowers the priority right after the start\n"
            "with open(os.environ['NICE_OUT'], 'w') as out:\n"
            "    out.write(str(os.nice(0)))\n"
        )
        fake_uv.chmod(0o755)
        monkeypatch.setattr(noxapi, "find_uv", lambda: str(fake_uv))
        filler = Filler(plan=self._plan(tmp_path), token="t", allowed=True)
        jobs = []
        for name in ("typecheck", "tests"):
            pending = SimpleNamespace(name=name, base=name, location=str(tmp_path / name))
            job = _Job(pending)  # type: ignore[arg-type]
            filler.jobs[pending.location] = job
            jobs.append(job)
        seen = {}
        for job in jobs:
            out = tmp_path / f"{job.pending.name}.nice"
            monkeypatch.setenv("NICE_OUT", str(out))
            assert filler._call(job, Path(job.pending.location), [], {}) is None
            seen[job.pending.name] = int(out.read_text())
        base = os.nice(0)
        assert seen == {"typecheck": base, "tests": max(base, LATER_NICENESS)}

    @staticmethod
    def _plan(tmp_path):
        (tmp_path / "pyproject.toml").write_text(
            '[project]\nname = "p"\nversion = "1"\nrequires-python = ">=3.10"\n'
        )
        return build_plan(load_config(tmp_path))
