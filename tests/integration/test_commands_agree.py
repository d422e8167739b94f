"""doctor and the run agree: the commands `noxkit doctor --json` shows are the ones that ran."""

from __future__ import annotations

import json

import pytest

from noxkit._plan.commands import render

pytestmark = pytest.mark.integration


def _agree(project, sessions: tuple[str, ...]) -> None:
    run = project.nox("-s", *sessions)
    assert run.returncode == 0, run
    doctor = project.noxkit("doctor", "--json")
    assert doctor.returncode in {0, 1}, doctor  # 1: problems found, still the whole plan
    planned = {s["name"]: s["commands"] for s in json.loads(doctor.output)["sessions"]}
    report = json.loads(project.read(".nox/noxkit/run-report.json"))
    ran = {r["session"]: r["commands"] for r in report["sessions"]}
    assert {name.split("-")[0] for name in ran} == set(sessions)
    for name, commands in ran.items():
        expected = [render(c, {"session": name}) for c in planned[name.split("-")[0]]]
        assert commands, name
        assert commands == expected, name


class TestDoctorAndRunAgree:
    def test_checks_and_tests(self, make_project):
        """lint, typecheck, tests, coverage: the report's commands are doctor's, rendered."""
        _agree(make_project("src-clean"), ("lint", "typecheck", "tests", "coverage"))

    def test_build_and_smoke(self, make_project):
        """build and smoke (console script, shipped types): the same commands on both sides."""
        _agree(make_project("build-hatchling"), ("build", "smoke"))
