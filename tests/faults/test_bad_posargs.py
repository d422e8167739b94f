from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("args", "envdir", "named"),
    [
        (["-s", "tests", "--", "--shard", "5/2"], "tests-3-11", "nox -s tests-3.11: "),
        (["-s", "lock", "--", "--bogus"], "lock", "nox -s lock: unknown argument '--bogus'"),
    ],
)
def test_bad_session_arguments_exit_2_before_any_environment(make_project, args, envdir, named):
    """A usage mistake in a session's own arguments exits 2 with one line, and nox has built
    no environment for it (checking in the session would install first, then exit 1)."""
    project = make_project("src-clean")
    project.append("pyproject.toml", '\n[tool.noxkit]\npython = ["3.11"]\n')
    run = project.nox(*args)
    assert run.returncode == 2, run
    assert f"noxkit: error: {named}" in run.output, run
    assert "Traceback" not in run.output, run
    assert not (project.path / ".nox" / envdir).exists(), run
