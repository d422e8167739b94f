"""The documentation's noxfile examples load in real nox, and noxkit's own site builds strict."""

from __future__ import annotations

import re
from importlib import metadata

import pytest
from docs_blocks import noxfile_examples  # tests/ is on sys.path (pythonpath)
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


# What `nox -l` lists on src-clean (one Python, 3.11) for each way of registering the docs show:
# each session and whether it is selected (`*`, the default run) or on request (`-`).
_STANDARD = {
    "tests-3.11": "*",
    "lint": "*",
    "fmt": "-",
    "typecheck": "*",
    "coverage": "*",
    "build": "-",
    "smoke": "-",
    "lock": "-",
    "docs": "-",
    "release": "-",
}
LISTED = {
    "noxkit.register()": _STANDARD,
    'noxkit.register(only=["lint", "tests"])': {"tests-3.11": "*", "lint": "*"},
    'noxkit.register(skip=["fmt"])': {k: v for k, v in _STANDARD.items() if k != "fmt"},
    'noxkit.register(python=["3.12", "3.13"])': {
        **{k: v for k, v in _STANDARD.items() if k != "tests-3.11"},
        "tests-3.12": "*",
        "tests-3.13": "*",
    },
    'noxkit.register(config={"tests": {"maxfail": 3}})': _STANDARD,
    'noxkit.register(skip=["lint"])': {k: v for k, v in _STANDARD.items() if k != "lint"},
}


def _listing(output: str) -> dict[str, str]:
    return {name: mark for mark, name in re.findall(r"^([*-]) (\S+)", output, re.MULTILINE)}


def _expected(noxfile: str) -> dict[str, str]:
    """The listing the example promises: its register line's, plus the sessions it defines."""
    (register,) = re.findall(r"^(noxkit\.register\(.*\))", noxfile, flags=re.MULTILINE)
    register = register.split("  #")[0].strip()
    assert register in LISTED, f"say in LISTED what `nox -l` lists for {register}"
    own = re.findall(r"^def (\w+)\(session", noxfile, flags=re.MULTILINE)
    return {**LISTED[register], **dict.fromkeys(own, "*")}


@pytest.mark.parametrize(("where", "noxfile"), EXAMPLES, ids=[w for w, _ in EXAMPLES])
def test_noxfile_example_loads_and_lists_its_sessions(make_project, where, noxfile):
    """`nox -l` on a real project with the example as its noxfile lists exactly what the
    example registers and defines, each selected or on request as the docs say."""
    project = make_project("src-clean")
    project.write("noxfile.py", _without_uninstallable_script_block(noxfile))
    run = project.nox("-l")
    assert run.returncode == 0, (where, run)
    assert _listing(run.output) == _expected(noxfile), (where, run)
    assert "sessions marked with * are selected" in run.output, (where, run)


def test_register_config_is_validated_like_pyproject(make_project):
    """compose.md: `register(config=...)` takes any [tool.noxkit] value, validated the same way:
    a wrong type stops `nox -l` with exit 2 and one line naming the key."""
    (noxfile,) = [n for w, n in EXAMPLES if "config={" in n]
    project = make_project("src-clean")
    project.write("noxfile.py", noxfile.replace('"maxfail": 3', '"maxfail": "three"'))
    run = project.nox("-l")
    assert run.returncode == 2, run
    errors = [line for line in run.output.splitlines() if line.startswith("noxkit: error:")]
    assert len(errors) == 1, run
    assert "maxfail" in errors[0], run
    assert "Traceback" not in run.output, run
