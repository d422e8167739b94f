"""Tracking on real nox runs: the build's reproducibility verdict, the history, the page."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from browser import chromium_or_skip, render_dom, screenshot  # tests/ is on sys.path (conftest.py)

pytestmark = pytest.mark.integration

REPRODUCIBLE = [
    ("build-hatchling", "hatchpkg-1.2.0"),
    ("build-flit", "flitpkg-2.0.1"),
    ("build-uv-build", "uvpkg-0.4.0"),
]


def _report(project):
    return json.loads(project.read(".nox/noxkit/run-report.json"))


class TestReproducibleBuild:
    @pytest.mark.parametrize(("fixture", "stem"), REPRODUCIBLE)
    def test_clean_backends_are_reproducible(self, make_project, fixture, stem):
        """Each backend builds the same bytes twice, and the run report records both digests."""
        project = make_project(fixture)
        run = project.nox("-s", "build")
        assert run.returncode == 0, run
        assert "SOURCE_DATE_EPOCH=315532800 (1980-01-01, a fixed date: not a git checkout" in (
            run.output
        ), run
        assert re.search(
            r"second build, to check reproducibility: \S+ with umask 0[27]7", run.output
        )
        wheel = f"{stem}-py3-none-any.whl"
        assert "NOT reproducible" not in run.output, run
        assert f"reproducible: {wheel} (sha256 " in run.output, run
        assert f"reproducible: {stem}.tar.gz (sha256 " in run.output, run
        [build] = _report(project)["sessions"]
        checks = {c["name"]: c for c in build["reproducible"]}
        assert checks[wheel]["reproducible"] is True
        assert checks[wheel]["digest"] == checks[wheel]["other_digest"]
        assert checks[wheel]["digest"] == build["artifacts"][wheel]

    def test_setuptools_leaks_umask_and_clock(self, make_project):
        """setuptools copies the build's umask and clock into its archives: named, with the fix."""
        project = make_project("build-setuptools")
        run = project.nox("-s", "build")
        assert run.returncode == 0, run  # a warning by default
        assert "NOT reproducible: setuppkg-0.3.0-py3-none-any.whl" in run.output, run
        assert re.search(r"setuppkg/sub/cli\.py: permissions \(0644 vs 0[67]00\)", run.output), run
        assert "why, usually: permissions: the backend copies the build's umask" in run.output
        assert 'reproducible = "fail" makes this an error' in run.output, run
        [build] = _report(project)["sessions"]
        wheel = next(c for c in build["reproducible"] if c["name"].endswith(".whl"))
        assert wheel["reproducible"] is False
        assert wheel["digest"] != wheel["other_digest"]

    def test_build_time_in_the_package_is_caught(self, make_project):
        """A hook writing the build time into the package fails the build, naming the file."""
        project = make_project("build-not-reproducible")
        project.append("pyproject.toml", '\n[tool.noxkit.build]\nreproducible = "fail"\n')
        run = project.nox("-s", "build")
        assert run.returncode == 1, run
        assert re.search(
            r"NOT reproducible: stamppkg-0\.1\.0-py3-none-any\.whl \(sha256 \w+ vs \w+\): content",
            run.output,
        ), run
        assert "stamppkg/_built.py: content (line 1: 'BUILT_AT = " in run.output, run
        assert "the build is not reproducible: stamppkg-0.1.0.tar.gz (content)" in run.output
        assert not (project.path / "dist" / "SHA256SUMS").exists()
        [build] = _report(project)["sessions"]
        assert [c["reproducible"] for c in build["reproducible"]] == [False, False]
        assert "not reproducible" in project.read(".nox/noxkit/report.html")

    def test_in_git_the_epoch_is_the_last_commit(self, make_project):
        """In git the build's timestamps come from the last commit; `off` skips the check."""
        project = make_project("build-flit")
        project.append("pyproject.toml", '\n[tool.noxkit.build]\nreproducible = "off"\n')
        env = {
            "GIT_COMMITTER_DATE": "@1600000000 +0000",
            "GIT_AUTHOR_DATE": "@1600000000 +0000",
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com",
        }
        git = shutil.which("git") or "git"
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "x"]):
            subprocess.run([git, *args], cwd=project.path, env=project.env(env), check=True)
        run = project.run_documented("nox -s build")
        assert run.returncode == 0, run
        assert "nox > SOURCE_DATE_EPOCH=1600000000 (the time of the last commit)" in run.output
        assert (
            'reproducibility not checked ([tool.noxkit.build] reproducible = "off")' in run.output
        )


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory):
    """Three runs of lint and tests on one project; the third made slower on purpose."""
    from conftest import FIXTURES, Project  # noqa: PLC0415 - tests/ is on sys.path

    target = tmp_path_factory.mktemp("history") / "src-clean"
    shutil.copytree(FIXTURES / "src-clean", target, ignore=shutil.ignore_patterns(".nox"))
    project = Project(target)
    project.write(
        "tests/conftest.py",
        "import os\nimport time\n\n"
        'time.sleep(float(os.environ.get("NOXKIT_TEST_SLOWDOWN", "0")))\n',
    )
    runs = [
        project.nox("-r", "-s", "lint", "tests"),
        project.nox("-r", "-s", "lint", "tests"),
        project.nox(
            "-r",
            "-s",
            "lint",
            "tests",
            env={"NOXKIT_TEST_SLOWDOWN": "12", "GITHUB_STEP_SUMMARY": str(target / "summary.md")},
        ),
    ]
    for run in runs:
        assert run.returncode == 0, run
    return project, runs


class TestHistory:
    def test_slow_run_is_flagged(self, three_runs):
        """The history shows every run; the slowed one fails the regression gate, with a cause."""
        project, runs = three_runs
        page = project.path / ".nox" / "noxkit" / "report.html"
        assert f"HTML report: {page}" in runs[-1].output
        lines = project.read(".nox/noxkit/history.jsonl").splitlines()
        assert len(lines) == 3
        shown = project.run_documented("noxkit report history")
        assert shown.returncode == 0, shown  # flags, fails only with --fail-on-regression
        history = project.path / ".nox" / "noxkit" / "history.jsonl"
        assert shown.output.startswith(f"{history}: 3 runs, the last 3 shown\n"), shown
        assert "(! markedly slower than its recent median, x failed, - did not run)" in shown.output
        assert re.search(r"\nregressions:\n  tests-\S+: [\d.]+s in run 3, ", shown.output), shown
        gate = project.noxkit("report", "history", "--fail-on-regression")
        assert gate.returncode == 1, gate
        table = gate.output.splitlines()
        assert table[1].split()[:4] == ["session", "#1", "#2", "#3"]
        tests_row = next(line for line in table if line.startswith("tests-"))
        assert tests_row.split()[3].endswith("s!"), gate
        assert re.search(r"tests-\S+: [\d.]+s in run 3, [\d.]+x its median", gate.output), gate
        assert "likely: tool time grew" in gate.output, gate
        assert "failing on a regression in the latest run" in gate.output
        summary = project.read("summary.md")
        assert "#### Trend over the last 3 runs" in summary
        assert re.search(r"\| tests-\S+ \| [\d.]+s \| [\d.]+s \| slower: ", summary), summary
        relaxed = project.noxkit("report", "history", "--factor", "100")
        assert relaxed.returncode == 0, relaxed
        assert "no regression" in relaxed.output

    def test_page_in_a_headless_browser(self, three_runs, tmp_path):
        """Chromium renders the page with the timeline bars, the trend and the flagged session."""
        chromium = chromium_or_skip()
        project, _ = three_runs
        page = project.path / ".nox" / "noxkit" / "report.html"
        dom = render_dom(chromium, page, tmp_path)
        assert re.search(r'<svg id="timeline"', dom)
        bars = re.findall(r'<g class="bar[^"]*" data-session="([^"]+)"', dom)
        assert bars[0] == "lint"
        assert bars[1].startswith("tests-")
        assert dom.count('class="setup"') == 2
        assert dom.count('class="tools"') == 2
        trend = re.search(r'<table id="trend">.*?</table>', dom, re.DOTALL)
        assert trend is not None
        assert trend.group(0).count('class="spark"') == 2
        assert "slower" in trend.group(0)
        assert 'href="junit/' in dom
        png = screenshot(chromium, page, tmp_path / "report.png")
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.stat().st_size > 10_000  # a rendered page, not a blank one
