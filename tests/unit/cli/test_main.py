"""The ``noxkit`` command's entry point names a function that exists."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from noxkit._cli.main import main
from noxkit._config.toml import tomllib

PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"


def test_console_script_target_is_callable():
    """``[project.scripts] noxkit`` resolves to a function (not a module moved under it)."""
    scripts = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["scripts"]
    module, _, attr = scripts["noxkit"].partition(":")
    target = getattr(importlib.import_module(module), attr)
    assert callable(target), f"{scripts['noxkit']} is a {type(target).__name__}, not a function"


PROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "demo"
version = "1"
requires-python = ">=3.11"
"""


class TestCiCheck:
    def _project(self, tmp_path: Path) -> Path:
        (tmp_path / "pyproject.toml").write_text(PROJECT, encoding="utf-8")
        (tmp_path / "src" / "demo").mkdir(parents=True)
        (tmp_path / "src" / "demo" / "__init__.py").write_text("", encoding="utf-8")
        return tmp_path

    def test_check_keeps_the_files_own_sharding(self, tmp_path, capsys):
        """`ci github --check` on a sharded file checks it as sharded and passes."""
        root = self._project(tmp_path)
        assert main(["ci", "github", "--shards", "3", "-C", str(root)]) == 0
        assert main(["ci", "github", "--check", "-C", str(root)]) == 0
        assert "is up to date" in capsys.readouterr().out

    def test_suggested_command_reproduces_the_file(self, tmp_path, capsys):
        """A stale sharded file: the command noxkit suggests regenerates it with its shards."""
        root = self._project(tmp_path)
        main(["ci", "github", "--shards", "3", "-C", str(root)])
        workflow = root / ".github" / "workflows" / "ci.yml"
        expected = workflow.read_text(encoding="utf-8")
        workflow.write_text(expected + "# edited\n", encoding="utf-8")
        assert main(["ci", "github", "--check", "-C", str(root)]) == 1
        suggested = capsys.readouterr().err.split("`")[1]
        assert suggested == "noxkit ci github --shards 3"
        main([*suggested.split()[1:], "-C", str(root)])
        assert workflow.read_text(encoding="utf-8") == expected

    def test_the_file_does_not_depend_on_the_generating_python(self, tmp_path):
        """Without classifiers, requires-python decides the Pythons, not the running one."""
        root = self._project(tmp_path)
        pyproject = root / "pyproject.toml"
        pyproject.write_text(PROJECT.replace(">=3.11", ">=3.13"), encoding="utf-8")
        main(["ci", "github", "-C", str(root)])
        text = (root / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
        assert 'python: ["3.13"]' in text
        assert f"{sys.version_info.major}.{sys.version_info.minor}" not in text
