"""Each input of an environment's content changes its fingerprint (issue 13: planted bugs).

The reuse tests feed hand-built dictionaries to ``compare``; these build real fingerprints of
a project on disk, change one input, and require ``compare`` to give a reason to rebuild.
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import TYPE_CHECKING

import pytest

from noxkit._formats import envs as _envs
from noxkit._plan.plan import load_plan

if TYPE_CHECKING:
    from pathlib import Path

PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "demo"
version = "1.0"
description = "x"
requires-python = ">=3.10"
dependencies = ["attrs"]

[project.optional-dependencies]
extra = ["idna"]

[dependency-groups]
test = ["pytest"]
"""


def _root(tmp_path: Path, pyproject: str = PYPROJECT) -> Path:
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    pkg = tmp_path / "src" / "demo"
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "__init__.py").write_text("VALUE = 1\n", encoding="utf-8")
    # A working interpreter, so an unchanged environment matches (no "interpreter is gone").
    env = tmp_path / "env"
    if not env.exists():
        (env / "bin").mkdir(parents=True)
        (env / "pyvenv.cfg").write_text("version_info = 3.11.7\n", encoding="utf-8")
        (env / "bin" / "python").symlink_to(sys.executable)
    return tmp_path


def _fp(root: Path, **kwargs):
    plan = load_plan(root)
    options = {"location": root / "env", "backend": "uv", "environ": {}} | kwargs
    return _envs.fingerprint(plan, spec=plan.install_spec("tests"), **options)


def _edit(root: Path, old: str, new: str) -> None:
    path = root / "pyproject.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


_GROUPS = "[dependency-groups]"
PROJECT_EDITS = {
    "a project dependency": ('dependencies = ["attrs"]', 'dependencies = ["attrs", "six"]'),
    "requires-python": ('requires-python = ">=3.10"', 'requires-python = ">=3.11"'),
    "the build backend": ('requires = ["hatchling"]', 'requires = ["hatchling>=1.20"]'),
    "the version": ('version = "1.0"', 'version = "1.1"'),
    "the test group": ('test = ["pytest"]', 'test = ["pytest", "freezegun"]'),
    "a tool version": (_GROUPS, f'[tool.noxkit.tools]\npytest = ">=9"\n{_GROUPS}'),
    "tests deps": (_GROUPS, f'[tool.noxkit.tests]\ndeps = ["rich"]\n{_GROUPS}'),
    "editable": (_GROUPS, f"[tool.noxkit]\neditable = false\n{_GROUPS}"),
}  # fmt: skip


class TestEveryInputChangesIt:
    @pytest.mark.parametrize("what", sorted(PROJECT_EDITS))
    def test_a_project_edit(self, tmp_path, what):
        """Changing this in pyproject.toml gives the old environment a reason to rebuild."""
        root = _root(tmp_path)
        before = _fp(root)
        _edit(root, *PROJECT_EDITS[what])
        assert _envs.compare(before, _fp(root)) is not None, what

    def test_the_extras_of_a_session(self, tmp_path):
        """A test extra's requirements are part of it."""
        root = _root(
            tmp_path, PYPROJECT + '\n[tool.noxkit.tests]\ngroups = []\nextras = ["extra"]\n'
        )
        before = _fp(root)
        _edit(root, 'extra = ["idna"]', 'extra = ["idna", "six"]')
        assert _envs.compare(before, _fp(root)) is not None

    def test_the_source_of_a_non_editable_install(self, tmp_path):
        """Without editable, a changed package file means the installed copy is stale."""
        root = _root(tmp_path, PYPROJECT + "\n[tool.noxkit]\neditable = false\n")
        before = _fp(root)
        module = root / "src" / "demo" / "__init__.py"
        module.write_text("VALUE = 22\n", encoding="utf-8")
        os.utime(module, ns=(1, 1))
        assert _envs.compare(before, _fp(root)) is not None

    def test_the_backend_and_the_location(self, tmp_path):
        """Another backend or another folder is another environment."""
        root = _root(tmp_path)
        before = _fp(root)
        assert _envs.compare(before, _fp(root, backend="virtualenv")) is not None
        shutil.copytree(root / "env", root / "elsewhere", symlinks=True)
        assert _envs.compare(before, _fp(root, location=root / "elsewhere")) is not None

    def test_an_installer_setting(self, tmp_path):
        """An index URL in the environment changes what gets installed."""
        root = _root(tmp_path)
        before = _fp(root)
        after = _fp(root, environ={"PIP_INDEX_URL": "https://mirror.invalid/simple"})
        assert _envs.compare(before, after) is not None

    def test_a_file_the_install_reads(self, tmp_path):
        """A constraints file passed to the install is digested."""
        root = _root(tmp_path)
        constraints = root / "constraints.txt"
        constraints.write_text("attrs==23.1\n", encoding="utf-8")
        before = _fp(root, files=[constraints])
        constraints.write_text("attrs==24.1\n", encoding="utf-8")
        assert _envs.compare(before, _fp(root, files=[constraints])) is not None

    def test_the_noxkit_version(self, tmp_path, monkeypatch):
        """Another noxkit may install differently."""
        root = _root(tmp_path)
        before = _fp(root)
        monkeypatch.setattr(_envs, "_noxkit_version", lambda: "99.0")
        assert _envs.compare(before, _fp(root)) is not None

    def test_the_interpreter(self, tmp_path):
        """The environment's python pointing at another interpreter file is another env."""
        root = _root(tmp_path)
        env = root / "env"
        (env / "bin" / "python").unlink()
        first, second = root / "py-a", root / "py-b"
        shutil.copy(sys.executable, first)
        second.write_bytes(b"another interpreter")
        (env / "bin" / "python").symlink_to(first)
        before = _fp(root)
        (env / "bin" / "python").unlink()
        (env / "bin" / "python").symlink_to(second)
        assert _envs.compare(before, _fp(root)) is not None


class TestUnrelatedEditsKeepIt:
    def test_nothing_changed(self, tmp_path):
        """The baseline every test above relies on: an unchanged project matches."""
        root = _root(tmp_path)
        assert _envs.compare(_fp(root), _fp(root)) is None

    def test_the_description(self, tmp_path):
        """A description change does not rebuild anything."""
        root = _root(tmp_path)
        before = _fp(root)
        _edit(root, 'description = "x"', 'description = "y"')
        assert _envs.compare(before, _fp(root)) is None
