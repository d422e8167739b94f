"""The version header: the environment it shows, secrets redacted, outside git too."""

from __future__ import annotations

from noxkit._formats.header import (
    coverage_line,
    header_lines,
    redact,
    relevant_environment,
    venv_python,
)


class TestRedaction:
    def test_secret_names_are_hidden(self):
        """Values of secret-looking names are never printed."""
        for name in ("GITHUB_TOKEN", "PYPI_PASSWORD", "AWS_SECRET_ACCESS_KEY", "UV_API_KEY"):
            assert redact(name, "hunter2") == "***"

    def test_urls_lose_their_credentials(self):
        """A password inside an index URL is hidden, the host kept."""
        url = "https://user:s3cret@pypi.example.com/simple"
        assert redact("PIP_INDEX_URL", url) == "https://***@pypi.example.com/simple"

    def test_relevant_environment_filters_and_redacts(self):
        """Only install- and tool-related settings are shown, redacted."""
        env = {
            "PIP_INDEX_URL": "https://u:p@host/simple",
            "UV_PUBLISH_TOKEN": "abc",
            "HOME": "/root",
            "CI": "true",
        }
        shown = relevant_environment(env)
        assert shown == ["CI=true", "PIP_INDEX_URL=https://***@host/simple", "UV_PUBLISH_TOKEN=***"]
        assert not any("abc" in line for line in shown)


class TestHeader:
    def test_venv_python_from_pyvenv_cfg(self, tmp_path):
        """The interpreter version is read from pyvenv.cfg, with no process started."""
        (tmp_path / "pyvenv.cfg").write_text(
            "home = /usr/bin\nimplementation = CPython\nversion_info = 3.12.1\n", encoding="utf-8"
        )
        path, version = venv_python(str(tmp_path))
        assert path == str(tmp_path / "bin" / "python")
        assert version == "CPython 3.12.1"

    def test_header_outside_git(self, tmp_path):
        """The header says when the project is not a git checkout, and never leaks secrets."""
        lines = header_lines(
            session_name="lint",
            venv_location=None,
            backend="uv",
            root=tmp_path,
            environ={"PIP_PASSWORD": "x", "CI": "1"},
        )
        assert lines[0].endswith("session lint")
        assert "git: not a git checkout" in lines
        assert lines[-1] == "environment: CI=1 PIP_PASSWORD=***"


class TestCoverageLine:
    def test_sysmon(self):
        """The header names the core that measured, and the facts that allowed it."""
        line = coverage_line("sysmon", "CPython 3.12.1, coverage.py 7.17.5, line coverage")
        assert line.startswith("coverage: measured by sys.monitoring (core sysmon)")

    def test_fallback_says_why_not_sysmon(self):
        """A run on the C tracer says what ruled sys.monitoring out."""
        line = coverage_line("ctrace", "sys.monitoring needs Python 3.12+ (CPython 3.11.7)")
        assert "C tracer (core ctrace), not sys.monitoring: sys.monitoring needs" in line

    def test_not_measured(self):
        """A Python that does not measure says so, and why."""
        line = coverage_line(None, "measure = auto", "3.11")
        assert line == "coverage: not measured on Python 3.11, plain pytest (measure = auto)"
