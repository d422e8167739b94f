"""Generated CI files checked by real linters, `noxkit init`, and provider output in real runs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent
REPO = Path(__file__).parent.parent.parent


def noxkit(project, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the noxkit command in the project, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "noxkit._cli.main", *args],
        cwd=project.path,
        env=project.env(),
        capture_output=True,
        text=True,
        check=False,
    )


def lint_tool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=False, timeout=120
    )


class TestGeneratedFiles:
    @pytest.mark.parametrize("shards", ["1", "4"])
    def test_github_workflow_passes_zizmor_and_the_schema(self, make_project, shards):
        """`noxkit ci github` writes a workflow zizmor and the workflow schema accept."""
        project = make_project("src-clean")
        result = noxkit(project, "ci", "github", "--shards", shards)
        assert result.returncode == 0, result
        assert "wrote .github/workflows/ci.yml" in result.stdout
        workflow = project.path / ".github/workflows/ci.yml"
        yaml.safe_load(workflow.read_text())
        zizmor = lint_tool(BIN / "zizmor", "--offline", "--no-progress", workflow)
        assert zizmor.returncode == 0, zizmor.stdout + zizmor.stderr
        schema = lint_tool(
            BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", workflow
        )
        assert schema.returncode == 0, schema.stdout + schema.stderr

    def test_zizmor_catches_a_weakened_workflow(self, make_project):
        """The linter really checks: persisting credentials is reported."""
        project = make_project("src-clean")
        assert noxkit(project, "ci", "github").returncode == 0
        workflow = project.path / ".github/workflows/ci.yml"
        text = workflow.read_text()
        workflow.write_text(
            text.replace("        with:\n          persist-credentials: false\n", "")
        )
        zizmor = lint_tool(BIN / "zizmor", "--offline", "--no-progress", workflow)
        assert zizmor.returncode != 0
        assert "artipacked" in zizmor.stdout + zizmor.stderr

    def test_gitlab_config_passes_the_gitlab_schema(self, make_project):
        """`noxkit ci gitlab --shards 3` writes a file GitLab's JSON schema accepts."""
        project = make_project("src-clean")
        result = noxkit(project, "ci", "gitlab", "--shards", "3")
        assert result.returncode == 0, result
        config = project.path / ".gitlab-ci.yml"
        assert yaml.safe_load(config.read_text())["tests"]["parallel"]["matrix"]
        schema = lint_tool(BIN / "check-jsonschema", "--builtin-schema", "vendor.gitlab-ci", config)
        assert schema.returncode == 0, schema.stdout + schema.stderr

    def test_lockfile_adds_a_lock_check_job_first(self, make_project):
        """With a lockfile written by `nox -s lock`, CI checks it first and keys the cache on it."""
        project = make_project("src-clean")
        locked = project.nox("-s", "lock")
        assert locked.returncode == 0, locked
        assert noxkit(project, "ci", "github").returncode == 0
        workflow = project.path / ".github/workflows/ci.yml"
        jobs = yaml.safe_load(workflow.read_text())["jobs"]
        assert next(iter(jobs)) == "lock"
        assert jobs["lock"]["steps"][-1]["run"] == "nox -s lock -- --check"
        assert jobs["typecheck"]["needs"] == ["lock"]
        assert "hashFiles('noxkit.lock')" in workflow.read_text()
        zizmor = lint_tool(BIN / "zizmor", "--offline", "--no-progress", workflow)
        assert zizmor.returncode == 0, zizmor.stdout + zizmor.stderr
        # The job's command passes on a fresh lock, as it will in CI.
        check = project.run_documented("nox -s lock -- --check")
        assert check.returncode == 0, check

    def test_check_fails_on_drift_and_passes_when_current(self, make_project):
        """--check exits 1 naming the fix when the file is stale or missing, 0 when current."""
        project = make_project("src-clean")
        missing = noxkit(project, "ci", "github", "--check")
        assert missing.returncode == 1
        assert "is missing" in missing.stderr
        assert noxkit(project, "ci", "github").returncode == 0
        assert noxkit(project, "ci", "github", "--check").returncode == 0
        project.append("pyproject.toml", '\n[tool.noxkit]\npython = ["3.11", "3.12"]\n')
        stale = noxkit(project, "ci", "github", "--check")
        assert stale.returncode == 1
        assert "differs from what noxkit generates; run `noxkit ci github`" in stale.stderr

    def test_noxkit_own_workflow_is_current(self):
        """noxkit's own .github/workflows/ci.yml is what `noxkit ci github` generates."""
        result = subprocess.run(
            [sys.executable, "-m", "noxkit._cli.main", "ci", "github", "--check"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


class TestInit:
    def test_init_writes_noxfile_table_and_workflow(self, make_project):
        """init writes the three files, keeps pyproject's text, and the result runs."""
        project = make_project("src-clean")
        (project.path / "noxfile.py").unlink()
        before = project.read("pyproject.toml")
        result = noxkit(project, "init")
        assert result.returncode == 0, result
        assert "wrote noxfile.py" in result.stdout
        assert "wrote pyproject.toml [tool.noxkit] (appended)" in result.stdout
        assert "wrote .github/workflows/ci.yml" in result.stdout
        assert "wrote .github/dependabot.yml" in result.stdout
        assert "wrote .pre-commit-config.yaml" in result.stdout
        dependabot = yaml.safe_load(project.read(".github/dependabot.yml"))
        assert dependabot["updates"][0]["package-ecosystem"] == "github-actions"
        hooks = yaml.safe_load(project.read(".pre-commit-config.yaml"))["repos"]
        assert "https://github.com/zizmorcore/zizmor-pre-commit" in [h["repo"] for h in hooks]
        assert project.read("pyproject.toml").startswith(before)
        noxfile = project.read("noxfile.py")
        assert "# /// script" in noxfile
        assert 'nox.needs_version = ">=2026.8"' in noxfile
        assert 'nox.options.default_venv_backend = "uv|virtualenv"' in noxfile
        assert 'if __name__ == "__main__":\n    nox.main()' in noxfile
        assert (project.path / "noxfile.py").stat().st_mode & 0o111, "the shebang needs +x"
        # What a new user does next: the whole default pipeline passes on what init wrote,
        # including lint of the generated noxfile under the project's isort rules.
        run = project.nox()
        assert run.returncode == 0, run
        assert "Session lint was successful" in run.output, run
        assert "Session coverage was successful" in run.output, run

    def test_init_refuses_to_overwrite_without_force(self, make_project):
        """An existing noxfile, table and pre-commit config are kept; --force rewrites noxkit's
        files, never the table or the project's pre-commit config."""
        project = make_project("src-clean")
        project.write("noxfile.py", "# mine\n")
        project.write(".pre-commit-config.yaml", "repos: []\n")
        project.append("pyproject.toml", "\n[tool.noxkit]\nskip = []\n")
        result = noxkit(project, "init")
        assert result.returncode == 0, result
        assert "kept noxfile.py" in result.stdout
        assert "kept pyproject.toml [tool.noxkit]" in result.stdout
        assert project.read("noxfile.py") == "# mine\n"
        assert "kept .pre-commit-config.yaml" in result.stdout
        assert "next: add zizmor to .pre-commit-config.yaml" in result.stdout
        assert project.read(".pre-commit-config.yaml") == "repos: []\n"
        forced = project.run_documented("noxkit init --force")
        assert forced.returncode == 0, forced
        assert "wrote noxfile.py" in forced.output, forced
        assert project.read("pyproject.toml").count("[tool.noxkit]") == 1
        assert project.read(".pre-commit-config.yaml") == "repos: []\n"

    def test_init_without_pyproject_is_a_one_line_error(self, make_project):
        """init in a folder without pyproject.toml exits 2 with one line."""
        project = make_project("src-clean")
        (project.path / "pyproject.toml").unlink()
        result = noxkit(project, "init")
        assert result.returncode == 2
        assert result.stderr.startswith("noxkit: error:")
        assert "no pyproject.toml" in result.stderr


def _seed_failures(project) -> None:
    project.replace(
        "src/srcpkg/calc.py",
        '"""Arithmetic helpers."""\n',
        '"""Arithmetic helpers."""\n\nimport os\n',
    )
    project.append("src/srcpkg/calc.py", '\n\ndef broken() -> int:\n    return "no"\n')
    project.write("tests/test_broken.py", "def test_fails():\n    assert 1 + 1 == 3\n")


class TestProviderOutput:
    def test_github_annotations_for_lint_type_and_test_failures(self, make_project):
        """Under GITHUB_ACTIONS=true each seeded problem becomes an ::error annotation."""
        project = make_project("src-clean")
        _seed_failures(project)
        run = project.nox("-s", "lint", "typecheck", "tests", env={"GITHUB_ACTIONS": "true"})
        assert run.returncode == 1, run
        ruff = r"^::error title=ruff \(F401\),file=\S*src/srcpkg/calc\.py,line=3,"
        assert re.search(ruff, run.output, re.MULTILINE), run
        assert re.search(
            r"^::error file=src/srcpkg/calc\.py,line=\d+,title=mypy \(return-value\)::Incompatible",
            run.output,
            re.MULTILINE,
        ), run
        assert re.search(
            r"^::error file=tests/test_broken\.py,line=2,"
            r"title=tests\.test_broken\.test_fails failed::assert",
            run.output,
            re.MULTILINE,
        ), run
        # The plain, readable findings are still there for people reading the log.
        assert re.search(r"src/srcpkg/calc\.py:3:8: F401", run.output), run
        for session in ("lint", "typecheck"):
            assert f"Session {session} failed" in run.output, run

    def test_local_runs_print_no_annotations(self, make_project):
        """Outside CI the output is plain: no workflow commands."""
        project = make_project("src-clean")
        _seed_failures(project)
        run = project.nox("-s", "lint", "typecheck")
        assert run.returncode == 1, run
        assert "::error" not in run.output, run
        assert "\x1b[" not in run.output, run

    def test_gitlab_code_quality_report(self, make_project):
        """Under GITLAB_CI=true lint and typecheck write Code Quality reports of their findings."""
        project = make_project("src-clean")
        _seed_failures(project)
        run = project.nox("-s", "lint", "typecheck", env={"GITLAB_CI": "true"})
        assert run.returncode == 1, run
        out = project.path / ".nox/noxkit/codequality"
        lint = json.loads((out / "lint.json").read_text())
        assert any(
            i["check_name"] == "F401" and i["location"]["path"].endswith("calc.py") for i in lint
        )
        types = json.loads((out / "typecheck.json").read_text())
        assert [i["check_name"] for i in types] == ["mypy (return-value)"]
        assert types[0]["location"]["path"] == "src/srcpkg/calc.py"
