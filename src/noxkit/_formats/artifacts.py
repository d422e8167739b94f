"""What is inside a built sdist and wheel, and whether it can be trusted. Pure: no nox.

The ``build`` and ``smoke`` sessions verify the artifact, not the source tree: most release
incidents (a module left out of the wheel, a file that only the wheel has, a tampered upload)
are visible only in the archives themselves. Everything here reads archives and files, so it is
unit tested without building anything.
"""

from __future__ import annotations

import tarfile
import zipfile
from dataclasses import dataclass
from email.parser import Parser
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)

from noxkit._util import atomic_write_text, sha256_file

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = [
    "MANIFEST_NAME",
    "ManifestError",
    "Metadata",
    "artifact_project",
    "artifact_version",
    "console_scripts",
    "module_names",
    "parity_problems",
    "read_manifest",
    "read_metadata",
    "sdist_files",
    "top_level_names",
    "verify_manifest",
    "wheel_files",
    "wheel_problems",
    "write_manifest",
]

MANIFEST_NAME = "SHA256SUMS"
"""The manifest next to the artifacts, in ``sha256sum`` format so ``sha256sum -c`` reads it."""

# Byte-compiled files belong to an installation, never to a wheel: they go stale and are
# specific to one interpreter.
_CACHE_PARTS = ("__pycache__",)
_CACHE_SUFFIXES = (".pyc", ".pyo")
# Top-level names that, installed into site-packages, clash between every project that ships them.
_NOT_TOP_LEVEL = frozenset({"tests", "test", "testing", "docs", "doc", "examples", "benchmarks"})


class ManifestError(Exception):
    """The manifest is missing, unreadable, or does not match the files next to it."""


@dataclass(frozen=True)
class Metadata:
    """The core metadata fields worth printing, read from a wheel's ``METADATA``."""

    name: str
    version: str
    requires_python: str | None
    license: str | None
    long_description: bool = True
    """Whether the metadata carries a long description (the README PyPI shows)."""

    def line(self) -> str:
        """One line for the session log."""
        return (
            f"{self.name} {self.version}, requires-python {self.requires_python or '(not set)'}, "
            f"license {self.license or '(not set)'}"
        )


def _is_cache(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return any(p in _CACHE_PARTS for p in parts) or path.endswith(_CACHE_SUFFIXES)


def wheel_files(wheel: Path) -> list[str]:
    """Every file name in the wheel, duplicates kept (a zip can hold a name twice)."""
    with zipfile.ZipFile(wheel) as zf:
        return [n for n in zf.namelist() if not n.endswith("/")]


def sdist_files(sdist: Path) -> list[str]:
    """Every file in the sdist, relative to its single top folder (``name-1.0/``)."""
    with tarfile.open(sdist, "r:*") as tf:
        names = [m.name for m in tf.getmembers() if m.isfile()]
    out = []
    for name in names:
        _, _, rest = name.lstrip("./").partition("/")
        if rest:
            out.append(rest)
    return out


def _dist_info(files: Iterable[str]) -> str | None:
    for name in files:
        top = name.split("/", 1)[0]
        if top.endswith(".dist-info"):
            return top
    return None


def _read_wheel_text(wheel: Path, member: str) -> str | None:
    with zipfile.ZipFile(wheel) as zf:
        try:
            return zf.read(member).decode("utf-8")
        except KeyError:
            return None


def read_metadata(wheel: Path) -> Metadata:
    """Name, version, requires-python and licence of a wheel (``ValueError`` when unreadable)."""
    info = _dist_info(wheel_files(wheel))
    text = _read_wheel_text(wheel, f"{info}/METADATA") if info else None
    if text is None:
        raise ValueError(f"{wheel.name} has no .dist-info/METADATA")
    msg = Parser().parsestr(text)
    name, version = msg.get("Name"), msg.get("Version")
    if not name or not version:
        raise ValueError(f"{wheel.name}: METADATA lacks Name or Version")
    license_ = msg.get("License-Expression") or msg.get("License")
    if license_:
        license_ = license_.strip().splitlines()[0]
    return Metadata(
        name=name,
        version=version,
        requires_python=msg.get("Requires-Python"),
        license=license_ or None,
        long_description=bool(str(msg.get_payload() or "").strip() or msg.get("Description")),
    )


def console_scripts(wheel: Path) -> list[tuple[str, str]]:
    """``(name, "module:attr")`` of every console script the wheel declares."""
    info = _dist_info(wheel_files(wheel))
    text = _read_wheel_text(wheel, f"{info}/entry_points.txt") if info else None
    if not text:
        return []
    out: list[tuple[str, str]] = []
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif section == "console_scripts" and "=" in line:
            name, _, value = line.partition("=")
            out.append((name.strip(), value.strip()))
    return out


def _installed_path(name: str) -> str | None:
    """Where a wheel member lands relative to site-packages (None: metadata, scripts, data)."""
    top, _, rest = name.partition("/")
    if top.endswith(".dist-info"):
        return None
    if top.endswith(".data"):
        kind, _, inner = rest.partition("/")
        return inner if kind in {"purelib", "platlib"} else None
    return name


def top_level_names(files: Iterable[str]) -> list[str]:
    """Importable top-level packages and modules of a wheel, from its file list."""
    names: set[str] = set()
    for member in files:
        path = _installed_path(member)
        if path is None or _is_cache(path):
            continue
        first, sep, _ = path.partition("/")
        if sep:
            if first.isidentifier():
                names.add(first)
        elif path.endswith(".py"):
            names.add(path.removesuffix(".py"))
        elif path.endswith((".so", ".pyd")):
            names.add(path.split(".", 1)[0])
    return sorted(n for n in names if n.isidentifier())


def module_names(files: Iterable[str], exclude: Sequence[str] = ()) -> list[str]:
    """Every module a wheel ships, as dotted import names, packages before their modules.

    Smoke imports each one: a submodule whose own imports are missing from the wheel (a folder
    excluded from both artifacts) fails only when it is imported. ``__main__`` modules are left
    out (importing one runs the program), and so are names matching an ``exclude`` glob
    (modules that need an optional dependency) and paths that are no import name.
    """
    names: set[str] = set()
    for member in files:
        path = _installed_path(member)
        if path is None or _is_cache(path):
            continue
        *folders, leaf = path.split("/")
        if leaf.endswith(".py"):
            stem = leaf.removesuffix(".py")
        elif leaf.endswith((".so", ".pyd")):
            stem = leaf.split(".", 1)[0]
        else:
            continue
        parts = folders if stem == "__init__" else [*folders, stem]
        if not parts or "__main__" in parts or not all(p.isidentifier() for p in parts):
            continue
        names.add(".".join(parts))
    kept = (n for n in names if not any(fnmatch(n, pattern) for pattern in exclude))
    return sorted(kept, key=lambda n: (n.count("."), n))


def wheel_problems(files: Sequence[str]) -> list[str]:
    """What is wrong with a wheel's contents, one sentence each (empty: nothing)."""
    problems: list[str] = []
    seen: set[str] = set()
    for name in files:
        if name in seen:
            problems.append(f"{name} is in the wheel twice")
        seen.add(name)
    cached = sorted({n for n in files if _is_cache(n)})
    if cached:
        problems.append(f"byte-compiled files in the wheel: {', '.join(cached[:5])}")
    info = _dist_info(files)
    if info is None or f"{info}/METADATA" not in seen:
        problems.append("the wheel has no .dist-info/METADATA")
    if info is not None and f"{info}/RECORD" not in seen:
        problems.append(f"the wheel has no {info}/RECORD")
    tops = top_level_names(files)
    modules = [
        p
        for n in files
        if (p := _installed_path(n)) is not None and p.endswith((".py", ".so", ".pyd"))
    ]
    if not modules:
        problems.append("the wheel holds no Python module: the package is empty")
    problems.extend(
        f"top-level '{t}' would be installed into site-packages, shared by every project"
        for t in tops
        if t in _NOT_TOP_LEVEL
    )
    return problems


def _ignored(path: str, ignore: Sequence[str]) -> bool:
    return any(fnmatch(path, pattern) for pattern in ignore)


def _suffixes(paths: Iterable[str]) -> set[str]:
    """Every path and each of its tails: ``src/pkg/a.py`` -> ``pkg/a.py``, ``a.py``."""
    out: set[str] = set()
    for path in paths:
        parts = path.split("/")
        out.update("/".join(parts[i:]) for i in range(len(parts)))
    return out


def _package_root(sdist: set[str], top: str) -> str | None:
    """The folder of package ``top`` inside the sdist (``src/top``), shortest match first."""
    roots = sorted(
        (p.removesuffix("/__init__.py") for p in sdist if p.endswith(f"{top}/__init__.py")),
        key=lambda p: p.count("/"),
    )
    roots = [r for r in roots if r == top or r.endswith(f"/{top}")]
    return roots[0] if roots else None


def _module_parity(
    top: str, installed: set[str], sdist: set[str], packages: Sequence[str]
) -> list[str]:
    """A name with no package folder: a single-module distribution (``mod.py``), or missing.

    A module counts as present like a package does: ``mod.py`` (or an extension ``mod.*.so``)
    installed at the top of site-packages.
    """
    if top not in packages or any(p.startswith(f"{top}/") for p in installed):
        return []
    module = f"{top}.py"
    if module in installed or any(
        "/" not in p and p.startswith(f"{top}.") and p.endswith((".so", ".pyd")) for p in installed
    ):
        return []
    shipped = sorted(p for p in sdist if p == module or p.endswith(f"/{module}"))
    if shipped:
        return [f"{shipped[0]} is in the sdist but not in the wheel (as {module})"]
    return [f"package '{top}' is in neither the wheel nor the sdist"]


def parity_problems(
    wheel: Sequence[str],
    sdist: Sequence[str],
    *,
    ignore: Sequence[str] = (),
    packages: Sequence[str] = (),
) -> list[str]:
    """Files that only one of the two artifacts has, one sentence each.

    - Every installed file of the wheel must come from the sdist: a file only the wheel has
      was generated or picked up from the developer's tree, and a build from the sdist (what
      downstream packagers do) would lose it.
    - Every file under the package's folder in the sdist must be in the wheel: a module left
      out of the wheel imports fine from the checkout and fails once installed.

    ``ignore`` holds glob patterns matched against the path in the wheel (``pkg/_speedups.so``)
    and in the sdist (``src/pkg/_speedups.c``); ``packages`` adds import names to look for
    beyond those the wheel has (a package missing from the wheel altogether).
    """
    problems: list[str] = []
    sdist_set = set(sdist)
    in_sdist = _suffixes(sdist_set)
    installed = {p for n in wheel if (p := _installed_path(n)) is not None}
    for path in sorted(installed):
        if _is_cache(path) or _ignored(path, ignore):
            continue
        if path not in in_sdist:
            problems.append(f"{path} is in the wheel but not in the sdist")
    tops = sorted(set(top_level_names(wheel)) | set(packages))
    for top in tops:
        root = _package_root(sdist_set, top)
        if root is None:
            problems.extend(_module_parity(top, installed, sdist_set, packages))
            continue
        for path in sorted(p for p in sdist_set if p.startswith(f"{root}/")):
            inner = top + path[len(root) :]
            if _is_cache(path) or _ignored(path, ignore) or _ignored(inner, ignore):
                continue
            if inner not in installed:
                problems.append(f"{path} is in the sdist but not in the wheel (as {inner})")
    return problems


def artifact_project(filename: str) -> str | None:
    """The normalised project name of a wheel or sdist file name (None: not an artifact)."""
    try:
        if filename.endswith(".whl"):
            return str(parse_wheel_filename(filename)[0])
        if filename.endswith(".tar.gz"):
            return str(parse_sdist_filename(filename)[0])
    except (InvalidWheelFilename, InvalidSdistFilename):
        # Older setuptools wrote sdists named after the unnormalised project name.
        stem = filename.removesuffix(".tar.gz")
        name, sep, _ = stem.rpartition("-")
        return canonicalize_name(name) if sep and name else None
    return None


def artifact_version(filename: str) -> str | None:
    """The normalised version of a wheel or sdist file name (None: not an artifact)."""
    try:
        if filename.endswith(".whl"):
            return str(parse_wheel_filename(filename)[1])
        if filename.endswith(".tar.gz"):
            return str(parse_sdist_filename(filename)[1])
    except (InvalidWheelFilename, InvalidSdistFilename):
        return None
    return None


def write_manifest(dist_dir: Path, artifacts: Sequence[Path]) -> Path:
    """Write ``SHA256SUMS`` for the artifacts (which must be in ``dist_dir``), atomically."""
    lines = [f"{sha256_file(p)}  {p.name}\n" for p in sorted(artifacts, key=lambda p: p.name)]
    path = dist_dir / MANIFEST_NAME
    atomic_write_text(path, "".join(lines))
    return path


def read_manifest(path: Path) -> dict[str, str]:
    """File name -> hex digest, from a ``sha256sum``-format manifest."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(f"no manifest at {path}") from None
    entries: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        digest, sep, name = raw.partition("  ")
        name = name.removeprefix("*")
        is_hex = len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)  # noqa: PLR2004
        if not sep or not is_hex or not name or "/" in name or "\\" in name:
            raise ManifestError(f"{path}:{number}: not a '<sha256>  <file name>' line")
        entries[name] = digest
    if not entries:
        raise ManifestError(f"{path} lists no artifact")
    return entries


def verify_manifest(
    manifest: Path, folder: Path | None = None, *, label: Path | None = None
) -> dict[str, Path]:
    """Check every file the manifest lists against its digest; return name -> path.

    ``folder`` is where the files are (default: next to the manifest), so a caller can verify
    copies it is about to install rather than the originals they were copied from; ``label``
    is the folder named in messages (the one the user knows).
    """
    entries = read_manifest(manifest)
    folder = folder or manifest.parent
    out: dict[str, Path] = {}
    for name, expected in entries.items():
        path = folder / name
        if not path.is_file():
            where = label or folder
            raise ManifestError(f"{name} is listed in {manifest} but missing from {where}")
        actual = sha256_file(path)
        if actual != expected:
            raise ManifestError(
                f"{name} does not match {manifest} (sha256 {actual[:16]}..., expected "
                f"{expected[:16]}...): it changed after it was built"
            )
        out[name] = path
    return out
