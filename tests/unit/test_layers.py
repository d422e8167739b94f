"""The layers of ``src/noxkit`` import one way, and no noxkit module is part of an import circle.

Every noxkit import counts: module level, under ``if TYPE_CHECKING:`` and inside functions.
A type-only import upwards is still a dependency a reader must hold in their head, and the
``TYPE_CHECKING`` guard is how the old circles hid.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"

# Rank of each layer: a module may import its own layer and the layers ranked below it.
# base <- _config <- _plan <- _formats <- _session; the CLI sits beside the session side.
BASE = 0
_LAYERS = {
    "noxkit._errors": BASE,
    "noxkit._version": BASE,
    "noxkit._util": BASE,
    "noxkit._config": 1,
    "noxkit._plan": 2,
    "noxkit._formats": 3,
    "noxkit._session": 4,
}
CLI = "noxkit._cli"
# The CLI may use everything but the session side.
_CLI_MAY_IMPORT = {"noxkit._errors", "noxkit._version", "noxkit._util"} | {
    "noxkit._config",
    "noxkit._plan",
    "noxkit._formats",
    CLI,
}
# The public faces (and `python -m noxkit`) may import anything; nothing imports them back.
FACES = frozenset({"noxkit", "noxkit.steps", "noxkit.__main__"})
# A pytest plugin put on PYTHONPATH by itself inside session environments: noxkit is not
# importable there, so it imports nothing of noxkit; any layer may use it (a leaf).
STANDALONE = "noxkit._plugins"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted((SRC / "noxkit").rglob("*.py"))}


def _package(module: str) -> str:
    is_package = MODULES[module].name == "__init__.py"
    return module if is_package else module.rpartition(".")[0]


def noxkit_imports(module: str) -> list[tuple[int, str]]:
    """Every noxkit module ``module`` imports, wherever the import statement stands."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package(module).split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            for alias in node.names:
                # `from noxkit._session import noxapi` imports the module noxkit._session.noxapi;
                # `from noxkit import _lock` names a private module, existing or not.
                sub = f"{source}.{alias.name}"
                is_module = sub in MODULES or (source == "noxkit" and alias.name.startswith("_"))
                found.append((node.lineno, sub if is_module else source))
    return [(line, name) for line, name in found if name.split(".")[0] == "noxkit"]


def layer_of(module: str) -> str | None:
    if module in FACES:
        return module
    for prefix in (*_LAYERS, CLI, STANDALONE):
        if module == prefix or module.startswith(prefix + "."):
            return prefix
    return None


def allowed(importer: str, imported: str) -> bool:
    src, dst = layer_of(importer), layer_of(imported)
    if src in FACES and dst is not None:
        return True
    if src == STANDALONE or dst in FACES or dst is None or src is None:
        return False
    if dst == STANDALONE:
        return True
    if src == CLI:
        return dst in _CLI_MAY_IMPORT
    if dst == CLI:
        return False
    return _LAYERS[dst] <= _LAYERS[src]


def _edges() -> dict[str, list[tuple[int, str]]]:
    return {module: noxkit_imports(module) for module in MODULES}


def test_every_module_has_a_layer() -> None:
    """A new module lands in a layer folder (or this test's table says where it belongs)."""
    homeless = [m for m in MODULES if layer_of(m) is None]
    assert not homeless, f"modules outside every layer: {homeless}; see docs/explanation.md"


def test_imports_name_existing_modules() -> None:
    """Every noxkit import names a module that exists (a moved module leaves no stale path)."""
    stale = [
        f"{MODULES[m].relative_to(SRC)}:{line} imports {name}, which does not exist"
        for m, edges in _edges().items()
        for line, name in edges
        if name not in MODULES
    ]
    assert not stale, "\n".join(stale)


def test_imports_run_one_way() -> None:
    """Lower layers never import higher ones, the CLI never imports the session side."""
    upward = [
        f"{MODULES[m].relative_to(SRC)}:{line} ({layer_of(m)}) imports {name} ({layer_of(name)})"
        for m, edges in _edges().items()
        for line, name in edges
        if name in MODULES and not allowed(m, name)
    ]
    assert not upward, (
        "imports against the layer direction (base <- _config <- _plan <- _formats <- "
        "_session; _cli beside _session; nothing imports noxkit or noxkit.steps back):\n"
        + "\n".join(upward)
    )


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle in ``graph``, as the list of modules along it, or ``None``."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_circle() -> None:
    """No noxkit module imports itself back through others, type-only imports included."""
    graph = {m: {name for _, name in edges if name in MODULES} for m, edges in _edges().items()}
    cycle = _find_cycle(graph)
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_the_tree_is_drawn() -> None:
    """docs/explanation.md draws every layer folder, so a contributor finds their room."""
    page = (SRC.parent / "docs" / "explanation.md").read_text(encoding="utf-8")
    section = page.partition("## Where code lives")[2]
    folders = sorted({p.parent.name for p in (SRC / "noxkit").rglob("*.py")} - {"noxkit"})
    missing = [f for f in folders if f"── {f}/" not in section]
    assert section, "docs/explanation.md has no 'Where code lives' section"
    assert not missing, f"folders missing from the tree in docs/explanation.md: {missing}"


@pytest.mark.parametrize(
    ("importer", "imported", "ok"),
    [
        ("noxkit._config.profiles", "noxkit._plan.plan", False),
        ("noxkit._plan.plan", "noxkit._config.schema", True),
        ("noxkit._formats.lock", "noxkit._plan.plan", True),
        ("noxkit._cli.doctor", "noxkit._session.lock", False),
        ("noxkit._cli.main", "noxkit._formats.ci", True),
        ("noxkit._session.bodies", "noxkit.steps", False),
        ("noxkit._errors", "noxkit._config.toml", False),
        ("noxkit._errors", "noxkit._util", True),
        ("noxkit.steps", "noxkit._session.build", True),
        ("noxkit._formats.shards", "noxkit._plugins.noxkit_shard", True),
        ("noxkit._plugins.noxkit_shard", "noxkit._formats.shards", False),
    ],
)
def test_the_rule_itself(importer: str, imported: str, ok: bool) -> None:
    """The rule allows downward imports and refuses upward ones (the guard is not vacuous)."""
    assert allowed(importer, imported) is ok


def test_the_walk_sees_guarded_and_local_imports(tmp_path: Path, monkeypatch) -> None:
    """Imports under ``if TYPE_CHECKING:`` and inside functions are collected too."""
    fake = SRC / "noxkit" / "_config" / "fake.py"
    monkeypatch.setitem(MODULES, "noxkit._config.fake", tmp_path / "fake.py")
    (tmp_path / "fake.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from noxkit._plan.plan import Plan\n"
        "def f():\n"
        "    from noxkit._session import noxapi\n"
        "    from .. import _errors\n",
        encoding="utf-8",
    )
    assert not fake.exists()
    assert [name for _, name in noxkit_imports("noxkit._config.fake")] == [
        "noxkit._plan.plan",
        "noxkit._session.noxapi",
        "noxkit._errors",
    ]


# `nox -l` in a child process (nox's own main, on a fixture project), then the noxkit modules
# it loaded. The session side beyond registration must stay unloaded: listing is instant.
_LIST_AND_DUMP = """\
import json, sys
import nox.__main__
out = sys.argv[1]
sys.argv = ["nox", "-l"]
code = None
try:
    nox.__main__.main()
except SystemExit as exc:
    code = exc.code
with open(out, "w") as f:
    modules = sorted(m for m in sys.modules if m.startswith("noxkit"))
    json.dump({"code": code, "modules": modules}, f)
"""
_LISTING_MAY_LOAD = {"noxkit._session", "noxkit._session.register", "noxkit._session.noxapi"}


def test_nox_list_loads_no_session_side(make_project, tmp_path: Path) -> None:
    """``nox -l`` imports nothing of ``noxkit._session`` but registration and the nox adapter."""
    project = make_project("src-clean")
    out = tmp_path / "modules.json"
    run = project._run([project.python, "-c", _LIST_AND_DUMP, str(out)], None, 120)
    assert run.returncode == 0, run
    assert "* lint" in run.output, run
    loaded = json.loads(out.read_text(encoding="utf-8"))
    assert loaded["code"] == 0, run
    assert "noxkit._session.register" in loaded["modules"], loaded  # the check is not vacuous
    session_side = [m for m in loaded["modules"] if layer_of(m) == "noxkit._session"]
    extra = sorted(set(session_side) - _LISTING_MAY_LOAD)
    assert not extra, f"`nox -l` imported session-side modules {extra}; load them lazily"
    assert "noxkit.steps" not in loaded["modules"]
