"""Coverage tooling from the project's own configuration never fakes a total (issue 13, 14).

Real nox on ``pytest-cov-addopts``: a project whose pytest options load pytest-cov.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.integration


class TestPytestCovInAddopts:
    def test_noxkit_measures_and_says_what_it_did(self, make_project):
        """`--cov=covpkg` in addopts: the header says --no-cov; the total is 75 %, not 0 %."""
        project = make_project("pytest-cov-addopts")
        run = project.nox("-s", "tests", "coverage")
        assert run.returncode == 0, run
        assert "pytest-cov is installed; pytest runs with --no-cov" in run.output, run
        assert "was previously imported, but not measured" not in run.output, run
        assert re.search(r"^TOTAL\s+4\s+1\s+75%$", run.output, re.MULTILINE), run

    def test_no_data_is_a_failure_not_a_total(self, make_project):
        """Tests that never import the package: tests warns, coverage fails in one line, no 0 %."""
        project = make_project("pytest-cov-addopts")
        project.write("tests/test_add.py", "def test_nothing():\n    assert True\n")
        run = project.nox("-s", "tests", "coverage")
        assert run.returncode == 1, run
        assert "no coverage data was collected in tests-3.11: coverage measured no file" in (
            run.output
        ), run
        assert "no coverage data was collected: the data of tests-3.11 measured no file" in (
            run.output
        ), run
        assert "TOTAL" not in run.output, run

    def test_a_missing_coverage_plugin_is_one_line(self, make_project):
        """[tool.coverage.run] plugins = ["Cython.Coverage"] without Cython: one line."""
        project = make_project("pytest-cov-addopts")
        project.append("pyproject.toml", '\n[tool.coverage.run]\nplugins = ["Cython.Coverage"]\n')
        run = project.nox("-s", "tests")
        assert run.returncode == 1, run
        assert "Traceback" not in run.output, run
        assert "names the plugin(s) Cython.Coverage ([run] plugins), not installed" in run.output
