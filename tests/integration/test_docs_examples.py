"""The documentation's noxfile examples load in real nox, and noxkit's own site builds strict."""

from __future__ import annotations

import re
import shutil
from importlib import metadata

import pytest
from conftest import Project
from docs_blocks import ROOT, noxfile_examples  # tests/ is on sys.path (pythonpath)
from packaging.requirements import Requirement

pytestmark = pytest.mark.integration

EXAMPLES = noxfile_examples()
_SCRIPT = re.compile(r"^# /// script\n(?:#.*\n)*?# ///\n", re.MULTILINE)


def _without_uninstallable_script_block(noxfile: str) -> str:
    """Drop a PEP 723 block naming packages this interpreter lacks (the example team package).

    nox would otherwise install them from the index into a new environment: a test must not
    download a package whose name is only an example.
    """
    match = _SCRIPT.search(noxfile)
    if match is None:
        return noxfile
    names = re.findall(r'"([^"]+)"', match.group(0))
    for name in names:
        try:
            metadata.version(Requirement(name).name)
        except metadata.PackageNotFoundError:
            return noxfile.replace(match.group(0), "")
    return noxfile


def test_the_examples_are_found():
    """Every noxfile example is extracted (a broken extraction must not pass vacuously)."""
    assert len(EXAMPLES) >= 9


@pytest.mark.parametrize(("where", "noxfile"), EXAMPLES, ids=[w for w, _ in EXAMPLES])
def test_noxfile_example_loads_and_lists_its_sessions(make_project, where, noxfile):
    """`nox -l` on a real project with the example as its noxfile lists what it defines."""
    project = make_project("src-clean")
    project.write("noxfile.py", _without_uninstallable_script_block(noxfile))
    run = project.nox("-l")
    assert run.returncode == 0, (where, run)
    for name in re.findall(r"^def (\w+)\(session", noxfile, flags=re.MULTILINE):
        assert f"{name}" in run.output, (where, run)


def test_noxkit_site_builds_with_warnings_as_errors(tmp_path):
    """`nox -s docs` on a copy of noxkit builds its own site (MkDocs --strict)."""
    copy = tmp_path / "noxkit"
    copy.mkdir()
    for name in ("src", "docs", "tools"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "noxfile.py", "mkdocs.yml", "README.md", "noxkit.lock"):
        shutil.copy2(ROOT / name, copy / name)
    project = Project(copy)
    run = project.nox("-s", "docs")
    assert run.returncode == 0, run
    assert "mkdocs build --strict" in run.output, run
    site = copy / "site"
    cli = (site / "reference" / "cli" / "index.html").read_text(encoding="utf-8")
    assert "noxkit doctor" in cli
    steps = (site / "reference" / "steps" / "index.html").read_text(encoding="utf-8")
    for step in ("install", "pytest", "build_docs", "plan_release"):
        assert f'id="noxkit.steps.{step}"' in steps
