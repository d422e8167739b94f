"""A new user's first hour (issue 14): new project -> init -> nox -> build smoke -> lock -> ci ->
release, on a library without a README, in a repository whose default branch is git's `master`.

One test drives the whole path in order, as a user would, and asserts each trap is gone on the
way; it runs real nox, uv and git on a tiny project.
"""

from __future__ import annotations

import os
import subprocess

import pytest
import yaml

pytestmark = pytest.mark.integration

# Reproducible changelog dates, and a git that reads no user or system configuration.
GIT_ENV = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}


def git(project, *args: str) -> str:
    proc = subprocess.run(
        ["git", *args],
        cwd=project.path,
        capture_output=True,
        text=True,
        check=True,
        env={**project.env(), **GIT_ENV},
    )
    return proc.stdout


def test_adoption_path(make_project):
    """Every step of the adoption path passes, and each says what a new user needs to know."""
    project = make_project("lib-no-readme")
    # `git init` with git's own default branch, as a new user's machine has it.
    git(project, "-c", "init.defaultBranch=master", "init", "-q")
    git(project, "config", "user.name", "New User")
    git(project, "config", "user.email", "new@example.invalid")
    _init(project)
    _nox(project)
    _build_smoke(project)
    _lock_and_ci(project)
    _release(project)


def _init(project) -> None:
    # init: the noxfile is the one the docs show, and the CI file is the project's own.
    init = project.run_documented("noxkit init")
    assert init.returncode == 0, init
    assert os.access(project.path / "noxfile.py", os.X_OK)
    workflow = yaml.safe_load(project.read(".github/workflows/ci.yml"))
    assert workflow["jobs"]["tests"]["strategy"]["matrix"]["python"] == ["3.11"]

    # doctor shows what it found, not "(automatic)".
    doctor = project.run_documented("noxkit doctor")
    assert "(automatic)" not in doctor.output, doctor
    assert '["adoptpkg"]  [found: the project layout (src/adoptpkg)]' in doctor.output, doctor
    assert "the oldest Python requires-python >=3.11 allows" in doctor.output, doctor


def _nox(project) -> None:
    env = GIT_ENV
    # nox: the default pipeline, and the docs' command with arguments for pytest.
    run = project.run_documented("nox", env=env)
    assert run.returncode == 0, run
    for session in ("tests-3.11", "lint", "typecheck", "coverage"):
        assert f"Session {session} was successful" in run.output, run
    run = project.run_documented("nox -s tests -- --maxfail=5 -q", env=env)
    assert run.returncode == 0, run
    assert "--maxfail=5 -q" in run.output, run
    run = project.nox("-s", "tests", "--", "-k", "nomatch", env=env)
    assert run.returncode == 1, run
    assert "the selection `-k nomatch` matched no test, so nothing ran" in run.output, run
    assert "fix test discovery" not in run.output, run

    # A Python that is not installed is skipped at once: no download attempt, its reason said.
    missing = project.nox(
        "-s", "tests-3.19", env={**env, "NOXKIT_SET": 'python=["3.11", "3.19"]'}, timeout=120
    )
    assert "Session tests-3.19 skipped: Python interpreter 3.19 not found" in missing.output
    assert "Failed to install" not in missing.output, missing


def _build_smoke(project) -> None:
    env = GIT_ENV
    # build smoke: no README is named with its fix; twine's strictness is a setting.
    run = project.run_documented("nox -s build smoke", env=env)
    assert run.returncode == 0, run
    assert (
        "the package has no long description ([project] declares no readme), so its PyPI "
        'page is blank; add readme = "README.md" to [project]' in run.output
    ), run
    assert run.output.count("Running session build") == 1, run
    strict = project.nox("-s", "build", env={**env, "NOXKIT_SET": "build.twine-strict=true"})
    assert strict.returncode == 1, strict
    assert "[tool.noxkit.build] twine-strict = true" in strict.output, strict


def _lock_and_ci(project) -> None:
    env = GIT_ENV
    # lock; then a dependency edit refreshes it locally in one line, and fails in CI.
    run = project.run_documented("nox -s lock", env=env)
    assert run.returncode == 0, run
    assert (project.path / "noxkit.lock").is_file()
    project.replace("pyproject.toml", 'test = ["pytest"]', 'test = ["pytest", "iniconfig"]')
    run = project.nox("-s", "tests", env=env)
    assert run.returncode == 0, run
    assert "noxkit.lock was stale (dependency group `test` changed: +iniconfig" in run.output
    assert "installed from noxkit.lock" in run.output, run
    project.replace("pyproject.toml", '"pytest", "iniconfig"]', '"pytest"]')
    ci = project.nox("-s", "lint", env={**env, "CI": "true"})
    assert ci.returncode == 1, ci
    assert "noxkit.lock is stale" in ci.output, ci
    assert project.nox("-s", "lock", env=env).returncode == 0

    # ci: regenerated with the lock, its check passes and names a command that reproduces it.
    generated = project.run_documented("noxkit ci github")
    assert generated.returncode == 0, generated
    assert "wrote .github/workflows/ci.yml" in generated.output, generated
    check = project.run_documented("noxkit ci github --check")
    assert check.returncode == 0, check

    # Everything committed: noxkit's outputs (.nox, dist) leave the tree clean.
    git(project, "add", "-A")
    git(project, "commit", "-qm", "feat: adopt noxkit")
    assert git(project, "status", "--porcelain") == ""


def _release(project) -> None:
    env = GIT_ENV
    # release on master: the current version first, the gate building once.
    dry = project.nox("-s", "release", "--", "--dry-run", "0.1.0", env={**env, **EPOCH})
    assert dry.returncode == 0, dry
    assert "release: 0.1.0 -> 0.1.0" in dry.output, dry
    assert "gate: nox -s lock -- --check; nox -s build smoke" in dry.output, dry
    run = project.nox("-s", "release", "--", "0.1.0", env={**env, **EPOCH})
    assert run.returncode == 0, run
    assert run.output.count("Running session build") == 1, run
    assert git(project, "tag", "--list") == "v0.1.0\n"
    # The next release leaves no artifact of the previous version next to its tag.
    project.append("pyproject.toml", "\n[tool.noxkit.release]\ngate = []\n")
    git(project, "commit", "-qam", "fix: no gate")
    run = project.nox("-s", "release", "--", "0.2.0", env={**env, **EPOCH})
    assert run.returncode == 0, run
    assert "removed from dist/ what is not 0.2.0" in run.output, run
    assert not [p.name for p in (project.path / "dist").iterdir() if "0.1.0" in p.name]
    assert "publish with: git push --follow-tags origin master" in run.output, run
