"""Every shell command the docs show is run as written by a test, or excluded with a reason.

The commands come from ``docs_blocks.commands()`` (the ``$`` lines of console blocks, the lines
of sh/bash blocks). A test runs one with ``project.run_documented("<the command>")``, which
refuses a command no page shows; this module finds those calls in the test sources, so the map
from command to test is read from the tests themselves and cannot claim a run that is not there.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

import docs_blocks  # tests/ is on sys.path (pythonpath)
import pytest
from docs_blocks import ROOT, commands

if TYPE_CHECKING:
    from pathlib import Path

TESTS = ROOT / "tests"

# Commands no test runs, each with why. Everything else a page shows must be run by a test.
EXCLUDED = {
    "git clone https://git.example.com/acme/noxkit.git": (
        "an example host standing for wherever a copy of noxkit lives; the install test "
        "copies this checkout to ./noxkit instead"
    ),
    "git add noxkit.lock && git commit": "git itself; `git commit` opens an editor for the message",
    "git push --follow-tags origin main": "publishes to a remote repository (network, not ours)",
    "python -m pip install uv && python -m uv run --locked pytest -n 4": (
        "the whole suite, which cannot run itself; .ci/run runs this line verbatim "
        "(test_docs_snippets.py::TestReadmeCommands)"
    ),
    "python -m uv run --locked pytest -n 4": "the whole suite, which cannot run itself",
    "python -m uv run --locked pytest tests/unit": "the unit tests, this module among them",
    ".ci/run": "CI's entry point: the whole suite, and chromium installed with apt-get and sudo",
}


def _runs(path: Path) -> list[tuple[str, str]]:
    """``(command, test)`` for each ``run_documented("...")`` call in one test file (or
    ``documented("...")``, for a test that starts the command itself, such as a server)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []

    def visit(node: ast.AST, where: list[str]) -> None:
        for child in ast.iter_child_nodes(node):
            inner = where
            if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                inner = [*where, child.name]
            if isinstance(child, ast.Call):
                func = child.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                first = child.args[0] if child.args else None
                if (
                    name in {"run_documented", "documented"}
                    and isinstance(first, ast.Constant)
                    and isinstance(first.value, str)
                ):
                    test = "::".join([str(path.relative_to(ROOT)), *where])
                    out.append((first.value, test))
            visit(child, inner)

    visit(tree, [])
    return out


def runs() -> dict[str, list[str]]:
    """Each command some test runs with ``run_documented``, and the tests that run it."""
    found: dict[str, list[str]] = {}
    for path in sorted(TESTS.rglob("*.py")):
        for command, test in _runs(path):
            found.setdefault(command, []).append(test)
    return found


def uncovered() -> list[str]:
    """Commands a page shows that no test runs and no exclusion names, as ``page:line: cmd``."""
    ran = runs()
    return [f"{c.id}: {c.text}" for c in commands() if c.text not in ran and c.text not in EXCLUDED]


def test_the_commands_are_found():
    """The extraction finds the pages' commands (a broken one must not pass vacuously)."""
    found = commands()
    assert len(found) >= 50, found
    readme = [c.text for c in found if c.block.page.name == "README.md"]
    assert "nox -s lint typecheck" in readme, readme
    # Output lines of a transcript are not commands, and comments are not part of one.
    assert not [c for c in found if c.text.startswith(("noxkit: error", "nox >", "#"))]
    assert "noxkit ci github" in {c.text for c in found}


def test_every_docs_command_is_run_or_excluded():
    """A command added to the docs fails here until a test runs it or it is excluded."""
    missing = uncovered()
    assert not missing, (
        "docs commands no test runs: run each with project.run_documented(...) or add it to "
        "EXCLUDED with a reason:\n  " + "\n  ".join(missing)
    )


def test_exclusions_and_runs_name_commands_the_docs_show():
    """An exclusion or a test run of a command no page shows any more is stale."""
    shown = {c.text for c in commands()}
    stale = [c for c in EXCLUDED if c not in shown]
    assert not stale, f"excluded commands no page shows: {stale}"
    ran = set(runs())
    assert not ran & set(EXCLUDED), f"both run and excluded: {ran & set(EXCLUDED)}"
    unknown = {c: t for c, t in runs().items() if c not in shown}
    assert not unknown, f"tests run commands no page shows: {unknown}"


def test_a_new_command_without_a_run_is_caught(monkeypatch):
    """The check bites: a page gaining a command nobody runs makes it fail, naming the line."""
    page = docs_blocks.PAGES[0]
    original = type(page).read_text
    added = "\n```console\n$ nox -s lint -- --new-flag   # an added command\n```\n"

    def read_text(self, *args, **kwargs):
        return original(self, *args, **kwargs) + (added if self == page else "")

    before = uncovered()
    monkeypatch.setattr(type(page), "read_text", read_text)
    missing = [m for m in uncovered() if m not in before]
    assert len(missing) == 1, missing
    assert missing[0].endswith(": nox -s lint -- --new-flag"), missing
    assert missing[0].startswith(f"{page.relative_to(ROOT)}:"), missing


@pytest.mark.parametrize("command", sorted(EXCLUDED))
def test_each_exclusion_says_why(command):
    """An exclusion is a decision: its reason is a sentence, not a placeholder."""
    assert len(EXCLUDED[command].split()) >= 4, command
