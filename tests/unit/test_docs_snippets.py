"""Every example in the documentation is validated, so the docs cannot drift from the code."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

import pytest
from docs_blocks import EXECUTED, ROOT, SHOWN, blocks  # tests/ is on sys.path (pythonpath)

import noxkit
from noxkit import steps
from noxkit._cli.init import NOXFILE
from noxkit._cli.main import _parser
from noxkit._config.schema import Layer, resolve_settings
from noxkit._config.toml import tomllib
from noxkit._formats.release import parse_commit, render_section


def _ids(items):
    return [b.id for b in items]


def _documented_sessions() -> set[str]:
    """Sessions the docs define themselves (composed examples), besides the standard ones."""
    names = set(noxkit.STANDARD_SESSIONS)
    for block in blocks("python"):
        names |= set(re.findall(r"^def (\w+)\(session", block.text, flags=re.MULTILINE))
    return names


def _subcommands() -> set[str]:
    parser = _parser()
    for action in parser._actions:
        choices = getattr(action, "choices", None)
        if isinstance(choices, dict):
            return set(choices)
    return set()


class TestEveryBlockIsMarked:
    def test_language_is_declared(self):
        """Every block says whether it is an example (python, toml) or a transcript."""
        unmarked = [b.id for b in blocks() if b.language not in EXECUTED | SHOWN]
        assert not unmarked, f"blocks without a known language: {unmarked}"

    def test_the_pages_have_examples(self):
        """The extraction finds the examples (a broken regex must not pass vacuously)."""
        assert len(blocks("toml")) >= 15
        assert len(blocks("python")) >= 8
        assert len(blocks("console")) >= 8


class TestTomlExamples:
    @pytest.mark.parametrize("block", blocks("toml"), ids=_ids(blocks("toml")))
    def test_parses_and_validates(self, block):
        """Each TOML block parses; its [tool.noxkit] part passes noxkit's own validation."""
        data = tomllib.loads(block.text)
        table = data.get("tool", {}).get("noxkit")
        if table is not None:
            resolve_settings([Layer("docs", table, block.id)])


class TestPythonExamples:
    @pytest.mark.parametrize("block", blocks("python"), ids=_ids(blocks("python")))
    def test_compiles(self, block):
        """Each Python block is valid Python."""
        compile(block.text, block.id, "exec")

    @pytest.mark.parametrize("block", blocks("python"), ids=_ids(blocks("python")))
    def test_names_exist(self, block):
        """Every `noxkit.X` and `noxkit.steps.X` an example uses exists and is public."""
        for name in re.findall(r"noxkit\.steps\.(\w+)", block.text):
            assert name in steps.__all__, f"{block.id}: noxkit.steps.{name} does not exist"
        for name in re.findall(r"noxkit\.(?!steps\.)(\w+)", block.text):
            assert name in noxkit.__all__, f"{block.id}: noxkit.{name} does not exist"

    def test_profile_example_builds_a_profile(self, tmp_path):
        """The profile example on profiles.md runs and makes a valid Profile."""
        (block,) = [b for b in blocks("python") if "PROFILE = noxkit.Profile(" in b.text]
        namespace = {"__file__": str(tmp_path / "__init__.py"), "__name__": "acme_nox"}
        exec(compile(block.text, block.id, "exec"), namespace)
        profile = namespace["PROFILE"]
        assert isinstance(profile, noxkit.Profile)
        resolve_settings([Layer("docs", dict(profile.config), block.id)])


class TestTranscripts:
    @pytest.mark.parametrize("block", blocks("console"), ids=_ids(blocks("console")))
    def test_commands_name_real_sessions_and_subcommands(self, block):
        """`nox -s NAME` names a session that exists; `noxkit CMD` a real subcommand."""
        sessions, subcommands = _documented_sessions(), _subcommands()
        for line in block.text.splitlines():
            command = line.removeprefix("$ ").split("#")[0]
            if not line.startswith("$ "):
                continue
            for part in command.split("&&"):
                words = shlex.split(part)
                if "nox" in words and "-s" in words:
                    after = words[words.index("-s") + 1 :]
                    end = next((i for i, w in enumerate(after) if w.startswith("-")), len(after))
                    for name in after[:end]:
                        base = re.sub(r"-\d+\.\d+$", "", name)
                        assert base in sessions, f"{block.id}: no session {name!r}"
                if words[:1] == ["noxkit"] and len(words) > 1 and not words[1].startswith("-"):
                    assert words[1] in subcommands, f"{block.id}: no subcommand {words[1]!r}"


class TestReleaseChangelogExample:
    def test_changelog_block_is_what_release_writes(self):
        """The changelog on release.md is render_section's output for the commits it names."""
        page = ROOT / "docs" / "release.md"
        (block,) = [b for b in blocks("markdown") if b.page == page]
        commits = [
            (
                "4f3a2c1" + "0" * 33,
                (
                    "refactor(config)!: split the acme table\n\n"
                    "BREAKING CHANGE: the [tool.acme] table is now [tool.acme.core]"
                ),
            ),
            ("9b6efb8" + "0" * 33, "feat(cli): add a --json flag"),
            ("1234567" + "0" * 33, "docs: usage"),
            ("df81f5a" + "0" * 33, "fix: handle empty names"),
        ]
        changes = [c for sha, m in commits if (c := parse_commit(sha, m)) is not None]
        assert block.text == render_section("2.0.0", "2026-11-26", changes)


class TestReadmeCommands:
    def test_first_commands_are_what_ci_runs(self):
        """The README's two first commands are lines of .ci/run, exactly as written."""
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        first = next(b for b in blocks("console") if b.page.name == "README.md")
        commands = first.text.strip().splitlines()
        assert len(commands) == 2, commands
        assert readme.index(first.text) < readme.index("noxkit is the standard")
        ci = (ROOT / ".ci/run").read_text(encoding="utf-8").splitlines()
        for command in commands:
            assert command in ci, command

    def test_the_quickstart_tests_on_the_python_running_nox(self):
        """The main command works on a machine with one Python: the example's matrix is the
        Python that runs nox, whatever its requires-python allows."""
        env = {k: v for k, v in os.environ.items() if k not in {"PYENV_VERSION", "CI"}}
        listed = subprocess.run(
            [sys.executable, "-m", "nox", "-f", "examples/quickstart/noxfile.py", "-l"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=120,
        )  # fmt: skip
        assert listed.returncode == 0, listed.stdout + listed.stderr
        minor = f"tests-{sys.version_info.major}.{sys.version_info.minor}"
        names = [ln.split()[1] for ln in listed.stdout.splitlines() if ln.startswith(("* ", "- "))]
        assert [n for n in names if n.startswith("tests-")] == [minor], listed.stdout

    def test_the_quickstart_example_is_shipped(self):
        """The main command's example project has a noxfile that registers noxkit's sessions."""
        noxfile = (ROOT / "examples/quickstart/noxfile.py").read_text(encoding="utf-8")
        assert "noxkit.register(" in noxfile
        assert (ROOT / "examples/quickstart/tests").is_dir()


class TestInitAndDocsAgree:
    def test_getting_started_shows_the_noxfile_init_writes(self):
        """The noxfile a user pastes from the docs is the one `noxkit init` writes, shebang too.

        init makes it executable; a pasted noxfile without the shebang over it fails ruff's
        EXE002, and one with it but not executable fails EXE001: the two must be one file.
        """
        page = ROOT / "docs" / "getting-started.md"
        shown = [b.text for b in blocks("python") if b.page == page]
        assert shown[0] == NOXFILE
