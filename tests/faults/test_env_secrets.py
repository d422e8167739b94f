"""Secrets of the outer environment and what a session's tools see (issue 13, item 9).

A real `nox -s tests` on ``src-clean`` whose test records the names it sees.
"""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.integration

SECRETS = {
    "SECRET_TOKEN": "value-of-secret-token-7f3a",
    "GITHUB_TOKEN": "value-of-github-token-9c1e",
    "AWS_SECRET_ACCESS_KEY": "value-of-aws-secret-2b8d",
}
RECORDER = """\
import json, os, pathlib


def test_records_the_environment():
    path = pathlib.Path(os.environ["NOXKIT_TEST_SEEN"])
    path.write_text(json.dumps(sorted(os.environ)), encoding="utf-8")
"""


def _seen(project, extra: dict[str, str]):
    seen = project.path / "seen.json"
    project.write("tests/test_seen.py", RECORDER)
    env = {**SECRETS, "NOXKIT_TEST_SEEN": str(seen), "MYAPP_MODE": "x", **extra}
    run = project.nox("-s", "tests", "--", "tests/test_seen.py", env=env)
    assert run.returncode == 0, run
    return run, set(json.loads(seen.read_text(encoding="utf-8")))


class TestAllowListMode:
    def test_secrets_are_withheld_and_named_never_shown(self, make_project):
        """isolate = true: the test sees no secret; the header names them, values nowhere."""
        project = make_project("src-clean")
        project.append(
            "pyproject.toml",
            '\n[tool.noxkit]\npython = ["3.11"]\n[tool.noxkit.envs]\nisolate = true\n',
        )
        run, seen = _seen(project, {})
        assert not seen & set(SECRETS), seen
        assert {"PATH", "HOME", "NOXKIT_TEST_SEEN"} <= seen
        assert "MYAPP_MODE" not in seen
        line = next(ln for ln in run.output.splitlines() if "withheld from the tools: " in ln)
        named = set(line.partition("withheld from the tools: ")[2].split(", "))
        assert {*SECRETS, "MYAPP_MODE"} <= named, line
        assert not named & {"PATH", "HOME", "NOXKIT_TEST_SEEN"}, line
        assert not any(value in run.output for value in SECRETS.values()), run

    def test_pass_env_lets_a_named_variable_through(self, make_project):
        """pass-env names what the tests need (through NOXKIT_SET, as the CI workflow does)."""
        project = make_project("src-clean")
        project.append("pyproject.toml", '\n[tool.noxkit]\npython = ["3.11"]\n')
        spec = 'envs.isolate=true;envs.pass-env=["MYAPP_*"]'
        _, seen = _seen(project, {"NOXKIT_SET": spec})
        assert "MYAPP_MODE" in seen
        assert not seen & set(SECRETS), seen

    def test_the_default_inherits_like_plain_nox(self, make_project):
        """Without isolate the tools see the outer environment, as nox gives it (documented)."""
        project = make_project("src-clean")
        project.append("pyproject.toml", '\n[tool.noxkit]\npython = ["3.11"]\n')
        run, seen = _seen(project, {})
        assert set(SECRETS) <= seen
        assert "withheld" not in run.output
