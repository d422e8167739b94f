"""What noxkit can learn about a project from its metadata and layout, without running it.

Pure file reading: the package's import name and folder, the Pythons the project says it
supports, and where its test dependencies are declared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from noxkit._config.schema import Config

__all__ = ["Project", "inspect_project"]

_CLASSIFIER = re.compile(r"^Programming Language :: Python :: (3\.\d+)$")
_TEST_NAMES = ("test", "tests")
KNOWN_PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")
"""The CPython releases a project without classifiers is matched against (oldest first)."""


@dataclass(frozen=True)
class Project:
    """Facts about the project that the plan needs."""

    root: Path
    name: str | None
    packages: tuple[str, ...]
    """Import names of the project's top-level packages or modules."""
    package_paths: tuple[str, ...]
    """Their paths relative to the root (``src/pkg``, ``pkg``, ``mod.py``)."""
    pythons: tuple[str, ...]
    python_source: str
    """Where ``pythons`` came from: ``[tool.noxkit] python``, classifiers, or the running Python."""
    test_groups: tuple[str, ...]
    test_extras: tuple[str, ...]
    dependency_groups: tuple[str, ...]
    extras: tuple[str, ...]
    build_backend: str | None
    configured_tools: frozenset[str] = frozenset()
    """Tools the project configures itself (``ruff``, ``mypy``): a profile's configuration of
    such a tool is not applied."""


def _configured_tools(root: Path, pyproject: dict[str, Any]) -> frozenset[str]:
    tool = pyproject.get("tool", {})
    found = {name for name in ("ruff", "mypy") if isinstance(tool, dict) and name in tool}
    if (root / "ruff.toml").is_file() or (root / ".ruff.toml").is_file():
        found.add("ruff")
    if (root / "mypy.ini").is_file() or (root / ".mypy.ini").is_file():
        found.add("mypy")
    setup_cfg = root / "setup.cfg"
    if setup_cfg.is_file() and "[mypy" in setup_cfg.read_text(encoding="utf-8", errors="replace"):
        found.add("mypy")
    return frozenset(found)


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _candidates(pyproject: dict[str, Any], name: str | None) -> list[str]:
    """Import names to look for, most specific first (backend settings, then the dist name)."""
    tool = pyproject.get("tool", {})
    out: list[str] = []
    flit_module = tool.get("flit", {}).get("module", {}).get("name")
    if isinstance(flit_module, str):
        out.append(flit_module)
    uv_module = tool.get("uv", {}).get("build-backend", {}).get("module-name")
    if isinstance(uv_module, str):
        out.append(uv_module)
    elif isinstance(uv_module, list):
        out.extend(m for m in uv_module if isinstance(m, str))
    if name:
        out.append(_normalise(name))
    return out


# Top-level folders that hold packages but are not the project's own code.
_NOT_THE_PACKAGE = frozenset(
    {
        "tests",
        "test",
        "testing",
        "docs",
        "doc",
        "examples",
        "benchmarks",
        "scripts",
        "tools",
        "build",
        "dist",
        "noxfile",
        "conftest",
        "setup",
    }
)


def _declared_packages(pyproject: dict[str, Any]) -> list[str]:
    """Package paths declared to the build backend (hatch, setuptools), relative to root."""
    tool = pyproject.get("tool", {})
    targets = tool.get("hatch", {}).get("build", {}).get("targets", {})
    declared = list(targets.get("wheel", {}).get("packages", []))
    setuptools = tool.get("setuptools", {})
    packages = setuptools.get("packages", [])
    package_dir = setuptools.get("package-dir", {})
    base = package_dir.get("", "") if isinstance(package_dir, dict) else ""
    if isinstance(packages, list):
        declared.extend(
            f"{base}/{p}".lstrip("/") for p in packages if isinstance(p, str) and "." not in p
        )
    modules = setuptools.get("py-modules", [])
    if isinstance(modules, list):
        declared.extend(f"{m}.py" for m in modules if isinstance(m, str))
    return [p for p in declared if isinstance(p, str)]


def _scan(folder: Path, prefix: str) -> list[str]:
    """Package folders directly under ``folder`` (a src folder, or a flat project's root)."""
    if not folder.is_dir():
        return []
    return sorted(
        f"{prefix}{p.name}"
        for p in folder.iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and p.name not in _NOT_THE_PACKAGE
    )


def _locate(root: Path, import_name: str) -> str | None:
    """Path of an importable package or module in a src or flat layout, relative to root."""
    module = import_name.replace(".", "/")
    for base in ("src/", ""):
        for rel in (f"{base}{module}", f"{base}{module}.py"):
            if (root / rel).exists():
                return rel
    return None


def _find_packages(root: Path, pyproject: dict[str, Any], name: str | None) -> list[str]:
    """Paths (relative to root) of the project's top-level packages, or [] when unknown."""
    found = [rel for rel in _declared_packages(pyproject) if (root / rel).exists()]
    if found:
        return found
    for candidate in _candidates(pyproject, name):
        located = _locate(root, candidate)
        if located:
            return [located]
    # Packages whose names differ from the distribution name: src layout first, then flat.
    # A single-module distribution counts too: any module in src/, or the one module at the
    # root of a flat project (several there are scripts, not the distribution).
    flat_modules = _scan_modules(root, "")
    return (
        _scan(root / "src", "src/")
        or _scan_modules(root / "src", "src/")
        or _scan(root, "")
        or (flat_modules if len(flat_modules) == 1 else [])
    )


def _scan_modules(folder: Path, prefix: str) -> list[str]:
    """Top-level modules (``mod.py``) directly under ``folder``, scripts and tests left out."""
    if not folder.is_dir():
        return []
    return sorted(
        f"{prefix}{p.name}"
        for p in folder.glob("*.py")
        if p.stem.isidentifier()
        and p.stem not in _NOT_THE_PACKAGE
        and not p.stem.startswith(("test_", "_"))
    )


def _classifier_pythons(pyproject: dict[str, Any]) -> list[str]:
    classifiers = pyproject.get("project", {}).get("classifiers", [])
    versions = {
        m.group(1) for c in classifiers if isinstance(c, str) and (m := _CLASSIFIER.match(c))
    }
    return sorted(versions, key=lambda v: tuple(int(x) for x in v.split(".")))


def _requires_python_pythons(spec: object) -> tuple[tuple[str, ...], str]:
    """The oldest known CPython that ``requires-python`` allows, and where it came from.

    Decided by the project alone, never by the interpreter running nox, so a generated CI
    file is the same whoever generates it. The oldest allowed is the one a project promises
    and most often breaks; a project wanting more lists them (classifiers or ``python``).
    """
    # Imported here: `nox -l` on a project with classifiers or `python` does not pay for it.
    from packaging.specifiers import InvalidSpecifier, SpecifierSet  # noqa: PLC0415

    if isinstance(spec, str) and spec.strip():
        try:
            allowed = SpecifierSet(spec)
        except InvalidSpecifier:
            allowed = None
        if allowed is not None:
            # A version only matches `>=3.11` as "3.11.0": compare full releases.
            match = [v for v in KNOWN_PYTHONS if allowed.contains(f"{v}.0", prereleases=True)]
            if match:
                return (match[0],), f"the oldest Python requires-python {spec.strip()} allows"
    oldest = KNOWN_PYTHONS[0]
    return (oldest,), f"no classifiers or requires-python: noxkit's oldest, {oldest}"


def inspect_project(config: Config) -> Project:
    """Read the facts the plan needs from the project's files."""
    root = config.root
    pyproject = config.pyproject
    settings = config.settings
    project_table = pyproject.get("project", {})
    name = project_table.get("name") if isinstance(project_table.get("name"), str) else None

    if settings.package:
        packages = settings.package
        paths = tuple(_locate(root, p) or p for p in packages)
    else:
        paths = tuple(_find_packages(root, pyproject, name))
        packages = tuple(Path(p).name.removesuffix(".py") for p in paths)

    if settings.python:
        pythons, source = settings.python, "[tool.noxkit] python"
    elif classified := _classifier_pythons(pyproject):
        pythons, source = tuple(classified), "trove classifiers"
    else:
        pythons, source = _requires_python_pythons(project_table.get("requires-python"))

    groups_table = pyproject.get("dependency-groups", {})
    groups = tuple(groups_table) if isinstance(groups_table, dict) else ()
    extras_table = project_table.get("optional-dependencies", {})
    extras = tuple(extras_table) if isinstance(extras_table, dict) else ()

    tests = settings.tests
    if tests.groups is not None:
        test_groups = tests.groups
    else:
        test_groups = next(((g,) for g in _TEST_NAMES if g in groups), ())
    if tests.extras is not None:
        test_extras = tests.extras
    elif test_groups:
        test_extras = ()
    else:
        test_extras = next(((e,) for e in _TEST_NAMES if e in extras), ())

    backend = pyproject.get("build-system", {}).get("build-backend")
    return Project(
        root=root,
        name=name,
        packages=packages,
        package_paths=paths,
        pythons=tuple(pythons),
        python_source=source,
        test_groups=tuple(test_groups),
        test_extras=tuple(test_extras),
        dependency_groups=groups,
        extras=extras,
        build_backend=backend if isinstance(backend, str) else None,
        configured_tools=_configured_tools(root, pyproject),
    )
