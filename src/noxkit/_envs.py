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
import hashlib
import itertools
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from noxkit._errors import StepError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import nox

    from noxkit._plan import Plan, SessionPlan

__all__ = [
    "STAMP_NAME",
    "EnvLock",
    "Prepared",
    "cache_bytecode",
    "compare",
    "compile_bytecode",
    "fingerprint",
    "nox_reuse_venv",
    "prepare",
    "read_stamp",
    "release",
    "reuse_allowed",
    "stamp",
]

STAMP_NAME = "noxkit-stamp.json"
_STAMP_KIND = "noxkit-env-stamp"
_STAMP_FORMAT = 1

# Installer settings that change what an install resolves to. Only a digest of their values is
# stored: index URLs can carry credentials.
_INSTALLER_ENV = (
    "UV_INDEX",
    "UV_INDEX_URL",
    "UV_DEFAULT_INDEX",
    "UV_EXTRA_INDEX_URL",
    "UV_FIND_LINKS",
    "UV_CONSTRAINT",
    "UV_OVERRIDE",
    "UV_PRERELEASE",
    "UV_RESOLUTION",
    "UV_EXCLUDE_NEWER",
    "PIP_INDEX_URL",
    "PIP_EXTRA_INDEX_URL",
    "PIP_FIND_LINKS",
    "PIP_CONSTRAINT",
    "PIP_PRE",
)
_CI_VARIABLES = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "TF_BUILD")

# One process prints every installed distribution; run once after an install, never on a hit.
_INSTALLED_SCRIPT = """\
import json
seen = {}
for dist in metadata.distributions():
    name = dist.metadata["Name"]
    if name:
        seen.setdefault(name, dist.version)
print(json.dumps(sorted(seen.items(), key=lambda item: item[0].lower())))
"""


# --- Locks ----------------------------------------------------------------------------------


class EnvLock:
    """An exclusive lock on one environment folder: a ``<folder>.lock`` file beside it.

    ``flock`` locks vanish with the process that held them, so a crashed or killed run never
    leaves a stale lock behind. The file holds the holder's PID and command line, for the
    message of whoever waits.
    """

    def __init__(self, location: Path) -> None:
        self.path = location.with_name(location.name + ".lock")
        self._fd: int | None = None

    def holder(self) -> str:
        """``PID 123 (nox -s tests)``, as written by the current holder."""
        try:
            text = self.path.read_text(encoding="utf-8").strip()
        except OSError:
            return "another process"
        pid, _, command = text.partition(" ")
        return f"PID {pid} ({command})" if pid.isdigit() else "another process"

    def acquire(self, *, wait: bool, on_wait: Any = None) -> None:  # noqa: ANN401 - a callback
        """Take the lock; when it is held elsewhere, wait (calling ``on_wait`` once) or raise.

        Raises:
            BlockingIOError: the lock is held and ``wait`` is false.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if not _try_lock(fd, block=False):
                self._wait(fd, wait=wait, on_wait=on_wait)
            command = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(sys.argv))
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()} {command}\n".encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def _wait(self, fd: int, *, wait: bool, on_wait: Any) -> None:  # noqa: ANN401 - a callback
        if not wait:
            raise BlockingIOError(self.holder())
        if on_wait is not None:
            on_wait(self.holder())
        _try_lock(fd, block=True)

    def release(self) -> None:
        """Let the next run in (the file stays: deleting lock files races with waiters)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing drops the flock
            self._fd = None


def _try_lock(fd: int, *, block: bool) -> bool:
    if os.name == "nt":  # pragma: no cover - exercised on Windows only
        import msvcrt  # noqa: PLC0415 - Windows only

        mode = msvcrt.LK_LOCK if block else msvcrt.LK_NBLCK  # type: ignore[attr-defined,unused-ignore]
        try:
            msvcrt.locking(fd, mode, 1)  # type: ignore[attr-defined,unused-ignore]
        except OSError:
            return False
        return True
    import fcntl  # noqa: PLC0415 - POSIX only

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


# --- The fingerprint ------------------------------------------------------------------------


def _digest(value: object) -> str:
    data = json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    return "sha256:" + hashlib.sha256(data).hexdigest()


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


def interpreter_facts(location: Path) -> dict[str, Any] | None:
    """The interpreter an environment runs: real path, version, and its file's identity.

    The ``stat`` identity (size, mtime) changes when an interpreter is upgraded in place, which
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
    return {"path": str(real), "version": version, "identity": [info.st_size, info.st_mtime_ns]}


def _files_in_args(args: Sequence[str], root: Path) -> dict[str, str]:
    """Digests of requirement/constraint files named in the install arguments."""
    out: dict[str, str] = {}
    for flag, value in itertools.pairwise(args):
        if flag in {"-r", "--requirement", "-c", "--constraint"}:
            path = root / value
            with contextlib.suppress(OSError):
                out[value] = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _file_digests(files: Sequence[Path], root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in files:
        name = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        try:
            out[name] = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
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
    return _digest(entries)


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
    args: Sequence[str],
    names: Sequence[str],
    environ: Mapping[str, str],
    files: Sequence[Path] = (),
) -> dict[str, Any]:
    """Everything an environment's content depends on, as a comparable JSON object.

    Kept as separate parts (not one hash) so a mismatch can say which part changed.
    """
    pyproject = plan.config.pyproject
    project = pyproject.get("project", {}) if isinstance(pyproject.get("project"), dict) else {}
    groups_table = pyproject.get("dependency-groups", {})
    sessions = [plan.sessions[n] for n in names if n in plan.sessions]
    install_project = any(s.install_project for s in sessions)
    editable = any(s.editable for s in sessions)
    extras = sorted({e for s in sessions for e in s.extras})
    groups = {
        g: groups_table.get(g)
        for g in plan.project.test_groups
        if isinstance(groups_table, dict) and any(s.install_project for s in sessions)
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
        "requirements": list(args),
        "files": _files_in_args(args, plan.config.root) | _file_digests(files, plan.config.root),
        "groups": groups,
        "extras": {e: optional.get(e) for e in extras} if isinstance(optional, dict) else {},
        "project": project_part,
        "installer-env": _digest({k: environ[k] for k in _INSTALLER_ENV if k in environ}),
    }


def nox_reuse_venv(session_plan: SessionPlan) -> bool | None:
    """nox's ``reuse_venv`` for a standard session: True when noxkit decides reuse itself.

    A session that installs through :func:`noxkit.steps.install` is fingerprinted there, under
    the folder's lock, so nox must never wipe its folder on its own. A session that installs
    nothing through it (``smoke`` installs a built wheel) keeps nox's own behaviour.
    """
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
        return f"its interpreter {before.get('path', '(unknown)')} is gone"
    for key, message in (
        ("path", "interpreter changed ({old} -> {new})"),
        ("version", "Python changed ({old} -> {new})"),
        ("identity", "interpreter {path} was replaced since the environment was built"),
    ):
        if before.get(key) != now[key]:
            return message.format(old=before.get(key), new=now[key], path=now["path"])
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
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if not location.is_dir() or not any(location.iterdir()):
            return "the environment folder is empty"
        return "it has no stamp (new, or its last install did not finish)"
    except OSError as exc:
        return f"its stamp is unreadable ({exc.strerror})"
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
    tmp = location / f".{STAMP_NAME}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(location / STAMP_NAME)


# --- Deciding reuse -------------------------------------------------------------------------


def in_ci(environ: Mapping[str, str]) -> bool:
    """True on a CI runner (``CI=true`` and the providers' own variables)."""
    value = environ.get("CI", "").strip().lower()
    if value and value not in {"0", "false", "no"}:
        return True
    return any(environ.get(name) for name in _CI_VARIABLES[1:])


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


@dataclass
class Prepared:
    """What :func:`prepare` decided for one session's environment."""

    location: Path
    reused: bool
    reason: str | None
    """Why the environment was rebuilt (None on a reuse hit, or when reuse was not asked)."""
    fingerprint: dict[str, Any]
    installed: list[list[str]] = field(default_factory=list)
    lock: EnvLock | None = None
    started: float = field(default_factory=time.perf_counter)
    identity: tuple[int, int] | None = None


_PREPARED: dict[str, Prepared] = {}
"""Environments prepared in this process, by location: held locks and their stamps."""


def _venv_of(session: nox.Session) -> Any:  # noqa: ANN401 - nox's ProcessEnv
    try:
        return session.virtualenv
    except (ValueError, AttributeError):  # no environment (yet), or not a real session
        return None


def _global_config(session: nox.Session) -> Any:  # noqa: ANN401 - nox's option namespace
    # nox keeps the merged command-line options on the runner; there is no public accessor.
    runner = getattr(session, "_runner", None)
    return getattr(runner, "global_config", None)


def _cfg_identity(location: Path) -> tuple[int, int] | None:
    try:
        info = (location / "pyvenv.cfg").stat()
    except OSError:
        return None
    return (info.st_ino, info.st_mtime_ns)


def _recreate(venv: Any, location: Path) -> None:  # noqa: ANN401 - nox's VirtualEnv
    """Delete the folder and let nox create it again, with installs enabled even under -R."""
    shutil.rmtree(location, ignore_errors=True)
    venv.reuse_existing = False
    venv.create()
    # nox skips session.install() when -R (no_install) meets a reused environment; this one
    # is brand new, so the install must run.
    venv._reused = False  # noqa: SLF001 - the flag nox consults for --no-install


def prepare(
    session: nox.Session,
    plan: Plan,
    args: Sequence[str],
    names: Sequence[str],
    *,
    files: Sequence[Path] = (),
) -> Prepared | None:
    """Lock the session's environment and make it either a matching reuse or a fresh folder.

    ``files`` are further inputs of the install (the lockfile), fingerprinted by content.

    Returns None when the session has no virtual environment noxkit can manage (a conda or
    ``none`` backend): then the caller installs the way nox would.
    """
    from nox.virtualenv import VirtualEnv  # noqa: PLC0415 - loaded by nox already

    venv = _venv_of(session)
    location_name = getattr(venv, "location", None)
    if not isinstance(venv, VirtualEnv) or not location_name:
        return None
    location = Path(location_name)
    again = _PREPARED.get(str(location))
    if again is not None:
        # A second install in the same session adds to the environment: it is no longer what
        # the stamp says until this install succeeds and re-stamps it.
        (location / STAMP_NAME).unlink(missing_ok=True)
        again.fingerprint["requirements"] = [
            *again.fingerprint["requirements"],
            *(a for a in args if a not in again.fingerprint["requirements"]),
        ]
        again.reused = False
        venv._reused = False  # noqa: SLF001 - the environment changes: -R must not skip this
        return again

    settings = plan.config.settings.envs
    lock = EnvLock(location)
    try:
        lock.acquire(
            wait=settings.when_busy == "wait",
            on_wait=lambda holder: session.log(
                f"waiting for {location.name}: the environment is in use by {holder}"
            ),
        )
    except BlockingIOError as exc:
        msg = (
            f"{session.name}: the environment {location} is in use by {exc.args[0]}; "
            'wait for it, or set [tool.noxkit.envs] when-busy = "wait"'
        )
        session.warn(msg)
        raise StepError(msg) from None

    try:
        prepared = _decide(
            session, plan, venv=venv, location=location, args=args, names=names, files=files
        )
    except BaseException:
        lock.release()
        raise
    prepared.lock = lock
    _PREPARED[str(location)] = prepared
    return prepared


def _decide(
    session: nox.Session,
    plan: Plan,
    *,
    venv: Any,  # noqa: ANN401 - nox's VirtualEnv
    location: Path,
    args: Sequence[str],
    names: Sequence[str],
    files: Sequence[Path],
) -> Prepared:
    config = _global_config(session)
    global_reuse = str(getattr(config, "reuse_venv", "no") or "no")
    allowed = reuse_allowed(global_reuse, plan.config.settings.envs.reuse, os.environ)
    backend = str(getattr(venv, "venv_backend", "unknown"))

    def current() -> dict[str, Any]:
        return fingerprint(
            plan,
            location=location,
            backend=backend,
            args=args,
            names=names,
            environ=os.environ,
            files=files,
        )

    fp = current()
    found = read_stamp(location)
    reason: str | None
    if isinstance(found, str):
        reason = found
    else:
        reason = compare(found["fingerprint"], fp)
        if reason is None and allowed:
            session.log(f"reusing {session.name}: environment unchanged since it was built")
            installed = found.get("installed")
            return Prepared(
                location, reused=True, reason=None, fingerprint=fp,
                installed=installed if isinstance(installed, list) else [],
                identity=_cfg_identity(location),
            )  # fmt: skip
    fresh = not venv._reused and isinstance(found, str)  # noqa: SLF001 - nox's own flag
    if not fresh:
        if allowed:
            session.log(f"rebuilding {session.name}: {reason}")
        else:
            session.log(
                f"starting {session.name} from a fresh environment: reuse is off (`nox -r`, or "
                '[tool.noxkit.envs] reuse = "fingerprint" turns it on)'
            )
        _recreate(venv, location)
        fp = current()  # the interpreter's facts belong to the new folder
    return Prepared(
        location, reused=False, reason=reason if allowed and not fresh else None,
        fingerprint=fp, identity=_cfg_identity(location),
    )  # fmt: skip


def compile_bytecode(plan: Plan) -> bool:
    """Whether to compile every ``.pyc`` at install (``compile-bytecode = "always"``)."""
    return plan.config.settings.envs.compile_bytecode == "always"


def cache_bytecode(session: nox.Session, plan: Plan, prepared: Prepared) -> None:
    """Let tools cache bytecode inside a reusable environment despite PYTHONDONTWRITEBYTECODE.

    uv writes no ``.pyc`` at install, and with ``PYTHONDONTWRITEBYTECODE`` set nothing ever
    does, so every run of a reused environment compiles pytest, coverage... again. Compiling
    all of site-packages at install costs more than it saves (mypy ships ``.py`` files beside
    its compiled modules). Instead, tools write the bytecode of what they actually import into
    the environment's own folder (``PYTHONPYCACHEPREFIX``), never into the project, once the
    environment is actually reused.
    """
    if plan.config.settings.envs.compile_bytecode != "auto" or not prepared.reused:
        # Only from the first reuse on: writing the cache slows a run down (about a second
        # for the benchmark's tests on a 2-core machine), so a fresh environment, which may
        # never be reused, does not pay for it.
        return
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return  # Python writes bytecode next to the installed files by itself
    env = session.env
    env["PYTHONDONTWRITEBYTECODE"] = None  # None: removed from the tools' environment
    prefix = os.environ.get("PYTHONPYCACHEPREFIX") or str(prepared.location / ".pycache")
    env["PYTHONPYCACHEPREFIX"] = prefix
    session.log(f"bytecode cache: {prefix} (PYTHONDONTWRITEBYTECODE is set; see compile-bytecode)")


def installed_set(session: nox.Session, location: Path | None = None) -> list[list[str]]:
    """Every distribution in the session's environment, as ``[name, version]`` pairs.

    Read from the ``*.dist-info`` folders of the environment's site-packages when noxkit knows
    the folder (no interpreter start: it runs after every install); asked from the
    environment's Python otherwise.
    """
    if location is not None:
        found = _scan_dist_info(location)
        if found:
            return found
    output = session.run(
        "python", "-c", _INSTALLED_SCRIPT, silent=True, log=False, external="error"
    )
    if not isinstance(output, str):  # --install-only and similar modes run nothing
        return []
    try:
        pairs = json.loads(output.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return []
    return [[str(n), str(v)] for n, v in pairs]


def _scan_dist_info(location: Path) -> list[list[str]]:
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


def finish(session: nox.Session, prepared: Prepared, installed: list[list[str]]) -> None:
    """Stamp a successfully installed environment, unless someone replaced it meanwhile."""
    prepared.installed = installed
    if _cfg_identity(prepared.location) != prepared.identity:
        msg = (
            f"{session.name}: the environment {prepared.location} was recreated by another "
            "process during the install; run again"
        )
        session.warn(msg)
        raise StepError(msg)
    stamp(prepared.location, prepared.fingerprint, installed)


def prepared_for(session: nox.Session) -> Prepared | None:
    """The preparation of this session's environment in this process, if any."""
    location = getattr(_venv_of(session), "location", None)
    return _PREPARED.get(str(location)) if location else None


def release(session: nox.Session) -> None:
    """Unlock the session's environment (called when the session ends)."""
    location = getattr(_venv_of(session), "location", None)
    prepared = _PREPARED.pop(str(location), None) if location else None
    if prepared is not None and prepared.lock is not None:
        prepared.lock.release()


def installed_digest(installed: Sequence[Sequence[str]]) -> str:
    """One digest of a whole installed set: equal digests mean identical environments."""
    lines = sorted(f"{name.lower()}=={version}" for name, version in installed)
    return "sha256:" + hashlib.sha256("\n".join(lines).encode()).hexdigest()
