"""Provider detection, annotations, Code Quality, the shard split and CI generation: pure parts."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import ClassVar

import pytest
import yaml

from noxkit._formats.ci import CiOptions, github_workflow, gitlab_ci, lock_file, noxfile_deps
from noxkit._formats.findings import (
    Finding,
    code_quality,
    detect_provider,
    github_annotation,
    junit_failures,
    mypy_findings,
)
from noxkit._formats.shards import PLUGIN_DIR, shard_request
from noxkit._plan.plan import load_plan
from noxkit._plugins import noxkit_shard

FIXTURES = Path(__file__).parent.parent / "fixtures"


class TestProvider:
    def test_detects_github_and_gitlab_and_local(self):
        """GITHUB_ACTIONS / GITLAB_CI = true select the provider; anything else is local."""
        assert detect_provider({"GITHUB_ACTIONS": "true"}) == "github"
        assert detect_provider({"GITLAB_CI": "true"}) == "gitlab"
        assert detect_provider({"CI": "true"}) is None
        assert detect_provider({"GITHUB_ACTIONS": "false"}) is None


class TestAnnotations:
    def test_annotation_escapes_properties_and_message(self):
        """Commas and colons in properties and newlines in the message are escaped."""
        finding = Finding(path="a,b:c.py", line=3, column=2, message="50%\nbad", title="t:1")
        assert github_annotation(finding) == (
            "::error file=a%2Cb%3Ac.py,line=3,col=2,title=t%3A1::50%25%0Abad"
        )

    def test_mypy_output_is_parsed_with_codes_and_without_notes(self):
        """mypy errors become findings with their code; notes are left out; colour is ignored."""
        output = (
            'src/p/m.py:4: error: Incompatible return value (got "str", expected "int")  '
            "[return-value]\n"
            "src/p/m.py:4: note: See https://example\n"
            '\x1b[1msrc/p/n.py:7:3: error: Name "x" is not defined  [name-defined]\x1b[0m\n'
            "Found 2 errors in 2 files (checked 3 source files)\n"
        )
        found = mypy_findings(output)
        assert [(f.path, f.line, f.column, f.title) for f in found] == [
            ("src/p/m.py", 4, None, "mypy (return-value)"),
            ("src/p/n.py", 7, 3, "mypy (name-defined)"),
        ]

    def test_junit_failure_points_at_the_failing_line(self, tmp_path):
        """A failed test in a JUnit report becomes a finding at its traceback's last line."""
        (tmp_path / "tests").mkdir()
        (tmp_path / "tests/test_x.py").write_text("def test_a():\n    assert 1 == 2\n")
        junit = tmp_path / "junit.xml"
        junit.write_text(
            '<testsuites><testsuite tests="2">'
            '<testcase classname="tests.test_x" name="test_a">'
            '<failure message="assert 1 == 2">def test_a():\n&gt;   assert 1 == 2\n'
            "E   assert 1 == 2\n\ntests/test_x.py:2: AssertionError</failure></testcase>"
            '<testcase classname="tests.test_x" name="test_ok"/>'
            "</testsuite></testsuites>"
        )
        (finding,) = junit_failures(junit, tmp_path)
        assert (finding.path, finding.line, finding.message) == (
            "tests/test_x.py",
            2,
            "assert 1 == 2",
        )
        assert finding.title == "tests.test_x.test_a failed"

    def test_code_quality_fingerprint_ignores_the_line(self):
        """Moving a finding to another line keeps its Code Quality fingerprint."""
        a = Finding(path="m.py", line=1, message="bad", title="mypy (x)")
        b = Finding(path="m.py", line=9, message="bad", title="mypy (x)")
        (qa,) = code_quality([a], check="mypy")
        (qb,) = code_quality([b], check="mypy")
        assert qa["fingerprint"] == qb["fingerprint"]
        assert qa["location"] == {"path": "m.py", "lines": {"begin": 1}}


class TestShardSplit:
    IDS: ClassVar[list[str]] = [f"tests/test_{i // 10}.py::test_{i}" for i in range(97)]

    def test_every_test_in_exactly_one_shard(self):
        """The shards' union is the suite and no test is in two shards."""
        rng = random.Random(4)
        durations = {n: rng.uniform(0.01, 3) for n in self.IDS[:80]}
        shards = noxkit_shard.split(self.IDS, durations, 4)
        flat = [n for shard in shards for n in shard]
        assert sorted(flat) == sorted(self.IDS)
        assert len(flat) == len(set(flat))

    def test_split_is_deterministic_and_keeps_collection_order(self):
        """Same input, same shards; each shard lists its tests in collection order."""
        durations = {n: (i % 7) + 0.5 for i, n in enumerate(self.IDS)}
        first = noxkit_shard.split(self.IDS, durations, 3)
        assert first == noxkit_shard.split(list(self.IDS), dict(durations), 3)
        for shard in first:
            assert shard == sorted(shard, key=self.IDS.index)

    def test_shards_are_balanced_by_duration_within_ten_percent(self):
        """Expected shard durations differ from the mean by less than 10% on a realistic mix."""
        rng = random.Random(7)
        durations = {n: rng.choice([0.01, 0.05, 0.2, 1.0, 2.5]) for n in self.IDS}
        loads = [sum(durations[n] for n in s) for s in noxkit_shard.split(self.IDS, durations, 4)]
        mean = sum(loads) / 4
        assert max(abs(load - mean) for load in loads) < 0.10 * mean, loads

    def test_unknown_tests_count_as_the_median(self):
        """A test with no recorded duration is estimated at the median of the known ones."""
        est = noxkit_shard.estimate(["a", "b", "c", "new"], {"a": 1.0, "b": 5.0, "c": 9.0})
        assert est["new"] == 5.0

    @pytest.mark.parametrize("text", ["0/4", "5/4", "2", "a/b", "2/0"])
    def test_bad_shard_is_rejected(self, text):
        """Malformed or out-of-range shards are a clear ValueError."""
        with pytest.raises(ValueError, match="invalid shard"):
            noxkit_shard.parse_shard(text)

    def test_durations_are_merged_not_replaced(self, tmp_path):
        """Writing one shard's durations keeps the other tests' entries."""
        path = tmp_path / "d.json"
        noxkit_shard.write_durations(path, {"a": 1.23456, "b": 2.0})
        noxkit_shard.write_durations(path, {"b": 3.0})
        assert json.loads(path.read_text()) == {"a": 1.235, "b": 3.0}


class TestShardRequest:
    def test_posargs_win_over_the_environment(self):
        """--shard on the command line overrides NOXKIT_SHARD; other args go to pytest."""
        request = shard_request(["-x", "--shard", "2/4", "-k", "a"], {"NOXKIT_SHARD": "1/3"})
        assert request.shard == (2, 4)
        assert request.posargs == ("-x", "-k", "a")
        assert request.suffix == "-shard2of4"

    def test_environment_and_store_flag(self):
        """NOXKIT_SHARD alone shards; --store-durations asks the plugin to record."""
        request = shard_request(["--store-durations"], {"NOXKIT_SHARD": "3/3"})
        assert request.shard == (3, 3)
        assert request.store_durations
        args = request.plugin_args(Path("/p/d.json"))
        assert args[:2] == ["-p", "noxkit_shard"]
        assert "--noxkit-shard=3/3" in args
        assert "--noxkit-store-durations" in args
        env = request.plugin_env({"PYTHONPATH": "/x"})
        assert env["PYTHONPATH"].split(":") == [str(PLUGIN_DIR), "/x"]

    def test_plain_run_does_not_load_the_plugin(self):
        """Without a shard or --store-durations, pytest runs exactly as before."""
        request = shard_request(["-q"], {})
        assert request.plugin_args(Path("d.json")) == []
        assert request.plugin_env({}) == {}
        assert request.suffix == ""

    def test_shard_without_value_is_an_error(self):
        """--shard at the end of the arguments names what is missing."""
        with pytest.raises(ValueError, match="--shard needs a value"):
            shard_request(["--shard"], {})


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
        root = Path(__file__).parent.parent.parent
        assert "packaging>=23" in noxfile_deps(root / "noxfile.py")
