"""noxkit's own interpreter check, where nox would reuse the environment (issue 13: weak test).

`test_env_faults.py`'s dangling-link case is rebuilt by nox itself before noxkit looks; here
bin/python points at a working copy of the interpreter, nox reuses the folder, and only
noxkit's fingerprint sees that the interpreter changed.
"""

from __future__ import annotations

import shutil

import pytest

pytestmark = pytest.mark.integration


def test_a_swapped_interpreter_is_rebuilt_by_noxkit(make_project, tmp_path):
    """bin/python -> another (working) interpreter file: noxkit says so and rebuilds."""
    project = make_project("src-clean")
    assert project.nox("-s", "lint").returncode == 0
    bin_dir = project.path / ".nox/lint/bin"
    copy = tmp_path / "elsewhere" / "python3"
    copy.parent.mkdir()
    shutil.copy2((bin_dir / "python").resolve(), copy)
    for name in ("python", "python3"):
        (bin_dir / name).unlink(missing_ok=True)
        (bin_dir / name).symlink_to(copy)
    run = project.nox("-r", "-s", "lint")
    assert run.returncode == 0, run
    assert "Reusing existing virtual environment" in run.output, run  # nox kept the folder
    assert "rebuilding lint: interpreter changed (" in run.output, run
    assert f"-> {copy})" in run.output, run
    assert (bin_dir / "python").resolve() != copy
