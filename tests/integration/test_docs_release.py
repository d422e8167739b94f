"""The docs and release sessions on real fixture projects: real nox, real MkDocs, real git."""

from __future__ import annotations

import subprocess

import pytest

pytestmark = pytest.mark.integration

# 2026-01-01: the release date written into changelogs, so the expected text is fixed.
EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}


def git(project, *args: str) -> str:
    identity = ["-c", "user.name=Rel Ease", "-c", "user.email=rel@example.invalid"]
    env = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    proc = subprocess.run(
        ["git", *identity, *args],
        cwd=project.path,
        capture_output=True,
        text=True,
        check=True,
        env={**project.env(), **env},
    )
    return proc.stdout


def commit(project, message: str, path: str = "src/relpkg/__init__.py") -> None:
    project.append(path, f"# {message.splitlines()[0]}\n")
    git(project, "commit", "-qam", message)


@pytest.fixture
def released(make_project):
    """relpkg with a v1.0.0 tag and, after it, a feat, a fix, a docs and a free-form commit."""
    project = make_project("release-static")
    # The annotated tag the release session creates needs an identity in the repository.
    git(project, "init", "-q", "-b", "main")
    git(project, "config", "user.name", "Rel Ease")
    git(project, "config", "user.email", "rel@example.invalid")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "chore: initial import")
    git(project, "tag", "-a", "v1.0.0", "-m", "Release 1.0.0")
    commit(project, "feat(cli): add a greeting")
    commit(project, "fix: handle empty names\n\nLonger explanation.")
    commit(project, "docs: explain the greeting")
    commit(project, "Tidy up")
    return project


def expected_section(project) -> str:
    log = git(project, "log", "--format=%H %s", "-n", "4").splitlines()
    sha = {subject: full[:7] for full, _, subject in (line.partition(" ") for line in log)}
    feat, fix = sha["feat(cli): add a greeting"], sha["fix: handle empty names"]
    return (
        "## 1.1.0 (2026-01-01)\n\n"
        f"### Features\n\n- **cli:** add a greeting ({feat})\n\n"
        f"### Fixes\n\n- handle empty names ({fix})\n"
    )


class TestDocsSession:
    def test_mkdocs_site_builds_strict_into_site(self, make_project):
        """`nox -s docs` builds an MkDocs project with --strict into site/."""
        project = make_project("docs-mkdocs")
        run = project.run_documented("nox -s docs")
        assert run.returncode == 0, run
        assert "mkdocs build --strict" in run.output, run
        assert "docs: mkdocs (mkdocs.yml)" in run.output, run
        assert (project.path / "site" / "usage" / "index.html").is_file()

    def test_a_warning_fails_the_build(self, make_project):
        """A broken link is a warning in MkDocs, and warnings are errors."""
        project = make_project("docs-mkdocs")
        project.append("docs/usage.md", "\nSee [the API](api.md).\n")
        run = project.nox("-s", "docs")
        assert run.returncode == 1, run
        assert "api.md" in run.output, run
        assert "Session docs failed" in run.output, run

    def test_output_dir_is_configurable(self, make_project):
        """[tool.noxkit.docs] output-dir moves the site."""
        project = make_project("docs-mkdocs")
        project.append("pyproject.toml", '\n[tool.noxkit.docs]\noutput-dir = "build/site"\n')
        run = project.nox("-s", "docs")
        assert run.returncode == 0, run
        assert (project.path / "build" / "site" / "index.html").is_file()
        assert not (project.path / "site").exists()

    def test_sphinx_site_builds_with_warnings_as_errors(self, make_project):
        """A docs/conf.py project builds with sphinx-build -W; an unknown reference fails it."""
        project = make_project("docs-sphinx")
        run = project.nox("-s", "docs")
        assert run.returncode == 0, run
        assert "sphinx-build -W --keep-going -b html" in run.output, run
        assert (project.path / "docs" / "_build" / "html" / "usage.html").is_file()
        project.append("docs/usage.rst", "\nSee :ref:`nowhere`.\n")
        run = project.nox("-s", "docs")
        assert run.returncode == 1, run
        assert "undefined label: 'nowhere'" in run.output, run

    def test_project_without_docs_is_skipped_with_a_reason(self, make_project):
        """No mkdocs.yml or conf.py: the session is skipped, not failed, and says why.

        A run of that session alone verified nothing, so it exits 1 with one line saying so
        (issue 13: CI must not go green having checked nothing), unless the project allows it.
        """
        project = make_project("src-clean")
        run = project.nox("-s", "docs")
        assert (
            "Session docs skipped: no docs configuration found (looked for mkdocs.yml" in run.output
        )
        assert run.returncode == 1, run
        assert "every session was skipped, so nothing was verified: docs (" in run.output, run
        project.append("pyproject.toml", "\n[tool.noxkit]\nallow-all-skipped = true\n")
        allowed = project.nox("-s", "docs")
        assert allowed.returncode == 0, allowed
        assert "Session docs skipped" in allowed.output, allowed

    def test_docs_is_not_in_the_default_run(self, make_project):
        """`nox -l` lists docs and release as on-request sessions."""
        project = make_project("docs-mkdocs")
        run = project.run_documented("nox -l")
        assert run.returncode == 0, run
        assert "- docs [docs]" in run.output, run
        assert "- release [release]" in run.output, run


class TestRelease:
    def test_dry_run_computes_version_and_changelog_and_changes_nothing(self, released):
        """feat + fix since v1.0.0 -> 1.1.0; the section is printed; no file or tag changes."""
        head = git(released, "rev-parse", "HEAD")
        run = released.run_documented("nox -s release -- --dry-run", env=EPOCH)
        assert run.returncode == 0, run
        assert "release: 1.0.0 -> 1.1.0 (3 conventional of 4 commits since v1.0.0)" in run.output
        for line in expected_section(released).splitlines():
            assert f"| {line}".rstrip() in run.output, run
        assert "docs: explain" not in run.output, run
        assert "tag: v1.1.0" in run.output, run
        assert "gate: nox -s build smoke" in run.output, run
        assert "dry run: nothing was written" in run.output, run
        assert git(released, "status", "--porcelain") == ""
        assert git(released, "rev-parse", "HEAD") == head
        assert git(released, "tag", "--list") == "v1.0.0\n"

    def test_a_lockfile_puts_its_check_first_in_the_gate(self, released):
        """With a lockfile, `lock -- --check` gates the release first, and passes."""
        run = released.nox("-s", "lock")
        assert run.returncode == 0, run
        git(released, "add", "noxkit.lock")
        git(released, "commit", "-qm", "build: lock the dependencies")
        run = released.nox("-s", "release", "--", "--dry-run")
        assert run.returncode == 0, run
        assert "gate: nox -s lock -- --check; nox -s build smoke" in run.output, run
        run = released.nox("-s", "release", env=EPOCH)
        assert run.returncode == 0, run
        assert "nox -s lock -- --check" in run.output, run
        assert "Session lock was successful" in run.output, run
        assert git(released, "tag", "--list", "v1.1.0") == "v1.1.0\n"

    def test_breaking_change_bumps_major(self, released):
        """A `!` after the type makes the next version a major one."""
        commit(released, "feat!: rename the greeting function")
        run = released.nox("-s", "release", "--", "--dry-run", env=EPOCH)
        assert run.returncode == 0, run
        assert "release: 1.0.0 -> 2.0.0" in run.output, run
        assert "### Breaking changes" in run.output, run

    def test_breaking_change_footer_bumps_major(self, released):
        """A `fix:` commit whose footer says `BREAKING CHANGE:` releases 2.0.0, not 1.0.1."""
        commit(released, "fix: move the config\n\nWhy it moved.\n\nBREAKING CHANGE: the file moved")
        run = released.nox("-s", "release", "--", "--dry-run", env=EPOCH)
        assert run.returncode == 0, run
        assert "release: 1.0.0 -> 2.0.0" in run.output, run
        assert "### Breaking changes" in run.output, run

    def test_real_run_gates_writes_commits_and_tags(self, released):
        """The gate (build, smoke) passes; version, changelog, commit and annotated tag follow."""
        section = expected_section(released)
        run = released.run_documented("nox -s release", env=EPOCH)
        assert run.returncode == 0, run
        assert "Session build was successful" in run.output, run
        assert "Session smoke was successful" in run.output, run
        assert "released 1.1.0: committed pyproject.toml, CHANGELOG.md, tagged v1.1.0" in run.output
        assert 'version = "1.1.0"' in released.read("pyproject.toml")
        changelog = released.read("CHANGELOG.md")
        assert changelog.startswith("# Changelog\n\nAll notable changes.\n\n" + section)
        assert "## 1.0.0 (2025-12-01)" in changelog
        assert git(released, "status", "--porcelain") == ""
        assert git(released, "log", "-1", "--format=%s") == "chore(release): 1.1.0\n"
        assert git(released, "describe", "--exact-match", "HEAD") == "v1.1.0\n"
        assert git(released, "cat-file", "-t", "v1.1.0") == "tag\n"  # annotated

    def test_explicit_version_from_posargs(self, released):
        """A version after `--` wins over the commits."""
        released.append("pyproject.toml", "\n[tool.noxkit.release]\ngate = []\n")
        git(released, "commit", "-qam", "chore: no gate")
        run = released.run_documented("nox -s release -- 2.0.0rc1", env=EPOCH)
        assert run.returncode == 0, run
        assert "release: 1.0.0 -> 2.0.0rc1" in run.output, run
        assert git(released, "tag", "--list", "v2*") == "v2.0.0rc1\n"

    def test_dirty_tree_is_refused(self, released):
        """An uncommitted change refuses the release, naming the file."""
        released.append("src/relpkg/__init__.py", "# wip\n")
        run = released.nox("-s", "release", "--", "--dry-run")
        assert run.returncode == 1, run
        assert (
            "release refused: the working tree is not clean (src/relpkg/__init__.py); "
            "commit or stash first" in run.output
        ), run

    def test_other_branch_is_refused(self, released):
        """Only the configured branch releases."""
        git(released, "checkout", "-qb", "feature")
        run = released.nox("-s", "release")
        assert run.returncode == 1, run
        assert (
            "release refused: on branch 'feature', releases are made from 'main' "
            "(the repository's default branch; set [tool.noxkit.release] branch to change it)"
            in run.output
        ), run

    def test_failing_gate_is_refused_and_nothing_is_written(self, released):
        """A gate session that fails stops the release before any file, commit or tag."""
        released.append(
            "noxfile.py",
            "\n\n@nox.session(python=False)\ndef gatefail(session):\n"
            "    session.error('the gate says no')\n",
        )
        released.append("pyproject.toml", '\n[tool.noxkit.release]\ngate = ["gatefail"]\n')
        git(released, "commit", "-qam", "ci: a failing gate")
        head = git(released, "rev-parse", "HEAD")
        run = released.nox("-s", "release", env=EPOCH)
        assert run.returncode == 1, run
        assert "the gate says no" in run.output, run
        assert (
            "release refused: the gate `nox -s gatefail` failed; nothing was written" in run.output
        ), run
        assert 'version = "1.0.0"' in released.read("pyproject.toml")
        assert git(released, "status", "--porcelain") == ""
        assert git(released, "rev-parse", "HEAD") == head
        assert git(released, "tag", "--list") == "v1.0.0\n"

    def test_nothing_to_release(self, released):
        """Only docs/chore commits since the tag: no release, and how to force one."""
        git(released, "tag", "-a", "v1.1.0", "-m", "Release 1.1.0")
        commit(released, "docs: more words")
        run = released.nox("-s", "release", "--", "--dry-run")
        assert run.returncode == 1, run
        assert (
            "nothing to release: no feat, fix, perf or breaking commit since v1.1.0" in run.output
        )

    def test_outside_git_is_refused(self, make_project):
        """A project that is not a git checkout cannot be released."""
        project = make_project("release-static")
        run = project.nox("-s", "release", "--", "--dry-run")
        assert run.returncode == 1, run
        assert "release refused: not a git checkout" in run.output, run
        assert "fatal:" not in run.output, run
