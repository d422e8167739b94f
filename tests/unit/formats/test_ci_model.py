"""The CI job model: one job list from the plan, which both providers only translate."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from noxkit._formats.ci import (
    CiJob,
    CiOptions,
    CiPipeline,
    ci_pipeline,
    github_workflow,
    gitlab_ci,
    render_github,
    render_gitlab,
)
from noxkit._plan.plan import load_plan

FIXTURES = Path(__file__).parent.parent.parent / "fixtures"
OUT = ".nox/noxkit"


@pytest.fixture(scope="module")
def plan():
    return load_plan(FIXTURES / "src-clean")


class TestPipeline:
    def test_one_job_per_default_session_then_coverage(self, plan):
        """Without a lockfile: the default sessions in plan order, the combining job last."""
        pipeline = ci_pipeline(plan, CiOptions())
        assert [job.name for job in pipeline.jobs] == ["lint", "typecheck", "tests", "coverage"]
        assert [job.stage for job in pipeline.jobs] == ["check", "check", "test", "report"]
        assert pipeline.cache_key_file == "pyproject.toml"
        assert pipeline.output_dir == OUT
        assert pipeline.python == plan.project.pythons[-1]

    def test_lock_check_comes_first_and_gates_the_sessions(self, plan):
        """With a lockfile, every session job needs the lock job and the cache keys on it."""
        pipeline = ci_pipeline(plan, CiOptions(lock="noxkit.lock"))
        lock, *sessions, coverage = pipeline.jobs
        assert lock.name == "lock"
        assert lock.command() == "nox -s lock -- --check"
        assert lock.python is None  # the pipeline's default Python
        assert all(job.needs == ("lock",) for job in sessions)
        assert coverage.needs == ("lock", "lint", "typecheck", "tests")
        assert pipeline.cache_key_file == "noxkit.lock"

    def test_tests_run_as_a_matrix_and_only_tests_are_sharded(self, plan):
        """The tests job runs per Python and per shard; it keeps coverage data and JUnit."""
        jobs = {job.name: job for job in ci_pipeline(plan, CiOptions(shards=3)).jobs}
        tests = jobs["tests"]
        assert tests.matrix
        assert tests.pythons == plan.sessions["tests"].python
        assert tests.shards == 3
        assert tests.keep == (f"{OUT}/coverage/", f"{OUT}/junit/")
        assert tests.junit == f"{OUT}/junit/*.xml"
        assert tests.command("$PYTHON") == "nox -s tests-$PYTHON"
        assert tests.shard_value("$SHARD") == "$SHARD/3"
        assert not jobs["lint"].matrix
        assert jobs["lint"].shards == 1

    def test_single_jobs_report_code_quality_on_their_own_python(self, plan):
        """A single job names its Python and its Code Quality report."""
        lint = ci_pipeline(plan, CiOptions()).jobs[0]
        assert lint.python == plan.project.pythons[-1]
        assert lint.codequality == f"{OUT}/codequality/lint.json"
        assert lint.command() == "nox -s lint"
        assert lint.keep == ()

    def test_coverage_combines_without_rerunning_the_tests(self, plan):
        """The combining job needs every job, gathers their data and publishes the report."""
        coverage = ci_pipeline(plan, CiOptions()).jobs[-1]
        assert coverage.combines
        assert coverage.command() == "nox -s coverage --no-dependencies"
        assert coverage.needs == ("lint", "typecheck", "tests")
        assert coverage.publish == (f"{OUT}/htmlcov/", f"{OUT}/junit/")
        assert coverage.coverage_xml == f"{OUT}/coverage.xml"

    def test_install_command_adds_uv_and_quotes_markers(self, plan):
        """The install line holds the noxfile's dependencies and uv, quoted for a shell."""
        deps = ("nox>=2026.8", "tomli>=2; python_version < '3.11'")
        pipeline = ci_pipeline(plan, CiOptions(noxfile_deps=deps))
        assert pipeline.install == (
            'python -m pip install "nox>=2026.8" "tomli>=2; python_version < \'3.11\'" uv'
        )

    def test_model_is_frozen(self, plan):
        """Renderers cannot change the job list they are given."""
        job = ci_pipeline(plan, CiOptions()).jobs[0]
        with pytest.raises(dataclasses.FrozenInstanceError):
            job.name = "other"  # type: ignore[misc]


class TestRenderers:
    @pytest.mark.parametrize("options", [CiOptions(), CiOptions(shards=4, lock="noxkit.lock")])
    def test_public_generators_render_the_model(self, plan, options):
        """github_workflow and gitlab_ci are the renderers applied to ci_pipeline's model."""
        pipeline = ci_pipeline(plan, options)
        assert github_workflow(plan, options) == render_github(pipeline)
        assert gitlab_ci(plan, options) == render_gitlab(pipeline)

    @pytest.mark.parametrize("shards", [1, 2])
    def test_both_providers_render_the_same_jobs(self, plan, shards):
        """Every model job appears once in each provider's file, in the model's order."""
        pipeline = ci_pipeline(plan, CiOptions(shards=shards, lock="noxkit.lock"))
        names = [job.name for job in pipeline.jobs]
        github = yaml.safe_load(render_github(pipeline))
        gitlab = yaml.safe_load(render_gitlab(pipeline))
        assert list(github["jobs"]) == names
        assert [k for k in gitlab if k in names] == names
        for job in pipeline.jobs:
            assert gitlab[job.name]["stage"] == job.stage

    def test_a_hand_built_model_renders_without_a_plan(self):
        """The renderers read only the model: a custom job list renders in both syntaxes."""
        docs = CiJob(name="docs", title="docs build", stage="check", python="3.12")
        matrix = CiJob(
            name="tests",
            title="tests",
            stage="test",
            pythons=("3.12", "3.13"),
            shards=2,
            needs=("docs",),
            keep=("out/coverage/",),
        )
        final = CiJob(name="coverage", title="coverage", stage="report", combines=True)
        pipeline = CiPipeline(
            jobs=(docs, matrix, final),
            python="3.13",
            install="python -m pip install nox uv",
            cache_key_file="pyproject.toml",
            output_dir="out",
        )
        github = yaml.safe_load(render_github(pipeline))
        assert github["jobs"]["docs"]["name"] == "docs build"
        assert github["jobs"]["tests"]["needs"] == ["docs"]
        assert github["jobs"]["tests"]["strategy"]["matrix"]["shard"] == [1, 2]
        setup = github["jobs"]["docs"]["steps"][1]
        assert setup["with"]["python-version"] == "3.12"
        assert "coverage-report" not in render_github(pipeline)  # nothing to publish
        gitlab = yaml.safe_load(render_gitlab(pipeline))
        assert gitlab["docs"]["image"] == "python:3.12"
        assert gitlab["tests"]["script"] == [
            'export NOXKIT_SHARD="$SHARD/2"',
            "nox -s tests-$PYTHON",
        ]
        assert gitlab["tests"]["artifacts"]["paths"] == ["out/coverage/"]
        assert "artifacts" not in gitlab["coverage"]


class TestReportUploads:
    def test_github_uploads_reports_coverage_html_and_junit(self, plan):
        """Run reports, the HTML coverage and every JUnit file are uploaded, hidden folder too."""
        doc = yaml.safe_load(render_github(ci_pipeline(plan, CiOptions(shards=2))))
        uploads = {
            step["with"]["name"]: step["with"]
            for job in doc["jobs"].values()
            for step in job["steps"]
            if "upload-artifact" in step.get("uses", "")
        }
        assert "run-report-lint" in uploads
        report = uploads["coverage-report"]
        assert f"{OUT}/htmlcov/" in report["path"]
        assert f"{OUT}/junit/" in report["path"]
        # The output folder is hidden (.nox): upload-artifact skips it unless told.
        for name, upload in uploads.items():
            assert upload.get("include-hidden-files") is True, name
