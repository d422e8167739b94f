"""Generated CI keeps the run history between runs and uploads it with the report."""

from __future__ import annotations

from pathlib import Path

import yaml

from noxkit._formats.ci import CiOptions, github_workflow, gitlab_ci
from noxkit._plan.plan import load_plan

FIXTURES = Path(__file__).parents[2] / "fixtures"


def _github():
    return yaml.safe_load(github_workflow(load_plan(FIXTURES / "src-clean"), CiOptions()))


def _gitlab():
    return yaml.safe_load(gitlab_ci(load_plan(FIXTURES / "src-clean"), CiOptions()))


class TestGithub:
    def test_history_cached_per_branch_and_job(self):
        """Every session job restores its branch's history before nox and saves it after."""
        jobs = _github()["jobs"]
        for name in ("lint", "tests", "coverage"):
            steps = jobs[name]["steps"]
            caches = [
                s for s in steps if s.get("with", {}).get("path") == ".nox/noxkit/history.jsonl"
            ]
            assert len(caches) == 1, name
            key = caches[0]["with"]["key"]
            restore = caches[0]["with"]["restore-keys"]
            assert "${{ github.head_ref || github.ref_name }}" in key
            assert key.startswith(restore)
            assert "${{ github.run_id }}" in key
            runs = [i for i, s in enumerate(steps) if str(s.get("run", "")).startswith("nox -s")]
            assert steps.index(caches[0]) < runs[0]
        matrix_key = next(
            s["with"]["key"] for s in jobs["tests"]["steps"] if "history" in str(s.get("with"))
        )
        assert "-tests-${{ matrix.python }}-" in matrix_key

    def test_report_and_history_uploaded(self):
        """Each session job uploads the run report, the HTML page and the history."""
        jobs = _github()["jobs"]
        for name in ("lint", "tests", "coverage"):
            uploads = [s for s in jobs[name]["steps"] if "run-report-" in str(s.get("with"))]
            assert len(uploads) == 1, name
            paths = uploads[0]["with"]["path"].split()
            assert paths == [
                ".nox/noxkit/run-report.json",
                ".nox/noxkit/report.html",
                ".nox/noxkit/history.jsonl",
            ]
            assert uploads[0]["if"] == "${{ !cancelled() }}"
            # The coverage job merges `noxkit-*` artifacts into the output folder: never these.
            assert not uploads[0]["with"]["name"].startswith("noxkit-")


class TestGitlab:
    def test_history_cached_per_branch_and_job(self):
        """The shared template caches the history under the branch and the job's name."""
        caches = _gitlab()[".noxkit"]["cache"]
        history = next(c for c in caches if c["paths"] == [".nox/noxkit/history.jsonl"])
        assert history["key"] == "noxkit-history-$CI_COMMIT_REF_SLUG-$CI_JOB_NAME_SLUG"
        assert history["when"] == "always"

    def test_report_and_history_are_artifacts(self):
        """Every session job keeps the run report, the page and the history as artifacts."""
        config = _gitlab()
        for name in ("lint", "tests", "coverage"):
            paths = config[name]["artifacts"]["paths"]
            assert ".nox/noxkit/report.html" in paths, name
            assert ".nox/noxkit/history.jsonl" in paths, name
            assert config[name]["artifacts"]["when"] == "always"
