"""CI provider detection, annotations, Code Quality reports, JUnit and mypy findings."""

from __future__ import annotations

from noxkit._formats.findings import (
    Finding,
    code_quality,
    detect_provider,
    github_annotation,
    junit_failures,
    mypy_findings,
)


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
