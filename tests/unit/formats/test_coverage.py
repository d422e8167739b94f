"""The generated coverage configuration: the project's settings kept, noxkit's added."""

from __future__ import annotations

import configparser

from noxkit._formats.coverage import (
    combine_inputs,
    coverage_ini,
    project_coverage_config,
    single_data_file,
)


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


class TestCombineInputs:
    def _runs(self, tmp_path):
        run = tmp_path / "tests-3.12"
        run.mkdir()
        (run / ".coverage.host.1.x").write_bytes(b"data")
        return [run]

    def test_same_inputs_same_digest(self, tmp_path):
        """Nothing changed since the last combine: the digest says so, combine is skipped."""
        runs = self._runs(tmp_path)
        assert combine_inputs(runs, "rc") == combine_inputs(runs, "rc")

    def test_a_new_data_file_changes_it(self, tmp_path):
        """A rerun writes a data file of a new name: combine again."""
        runs = self._runs(tmp_path)
        before = combine_inputs(runs, "rc")
        (runs[0] / ".coverage.host.2.y").write_bytes(b"more")
        assert combine_inputs(runs, "rc") != before

    def test_a_rewritten_file_or_rc_changes_it(self, tmp_path):
        """A file rewritten (size, mtime) or other settings ([paths]) mean combine again."""
        runs = self._runs(tmp_path)
        before = combine_inputs(runs, "rc")
        assert combine_inputs(runs, "rc [paths]") != before
        (runs[0] / ".coverage.host.1.x").write_bytes(b"rewritten")
        assert combine_inputs(runs, "rc") != before


class TestSingleDataFile:
    """When the `coverage` session may copy the one data file instead of combining."""

    @staticmethod
    def _runs(tmp_path, *counts):
        runs = []
        for number, count in enumerate(counts):
            run = tmp_path / f"run{number}"
            run.mkdir(parents=True)
            for index in range(count):
                (run / f".coverage.host.{index}").write_bytes(b"data")
            (run / "noxkit-finished.json").write_text("{}")
            runs.append(run)
        return runs

    def test_one_file_of_one_run(self, tmp_path):
        runs = self._runs(tmp_path, 1)
        assert single_data_file(runs, {}) == runs[0] / ".coverage.host.0"

    def test_two_files_or_two_runs_are_combined(self, tmp_path):
        assert single_data_file(self._runs(tmp_path / "a", 2), {}) is None
        assert single_data_file(self._runs(tmp_path / "b", 1, 1), {}) is None
        assert single_data_file(self._runs(tmp_path / "c", 0), {}) is None

    def test_path_remapping_is_combined(self, tmp_path):
        """[paths] aliases and relative_files change paths: only combine applies them."""
        runs = self._runs(tmp_path, 1)
        assert single_data_file(runs, {"paths": {"source": "\nsrc\n*/src"}}) is None
        assert single_data_file(runs, {"run": {"relative_files": "True"}}) is None
        assert single_data_file(runs, {"run": {"relative_files": "false"}}) is not None
