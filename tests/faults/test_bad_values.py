"""Bad input that used to crash late: refused with one line and exit 2 by nox and doctor alike.

Real `nox -l` and `noxkit doctor` runs on a copy of ``src-clean`` (issue 13, items 10 and 11).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def _one_line(run) -> str:
    assert "Traceback" not in run.output, run
    lines = [ln for ln in run.output.splitlines() if ln.startswith("noxkit: error:")]
    assert len(lines) == 1, run
    return lines[0]


class TestValuesThatCrashedLater:
    def test_report_json_naming_a_folder_exits_2_before_any_session(self, make_project):
        """`report.json = "/"` is refused at load time: no session runs, no at-exit traceback."""
        project = make_project("src-clean")
        project.append("pyproject.toml", '\n[tool.noxkit.report]\njson = "/"\n')
        run = project.nox("-s", "lint")
        assert run.returncode == 2, run
        assert "'json' in [tool.noxkit.report] must name a file" in _one_line(run)

    def test_doctor_and_nox_agree_on_an_unknown_skip(self, make_project):
        """`skip = ["=="]`: `nox -l` and `noxkit doctor` both exit 2 with the same line."""
        project = make_project("src-clean")
        project.append("pyproject.toml", '\n[tool.noxkit]\nskip = ["=="]\n')
        listed, doctor = project.nox("-l"), project.noxkit("doctor")
        assert (listed.returncode, doctor.returncode) == (2, 2), (listed, doctor)
        assert _one_line(listed) == _one_line(doctor)
        assert "skip: no session '=='" in _one_line(doctor)


class TestWrapperProfile:
    def test_requires_noxkit_is_enforced_through_register(self, make_project):
        """register(profile=Profile(requires_noxkit=">=99")) exits 2, as an entry point does."""
        project = make_project("src-clean")
        project.replace(
            "noxfile.py",
            "noxkit.register()",
            'noxkit.register(profile=noxkit.Profile(name="t", requires_noxkit=">=99"))',
        )
        run = project.nox("-l")
        assert run.returncode == 2, run
        assert "profile t requires noxkit>=99" in _one_line(run)

    def test_a_missing_tool_config_is_named_through_register(self, make_project):
        """A wrapper profile's tool config that does not exist: one line, exit 2."""
        project = make_project("src-clean")
        project.replace(
            "noxfile.py",
            "noxkit.register()",
            "noxkit.register(profile=noxkit.Profile(name='t', "
            "tool_configs={'mypy': __import__('pathlib').Path('gone.ini')}))",
        )
        run = project.nox("-l")
        assert run.returncode == 2, run
        assert "mypy configuration gone.ini does not exist" in _one_line(run)


class TestMisleadingMessages:
    def test_a_bom_is_named_by_nox_and_doctor(self, make_project):
        """pyproject.toml saved with a BOM: one line naming the BOM, not 'Invalid statement'."""
        project = make_project("src-clean")
        (project.path / "pyproject.toml").write_text(
            "\ufeff" + project.read("pyproject.toml"), encoding="utf-8"
        )
        for run in (project.nox("-l"), project.noxkit("doctor")):
            assert run.returncode == 2, run
            assert "pyproject.toml:1:1: starts with a byte order mark (BOM)" in _one_line(run)
