"""Shared test harness: fixture projects copied into a temporary folder, and real nox runs.

Integration tests never mock nox, uv or the tools: they run ``python -m nox`` in a subprocess
on a copy of a project under ``tests/fixtures/`` and assert on the exit code and on what a
user would read.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from docs_blocks import documented

FIXTURES = Path(__file__).parent / "fixtures"

# Settings from the developer's shell that would change what nox installs or how tools run.
_LEAKY = (
    "PIP_CONSTRAINT",
    "UV_CONSTRAINT",
    "PIP_REQUIRE_VIRTUALENV",
    "VIRTUAL_ENV",
    "PYTEST_ADDOPTS",
    "COVERAGE_FILE",
    "COVERAGE_RCFILE",
    "COVERAGE_PROCESS_START",
    "NOX_DEFAULT_VENV_BACKEND",
    "NOX_SCRIPT_MODE",
    # The suite runs as on a developer's machine wherever it runs (CI sets CI=true, which makes
    # nox fail on a missing Python and noxkit build fresh): a test that wants CI says so.
    "CI",
    "BUILDKITE",
    "TF_BUILD",
    "GITHUB_ACTIONS",
    "GITHUB_STEP_SUMMARY",
    "GITLAB_CI",
    "FORCE_COLOR",
    # Tools in a nox subprocess cache their bytecode like on any developer machine: with this
    # set, every nox start recompiled nox and noxkit from source (twice the start-up time). A
    # test that is about this variable sets it itself.
    "PYTHONDONTWRITEBYTECODE",
)


@dataclass(repr=False)
class Run:
    """The result of one nox (or noxfile) run."""

    args: list[str]
    returncode: int
    output: str
    """stdout and stderr, interleaved as a user sees them."""

    def __repr__(self) -> str:
        # pytest shows this when an assertion fails: the whole log, as the user saw it.
        return f"\n$ {' '.join(self.args)}\n(exit {self.returncode})\n{self.output}"


@dataclass
class Project:
    """A fixture project copied into a temporary folder."""

    path: Path
    python: str = sys.executable
    """The interpreter that runs nox (a test may give one with a team profile installed)."""

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _LEAKY}
        env["NO_COLOR"] = "1"
        # The test interpreter's folder first: nox, uv and noxkit are installed there.
        env["PATH"] = f"{Path(self.python).parent}{os.pathsep}{env.get('PATH', '')}"
        env.update(extra or {})
        return env

    def _run(self, args: list[str], env: dict[str, str] | None, timeout: float) -> Run:
        proc = subprocess.run(
            args,
            cwd=self.path,
            env=self.env(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
        )
        return Run(args, proc.returncode, proc.stdout)

    def nox(self, *args: str, env: dict[str, str] | None = None, timeout: float = 900) -> Run:
        """Run ``python -m nox ARGS`` in the project, the way a developer would."""
        return self._run([self.python, "-m", "nox", "--non-interactive", *args], env, timeout)

    def script(self, *args: str, env: dict[str, str] | None = None, timeout: float = 900) -> Run:
        """Run ``python noxfile.py ARGS`` (nox.main under ``__main__``)."""
        return self._run([self.python, "noxfile.py", *args], env, timeout)

    def noxkit(self, *args: str, env: dict[str, str] | None = None, timeout: float = 300) -> Run:
        """Run the ``noxkit`` command (``python -m noxkit ARGS``) in the project."""
        return self._run([self.python, "-m", "noxkit", *args], env, timeout)

    def run_documented(
        self, command: str, env: dict[str, str] | None = None, timeout: float = 900
    ) -> Run:
        """Run a command exactly as a page of the docs shows it, through the shell.

        The command must be one a page shows (``docs_blocks.documented``): the test fails when
        the docs change it. ``nox``, ``noxkit`` and ``python`` are the ones on the test
        interpreter's ``PATH``, as on a developer's machine after installing noxkit.
        """
        return self._run(["bash", "-c", documented(command)], env, timeout)

    def write(self, relative: str, text: str) -> Path:
        path = self.path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def read(self, relative: str) -> str:
        return (self.path / relative).read_text(encoding="utf-8")

    def replace(self, relative: str, old: str, new: str) -> None:
        text = self.read(relative)
        assert old in text, f"{old!r} not in {relative}"
        self.write(relative, text.replace(old, new, 1))

    def append(self, relative: str, text: str) -> None:
        self.write(relative, self.read(relative) + text)


@pytest.fixture
def make_project(tmp_path: Path):
    """Copy ``tests/fixtures/<name>`` into a fresh temporary folder."""

    def make(name: str, dest: str | None = None) -> Project:
        target = tmp_path / (dest or name)
        shutil.copytree(
            FIXTURES / name,
            target,
            ignore=shutil.ignore_patterns(".nox", "__pycache__", "*.egg-info", ".*_cache"),
        )
        return Project(target)

    return make


@pytest.fixture
def make_lock_project(make_project):
    """``src-clean`` with what the lock tests need: a runtime dependency and one Python.

    The dependency gives the lock a project set to resolve; one Python keeps the lock small.
    """

    def make(dest: str | None = None) -> Project:
        project = make_project("src-clean", dest)
        project.replace(
            "pyproject.toml",
            'requires-python = ">=3.11"\n',
            'requires-python = ">=3.11"\ndependencies = ["iniconfig"]\n',
        )
        project.append("pyproject.toml", '\n[tool.noxkit]\npython = ["3.11"]\n')
        return project

    return make


@pytest.fixture(autouse=True)
def _no_leaky_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's shell from changing what the tests install or run."""
    for name in _LEAKY:
        monkeypatch.delenv(name, raising=False)
