"""`nox -j` over noxkit's sessions, and the tests split into shards, on real fixture projects."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pytest

pytestmark = pytest.mark.integration

_STAMP = re.compile(r"^nox > \[(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3})\] ")


def _spans(output: str) -> dict[str, tuple[datetime, datetime]]:
    """First and last timestamped line of each session's block in a `nox -j -ts` log."""
    spans: dict[str, tuple[datetime, datetime]] = {}
    current = None
    for line in output.splitlines():
        block = re.match(r"^=+ \S+ (\S+): (\w+)", line)
        if block:
            current = block.group(1)
            continue
        stamp = _STAMP.match(line)
        if current and stamp:
            when = datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M:%S,%f").replace(
                tzinfo=timezone.utc
            )
            first, _ = spans.get(current, (when, when))
            spans[current] = (first, when)
    return spans


class TestParallel:
    def test_sessions_run_concurrently_and_coverage_waits(self, make_project):
        """`nox -j 2` overlaps lint, typecheck and tests; coverage starts after tests end."""
        project = make_project("src-clean")
        run = project.nox("-j", "2", "-ts", "-s", "tests", "lint", "typecheck", "coverage")
        assert run.returncode == 0, run
        spans = _spans(run.output)
        tests = next(v for k, v in spans.items() if k.startswith("tests-"))
        others = [spans["lint"], spans["typecheck"]]
        assert any(start < tests[1] and tests[0] < end for start, end in others), spans
        assert spans["coverage"][0] >= tests[1], spans
        # Each session's output is one contiguous block, headed by its result.
        assert re.search(r"^=+ \S+ lint: success", run.output, re.MULTILINE), run

    def test_one_failing_session_fails_the_run_and_is_named(self, make_project):
        """A failing lint under `nox -j 2` exits 1; the others still run and pass."""
        project = make_project("src-clean")
        project.replace("src/srcpkg/calc.py", "return a + b", "return a+b")
        run = project.nox("-j", "2", "-s", "tests", "lint", "typecheck")
        assert run.returncode == 1, run
        assert re.search(r"^=+ \S+ lint: failed", run.output, re.MULTILINE), run
        assert re.search(r"^=+ \S+ typecheck: success", run.output, re.MULTILINE), run
        assert re.search(r"^=+ \S+ tests-3\.\d+: success", run.output, re.MULTILINE), run
        assert "would be reformatted" in run.output, run

    def test_fmt_is_never_run_beside_other_sessions(self, make_project):
        """fmt rewrites files, so nox runs it alone even under -j."""
        project = make_project("src-clean")
        run = project.nox("-j", "2", "-ts", "-s", "fmt", "lint")
        assert run.returncode == 0, run
        spans = _spans(run.output)
        (a_start, a_end), (b_start, b_end) = spans["fmt"], spans["lint"]
        assert a_end <= b_start or b_end <= a_start, spans


def _junit_ids(path) -> set[str]:
    root = ET.parse(path).getroot()
    return {f"{c.get('classname')}::{c.get('name')}" for c in root.iter("testcase")}


def _total(output: str) -> str:
    match = re.search(r"^TOTAL\s.*\s(\d+(?:\.\d+)?%)$", output, re.MULTILINE)
    assert match, output
    return match.group(1)


class TestShards:
    def test_four_shards_cover_the_suite_once_balanced_and_recombine(self, make_project):
        """4 shards: union = suite, no overlap, balanced within 10%, same coverage as unsharded."""
        project = make_project("sharded-suite")
        whole = project.nox("-s", "tests", "coverage")
        assert whole.returncode == 0, whole
        unsharded_total = _total(whole.output)
        junit_dir = project.path / ".nox/noxkit/junit"
        suite = _junit_ids(next(junit_dir.glob("tests-*.xml")))
        assert len(suite) == 40
        for stale in (project.path / ".nox/noxkit/coverage").iterdir():
            for f in stale.iterdir():
                f.unlink()
            stale.rmdir()

        estimated = []
        seen: list[str] = []
        for k in range(1, 5):
            # The first shard by argument, the others by the variable a CI job sets.
            args = ("--", "--shard", f"{k}/4") if k == 1 else ()
            env = {"NOXKIT_SHARD": f"{k}/4"} if k > 1 else None
            run = project.nox("-R" if k > 1 else "-r", "-s", "tests", *args, env=env)
            assert run.returncode == 0, run
            line = re.search(
                r"noxkit shard (\d)/4: (\d+) of 40 tests, estimated ([\d.]+)s", run.output
            )
            assert line, run
            assert line.group(1) == str(k), run
            estimated.append(float(line.group(3)))
            ids = _junit_ids(next(junit_dir.glob(f"tests-*-shard{k}of4.xml")))
            assert len(ids) == int(line.group(2))
            seen.extend(ids)
        assert sorted(seen) == sorted(suite)  # every test once: union is the suite, no overlap
        mean = sum(estimated) / 4
        assert max(abs(e - mean) for e in estimated) < 0.10 * mean, estimated

        combined = project.nox("-s", "coverage", "--no-dependencies")
        assert combined.returncode == 0, combined
        assert combined.output.count("-shard") >= 4, combined
        assert _total(combined.output) == unsharded_total, combined

    def test_store_durations_refreshes_the_file(self, make_project):
        """`-- --store-durations` rewrites the durations file with measured times."""
        project = make_project("sharded-suite")
        before = project.read(".noxkit-durations.json")
        run = project.run_documented("nox -s tests -- --store-durations")
        assert run.returncode == 0, run
        after = project.read(".noxkit-durations.json")
        assert after != before
        assert '"tests/test_mod0.py::test_f0": 0.0' in after

    def test_bad_shard_fails_with_one_line(self, make_project):
        """A malformed shard is a usage error (exit 2), saying what a shard looks like."""
        project = make_project("sharded-suite")
        run = project.nox("-s", "tests", "--", "--shard", "5/4")
        assert run.returncode == 2, run
        assert "invalid shard '5/4': K must be between 1 and N" in run.output, run
