"""Session environments: the fingerprint stamp, reuse decisions, rebuilds, and folder locks.

nox decides reuse before a session body runs, by looking only at the folder (right backend,
working interpreter links) and, under ``-R``, skips every install blindly. That trusts a stale
environment. noxkit registers its sessions with ``reuse_venv=True`` so nox never wipes a folder
on its own, and decides here, inside the session and under a lock on the folder:

* reuse allowed and the stamp matches what the session would install -> no install at all;
* anything else -> delete the folder, recreate it, install, and stamp it only on success.

The stamp is a JSON file inside the environment. Everything in it is computed from files
(``pyproject.toml``, ``pyvenv.cfg``, the interpreter's ``stat``), never by starting a process,
so a reuse hit costs a few milliseconds.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import time
from typing import TYPE_CHECKING, Any

from noxkit._formats.installer import INSTALLER_SETTINGS
from noxkit._util import atomic_write_text, digest, digest_file, digest_json, in_ci

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from noxkit._plan.install import InstallSpec
    from noxkit._plan.plan import Plan, SessionPlan

__all__ = [
    "STAMP_NAME",
    "compare",
    "fingerprint",
    "in_ci",
    "installed_digest",
    "missing_python_line",
    "nox_reuse_venv",
    "read_stamp",
    "reuse_allowed",
    "scan_dist_info",
    "stamp",
]

STAMP_NAME = "noxkit-stamp.json"
_STAMP_KIND = "noxkit-env-stamp"
_STAMP_FORMAT = 1


def _venv_cfg(location: Path) -> dict[str, str]:
    try:
        text = (location / "pyvenv.cfg").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    parts = (line.partition("=") for line in text.splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, _, v in parts}


def _env_python(location: Path) -> Path:
    scripts = location / "Scripts" / "python.exe"
    return scripts if scripts.exists() else location / "bin" / "python"


_CFG_KEYS = (
    "home",
    "base-prefix",
    "base-exec-prefix",
    "base-executable",
    "executable",
    "implementation",
    "version",
    "version_info",
    "include-system-site-packages",
)
"""The ``pyvenv.cfg`` keys that decide which interpreter and which standard library run.

Python's ``site`` reads ``home`` (and the base prefixes) at every start to find its stdlib, so
an edited ``home`` runs the same ``bin/python`` link against another installation: the link
and its ``stat`` look unchanged, only these values show it.
"""


def interpreter_facts(location: Path) -> dict[str, Any] | None:
    """The interpreter an environment runs: path, version, file identity, pyvenv.cfg values.

    The ``pyvenv.cfg`` values are those that choose its standard library (``_CFG_KEYS``). The
    ``stat`` identity (size, mtime) changes when an interpreter is upgraded in place, which
    ``pyvenv.cfg`` alone would not show. None when the environment has no working Python.
    """
    python = _env_python(location)
    try:
        real = python.resolve(strict=True)
        info = real.stat()
    except (OSError, RuntimeError):
        return None
    cfg = _venv_cfg(location)
    version = cfg.get("version_info") or cfg.get("version") or "unknown"
    return {
        "path": str(real),
        "version": version,
        "identity": [info.st_size, info.st_mtime_ns],
        "cfg": {k: cfg[k] for k in _CFG_KEYS if k in cfg},
    }


def _files_in_args(args: Sequence[str], root: Path) -> dict[str, str]:
    """Digests of requirement/constraint files named in the install arguments."""
    out: dict[str, str] = {}
    for flag, value in itertools.pairwise(args):
        if flag in {"-r", "--requirement", "-c", "--constraint"}:
            path = root / value
            with contextlib.suppress(OSError):
                out[value] = digest_file(path)
    return out


def _file_digests(files: Sequence[Path], root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in files:
        name = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        try:
            out[name] = digest_file(path)
        except OSError:
            out[name] = "missing"
    return out


def _project_source(plan: Plan) -> str:
    """A digest of the package files' names, sizes and mtimes (for non-editable installs)."""
    entries: list[tuple[str, int, int]] = []
    root = plan.config.root
    for rel in plan.project.package_paths:
        base = root / rel
        files = [base] if base.is_file() else sorted(base.rglob("*"))
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts:
                info = path.stat()
                entries.append((str(path.relative_to(root)), info.st_size, info.st_mtime_ns))
    return digest_json(entries)


def _noxkit_version() -> str:
    from importlib import metadata  # noqa: PLC0415 - slow to import; only when a session runs

    try:
        return metadata.version("noxkit")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def fingerprint(
    plan: Plan,
    *,
    location: Path,
    backend: str,
    spec: InstallSpec,
    environ: Mapping[str, str],
    files: Sequence[Path] = (),
) -> dict[str, Any]:
    """Everything an environment's content depends on, as a comparable JSON object.

    Kept as separate parts (not one hash) so a mismatch can say which part changed. ``spec``
    is the very specification the session installs, so the stamp describes what went in.
    """
    root = plan.config.root
    pyproject = plan.config.pyproject
    project = pyproject.get("project", {}) if isinstance(pyproject.get("project"), dict) else {}
    groups_table = pyproject.get("dependency-groups", {})
    install_project = spec.install_project
    editable = spec.editable
    extras = sorted(spec.extras)
    groups = {
        g: groups_table.get(g)
        for g in plan.project.test_groups
        if isinstance(groups_table, dict) and install_project
    }
    optional = project.get("optional-dependencies", {})
    project_part: dict[str, Any] | None = None
    if install_project:
        project_part = {
            "dependencies": project.get("dependencies", []),
            "requires-python": project.get("requires-python"),
            "build-system": pyproject.get("build-system"),
            "version": project.get("version"),
            "editable": editable,
        }
        if not editable:
            project_part["source"] = _project_source(plan)
    return {
        "kind": _STAMP_KIND,
        "format": _STAMP_FORMAT,
        "location": str(location),
        "noxkit": _noxkit_version(),
        "backend": backend,
        "interpreter": interpreter_facts(location),
        "requirements": list(spec.args),
        "files": _files_in_args(spec.args, root) | _file_digests(files, root),
        "groups": groups,
        "extras": {e: optional.get(e) for e in extras} if isinstance(optional, dict) else {},
        "project": project_part,
        # Only a digest of their values: index URLs can carry credentials.
        "installer-env": digest_json({k: environ[k] for k in INSTALLER_SETTINGS if k in environ}),
    }


def nox_reuse_venv(session_plan: SessionPlan) -> bool | None:
    """nox's ``reuse_venv`` for a standard session: True when noxkit decides reuse itself.

    A session that installs through :func:`noxkit.steps.install` is fingerprinted there, under
    the folder's lock, so nox must never wipe its folder on its own. A session that installs
    nothing through it (``smoke`` installs a built wheel, and its tools after the import
    check) keeps nox's own behaviour.
    """
    if session_plan.wheel:
        return None
    return True if session_plan.requirements or session_plan.install_project else None


def _requirements_change(old: Sequence[str], new: Sequence[str]) -> str:
    added = [r for r in new if r not in old]
    removed = [r for r in old if r not in new]
    parts = [f"+{r}" for r in added] + [f"-{r}" for r in removed]
    return f"requirements changed ({', '.join(parts)})" if parts else "requirement order changed"


def _check_stamp(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    if old.get("kind") != _STAMP_KIND or old.get("format") != _STAMP_FORMAT:
        return "the stamp is not one this noxkit writes"
    if old.get("location") != new["location"]:
        return f"the stamp belongs to another environment ({old.get('location')})"
    return None


def _check_interpreter(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    now, before = new["interpreter"], old.get("interpreter") or {}
    if now is None:
        path = before.get("path")
        if isinstance(path, str) and os.path.exists(path):  # noqa: PTH110 - no Path import here
            return f"its python executable is missing (the interpreter {path} is still there)"
        return f"its interpreter {path or '(unknown)'} is gone"
    for key, message in (
        ("path", "interpreter changed ({old} -> {new})"),
        ("version", "Python changed ({old} -> {new})"),
        ("identity", "interpreter {path} was replaced since the environment was built"),
    ):
        if before.get(key) != now[key]:
            return message.format(old=before.get(key), new=now[key], path=now["path"])
    cfg_before, cfg_now = before.get("cfg") or {}, now.get("cfg") or {}
    for key in _CFG_KEYS:
        if cfg_before.get(key) != cfg_now.get(key):
            return f"pyvenv.cfg changed ({key}: {cfg_before.get(key)} -> {cfg_now.get(key)})"
    return None


def _check_versions(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    for key in ("backend", "noxkit"):
        if old.get(key) != new[key]:
            return f"{key} changed ({old.get(key)} -> {new[key]})"
    return None


def _check_tables(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    for key, message in (
        ("groups", "dependency group `{}` changed"),
        ("extras", "extra `{}` changed"),
        ("files", "{} changed"),
    ):
        before, now = old.get(key) or {}, new[key]
        for name in sorted(set(before) | set(now)):
            if before.get(name) != now.get(name):
                return message.format(name)
    return None


def _check_installs(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    if old.get("project") != new["project"]:
        return _project_change(old.get("project"), new["project"])
    if old.get("requirements") != new["requirements"]:
        return _requirements_change(old.get("requirements") or [], new["requirements"])
    if old.get("installer-env") != new["installer-env"]:
        return "installer settings (UV_*/PIP_* index or constraint variables) changed"
    return None


_CHECKS = (_check_stamp, _check_interpreter, _check_versions, _check_tables, _check_installs)
"""From the most to the least fundamental, so the reason names the root cause."""


def compare(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """Why ``old`` (the stamp) does not describe ``new`` (what the session needs), or None."""
    for check in _CHECKS:
        reason = check(old, new)
        if reason:
            return reason
    return None


def _project_change(old: dict[str, Any] | None, new: dict[str, Any] | None) -> str:
    if old is None or new is None:
        return "the project is now installed" if new else "the project is no longer installed"
    for key, label in (
        ("dependencies", "project dependencies changed"),
        ("requires-python", "requires-python changed"),
        ("build-system", "[build-system] changed"),
        ("version", "project version changed"),
        ("editable", "editable mode changed"),
        ("source", "the project's source changed (non-editable install)"),
    ):
        if old.get(key) != new.get(key):
            return label
    return "project metadata changed"


def read_stamp(location: Path) -> dict[str, Any] | str:
    """The stamp of an environment, or why there is none usable (a one-line reason)."""
    path = location / STAMP_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if not location.is_dir() or not any(location.iterdir()):
            return "the environment folder is empty"
        return "it has no stamp (new, or its last install did not finish)"
    except OSError as exc:
        return f"its stamp is unreadable ({exc.strerror})"
    return _decode_stamp(raw)


def _decode_stamp(raw: bytes) -> dict[str, Any] | str:
    try:
        # Decoded here, not by read_text(): a UnicodeDecodeError is a ValueError, not an
        # OSError, and a stamp that is not UTF-8 is as untrustworthy as a missing one.
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "its stamp is not UTF-8 text"
    try:
        data = json.loads(text)
    except ValueError:
        return "its stamp is corrupt"
    if not isinstance(data, dict) or not isinstance(data.get("fingerprint"), dict):
        return "its stamp is corrupt"
    return data


def stamp(location: Path, fp: dict[str, Any], installed: list[list[str]]) -> None:
    """Mark an environment as good: written last, atomically, only after a successful install."""
    data = {"fingerprint": fp, "installed": installed, "stamped": time.time()}
    atomic_write_text(location / STAMP_NAME, json.dumps(data, indent=1, sort_keys=True))


# --- Deciding reuse -------------------------------------------------------------------------


def reuse_allowed(global_reuse: str, setting: str, environ: Mapping[str, str]) -> bool:
    """Whether this run may keep an environment whose stamp matches.

    ``-r``, ``-R`` and ``--reuse-venv=yes|always`` allow it; ``--reuse-venv=never`` forbids
    it; otherwise ``[tool.noxkit.envs] reuse = "fingerprint"`` allows it outside CI.
    """
    if global_reuse in {"yes", "always"}:
        return True
    if global_reuse == "never":
        return False
    return setting == "fingerprint" and not in_ci(environ)


def fresh_reason(global_reuse: str, setting: str, environ: Mapping[str, str]) -> str:
    """Why an environment starts fresh when reuse is not allowed, and what would change it.

    Each case names its own cause: saying "fingerprint turns it on" to a CI run that already
    has it set would send the user to a setting that cannot help.
    """
    if global_reuse == "never":
        return "reuse is off (`--reuse-venv=never`); run without it to reuse environments"
    if setting == "fingerprint" and in_ci(environ):
        return (
            'CI always builds fresh environments (reuse = "fingerprint" applies outside CI); '
            "`nox -r` reuses one anyway"
        )
    return 'reuse is off (`nox -r`, or [tool.noxkit.envs] reuse = "fingerprint" turns it on)'


def scan_dist_info(location: Path) -> list[list[str]]:
    """Every distribution installed in an environment folder, from its ``*.dist-info``."""
    seen: dict[str, str] = {}
    for site in [*location.glob("lib/python*/site-packages"), location / "Lib" / "site-packages"]:
        for info in site.glob("*.dist-info"):
            name, version = _name_version(info)
            if name:
                seen.setdefault(name, version)
    return [[n, seen[n]] for n in sorted(seen, key=str.lower)]


def _name_version(info: Path) -> tuple[str, str]:
    """Name and version from a dist-info's METADATA headers (its folder name is normalised)."""
    name = version = ""
    try:
        with (info / "METADATA").open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if not line.strip():
                    break  # the headers end at the first blank line
                key, _, value = line.partition(":")
                if key == "Name":
                    name = value.strip()
                elif key == "Version":
                    version = value.strip()
                if name and version:
                    break
    except OSError:
        return "", ""
    return name, version


def installed_digest(installed: Sequence[Sequence[str]]) -> str:
    """One digest of a whole installed set: equal digests mean identical environments."""
    lines = sorted(f"{name.lower()}=={version}" for name, version in installed)
    return digest("\n".join(lines))


def missing_python_line(reason: str, download: str) -> str:
    """Why a session has no Python, and whether noxkit let uv download one (one line).

    An offline machine must not spend seconds per missing Python on DNS errors, so downloads
    are off unless the project asks; the line says which way it was and how to change it.
    """
    if download == "never":
        how = (
            'not downloaded ([tool.noxkit.envs] download-python = "never"; install it, or set '
            '"auto" to let uv fetch it)'
        )
    else:
        how = f'and uv could not provide it (download-python = "{download}")'
    return f"{reason.rstrip('.')}: {how}"
