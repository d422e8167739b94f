"""Background fills: which environments get their bytecode compiled ahead."""

from __future__ import annotations

from noxkit._config.schema import load_config
from noxkit._plan.plan import build_plan
from noxkit._session.prefill import compiles_ahead


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
