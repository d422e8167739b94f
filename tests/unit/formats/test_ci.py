"""CI configuration generated from the plan: GitHub Actions and GitLab CI jobs."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from noxkit._formats.ci import CiOptions, github_workflow, gitlab_ci, lock_file, noxfile_deps
from noxkit._plan.plan import load_plan

FIXTURES = Path(__file__).parents[2] / "fixtures"


class TestGenerate:
    def test_github_jobs_match_the_plan(self):
        """One job per default session, the tests matrix with shards, coverage needs them all."""
        plan = load_plan(FIXTURES / "src-clean")
        text = github_workflow(plan, CiOptions(shards=3))
        doc = yaml.safe_load(text)
        assert list(doc["jobs"]) == ["lint", "typecheck", "tests", "coverage"]
        assert doc["permissions"] == {"contents": "read"}
        assert doc["concurrency"]["cancel-in-progress"] is True
        tests = doc["jobs"]["tests"]
        assert tests["strategy"]["matrix"]["shard"] == [1, 2, 3]
        runs = [s.get("run") for s in tests["steps"]]
        assert "nox -s tests-${{ matrix.python }}" in runs
        coverage = doc["jobs"]["coverage"]
        assert coverage["needs"] == ["lint", "typecheck", "tests"]
        assert "nox -s coverage --no-dependencies" in [s.get("run") for s in coverage["steps"]]
        for job in doc["jobs"].values():
            checkout = job["steps"][0] if "uses" in job["steps"][0] else job["steps"][1]
            assert checkout["with"]["persist-credentials"] is False
        for line in text.splitlines():
            if "uses:" in line:
                ref = line.split("@")[1].split()[0]
                assert len(ref) == 40, line
                assert "# v" in line, line

    def test_lock_adds_a_first_job_and_keys_the_cache(self, tmp_path):
        """With a lockfile, a lock check runs first and the cache key hashes the lock."""
        plan = load_plan(FIXTURES / "src-clean")
        doc = yaml.safe_load(github_workflow(plan, CiOptions(lock="noxkit.lock")))
        assert next(iter(doc["jobs"])) == "lock"
        assert doc["jobs"]["lock"]["steps"][-1]["run"] == "nox -s lock -- --check"
        assert doc["jobs"]["lint"]["needs"] == ["lock"]
        assert "hashFiles('noxkit.lock')" in doc["jobs"]["lint"]["steps"][2]["with"]["key"]
        assert lock_file(plan) is None  # the fixture has no lockfile
        shutil.copytree(FIXTURES / "src-clean", tmp_path / "p")
        (tmp_path / "p/noxkit.lock").write_text("")
        assert lock_file(load_plan(tmp_path / "p")) == "noxkit.lock"

    def test_gitlab_jobs_match_the_plan(self):
        """GitLab: matrix with shards, JUnit and Code Quality reports, coverage last."""
        plan = load_plan(FIXTURES / "src-clean")
        doc = yaml.safe_load(gitlab_ci(plan, CiOptions(shards=2)))
        assert doc["tests"]["parallel"]["matrix"][0]["SHARD"] == ["1", "2"]
        assert doc["tests"]["artifacts"]["reports"]["junit"] == ".nox/noxkit/junit/*.xml"
        assert doc["lint"]["artifacts"]["reports"]["codequality"].endswith("lint.json")
        assert doc["coverage"]["needs"] == ["lint", "typecheck", "tests"]
        assert doc["coverage"]["script"] == ["nox -s coverage --no-dependencies"]

    def test_noxfile_dependencies_come_from_its_script_block(self, tmp_path):
        """The install step uses the noxfile's PEP 723 dependencies, else nox and noxkit."""
        assert noxfile_deps(FIXTURES / "src-clean/noxfile.py") == ("nox>=2026.8", "noxkit")
        plain = tmp_path / "noxfile.py"
        plain.write_text("import nox\n")
        assert noxfile_deps(plain) == ("nox>=2026.8", "noxkit")
        root = Path(__file__).parents[3]
        assert "packaging>=23" in noxfile_deps(root / "noxfile.py")
