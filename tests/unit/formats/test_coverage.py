"""The generated coverage configuration: the project's settings kept, noxkit's added."""

from __future__ import annotations

import configparser

from noxkit._formats.coverage import coverage_ini, project_coverage_config


def _parse(text: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()
    parser.read_string(text)
    return parser


class TestCoverageConfig:
    def test_project_settings_kept_and_noxkit_added(self, tmp_path):
        """The project's [tool.coverage] survives; parallel, patch and source are added."""
        pyproject = {
            "tool": {"coverage": {"run": {"branch": True}, "report": {"exclude_also": ["if X:"]}}}
        }
        ini = _parse(
            coverage_ini(
                project_coverage_config(tmp_path, pyproject), packages=("pkg",), subprocess=True
            )
        )
        assert ini.get("run", "branch") == "true"
        assert ini.get("run", "parallel") == "true"
        assert ini.get("run", "patch").split() == ["subprocess"]
        assert ini.get("run", "source").split() == ["pkg"]
        assert ini.get("report", "exclude_also").strip() == "if X:"

    def test_project_source_is_not_overridden(self, tmp_path):
        """A project that names its source keeps it."""
        pyproject = {"tool": {"coverage": {"run": {"source": ["mine"]}}}}
        ini = _parse(
            coverage_ini(
                project_coverage_config(tmp_path, pyproject), packages=("pkg",), subprocess=False
            )
        )
        assert ini.get("run", "source").split() == ["mine"]
        assert not ini.has_option("run", "patch")

    def test_coveragerc_wins_over_pyproject(self, tmp_path):
        """.coveragerc is read first, as coverage itself does."""
        (tmp_path / ".coveragerc").write_text("[run]\nomit = */vendored/*\n", encoding="utf-8")
        pyproject = {"tool": {"coverage": {"run": {"omit": ["x"]}}}}
        config = project_coverage_config(tmp_path, pyproject)
        assert config == {"run": {"omit": "*/vendored/*"}}

    def test_setup_cfg_sections(self, tmp_path):
        """[coverage:run] in setup.cfg is read without its prefix."""
        (tmp_path / "setup.cfg").write_text(
            "[metadata]\nname = x\n[coverage:report]\nshow_missing = true\n", encoding="utf-8"
        )
        assert project_coverage_config(tmp_path, {}) == {"report": {"show_missing": "true"}}
