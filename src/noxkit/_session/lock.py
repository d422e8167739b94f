"""The lock in sessions: writing it (the ``lock`` session), checking it, installing from it.

The format and every pure decision live in :mod:`noxkit._formats.lock`; this module runs uv and the
installers. ``steps.install`` hands over to :func:`install_from_lock` when a lock exists, so
the install path stays one small hook there.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nox.command import CommandFailed
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from noxkit._errors import ConfigError, fail
from noxkit._formats import lock as lockfile
from noxkit._formats.envs import in_ci
from noxkit._formats.usage import parse_lock_args
from noxkit._plan import commands
from noxkit._session import noxapi
from noxkit._session.tools import run_command
from noxkit._util import atomic_write_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    import nox

    from noxkit._plan.install import InstallSpec
    from noxkit._plan.plan import Plan

__all__ = [
    "LockInstall",
    "check_lock",
    "install_from_lock",
    "lock",
    "lock_install",
    "validate_at_register",
    "write_lock",
]


def _label(plan: Plan) -> str:
    return plan.config.settings.lock.path


def validate_at_register(plan: Plan) -> None:
    """Refuse a broken lockfile up front (exit 2).

    ``[tool.noxkit.lock]`` itself (``on-stale``) is validated with the configuration. Parsing
    one TOML file keeps ``nox -l`` quick; a broken lock found here stops the run before any
    environment is built.
    """
    path = plan.lockfile
    if path.is_file():
        lockfile.load_lock(path)


@dataclass(frozen=True)
class LockInstall:
    """The installer calls that put a spec's sets from a fresh lock into an environment."""

    requirements: str
    """The pinned, hashed requirements (may be empty: a project without dependencies)."""
    project_args: tuple[str, ...]
    environment: dict[str, str | None]
    """Overrides of the installer's environment (None: remove the variable)."""

    def pin_args(self, requirements_file: Path) -> list[str] | None:
        """First call: the pins, read from ``requirements_file``; None when there are none."""
        if not self.requirements:
            return None
        return ["--require-hashes", "--no-deps", "-r", str(requirements_file)]

    @property
    def project_install_args(self) -> list[str] | None:
        """Second call: the project (no hash to verify for a local tree); None: none."""
        return ["--no-deps", *self.project_args] if self.project_args else None


def lock_install(plan: Plan, spec: InstallSpec) -> LockInstall | None:
    """What :func:`install_from_lock` would install, when the lock is there, fresh and complete.

    None otherwise (missing, unreadable, stale, or lacking a set or a requirement): then only
    the session itself may install, since only it can refresh the lock or say what is wrong.
    Reads files only; for the background fills (:mod:`noxkit._session.prefill`).
    """
    if not plan.lockfile.is_file():
        return None
    try:
        lock = lockfile.load_lock(plan.lockfile)
    except ConfigError:
        return None
    if lockfile.stale_changes(plan, lock) is not None or _missing(plan, lock, spec):
        return None
    return _planned(plan, lock, spec, spec.project_args)


def _planned(
    plan: Plan, lock: lockfile.Lock, spec: InstallSpec, project_args: Sequence[str]
) -> LockInstall:
    overrides, _, _ = lockfile.installer_environment(
        os.environ, plan.config.settings.lock.allow_environment
    )
    # A project without dependencies has an empty set.
    text = lockfile.requirements_text(lock, spec.sessions) if lock.entries(spec.sessions) else ""
    return LockInstall(text, tuple(project_args), overrides)


def _load(session: nox.Session, plan: Plan) -> lockfile.Lock:
    try:
        return lockfile.load_lock(plan.lockfile)
    except ConfigError as exc:
        raise fail(session, str(exc)) from None


def check_lock(session: nox.Session, plan: Plan) -> None:
    """Fail when the lock is missing or stale, naming what changed. Reads files only."""
    path = plan.lockfile
    if not path.is_file():
        raise fail(session, f"no lockfile at {_label(plan)}: create it with `{lockfile.REFRESH}`")
    lock = _load(session, plan)
    changes = lockfile.stale_changes(plan, lock)
    if changes is not None:
        raise fail(
            session,
            lockfile.stale_message(
                _label(plan), changes, check_only=plan.config.settings.lock.check
            ),
        )
    session.log(f"{_label(plan)} is up to date ({lock.digest})")


def _missing(plan: Plan, lock: lockfile.Lock, spec: InstallSpec) -> str | None:
    """The first requirement of the spec's sessions that the lock cannot satisfy, described."""
    names = spec.sessions
    absent = [n for n in names if n not in lock.sets]
    if absent:
        return f"session {absent[0]!r} has no entry in {_label(plan)}"
    entries = lock.entries(names)
    pins = [p for e in entries if (p := lockfile.pin_of(e)) is not None]
    own = canonicalize_name(plan.project.name) if plan.project.name else None
    for text in spec.requirements:
        req = Requirement(text)
        name = canonicalize_name(req.name)
        if name == own:
            continue
        versions = [v for n, v in pins if n == name]
        if not versions:
            return f"requirement {text!r} is missing from {_label(plan)}"
        if not any(req.specifier.contains(v, prereleases=True) for v in versions):
            return (
                f"requirement {text!r} is not met by {_label(plan)} (locked: {', '.join(versions)})"
            )
    return None


def _discard_environment(session: nox.Session) -> None:
    """Remove a half-installed environment, so no later run (or reuse) trusts it."""
    location = getattr(noxapi.venv_of(session), "location", None)
    if location and Path(location).is_dir():
        shutil.rmtree(location, ignore_errors=True)


def install_from_lock(
    session: nox.Session,
    plan: Plan,
    spec: InstallSpec,
    *,
    project: Sequence[str] | None = None,
) -> None:
    """Install the spec's sessions' sets from the lock: exact pins, hashes verified, no resolve.

    The pins go in one ``--require-hashes --no-deps`` call (pip or uv); the project itself goes
    in a second ``--no-deps`` call, since a local folder has no hash to verify. ``project``
    replaces the source tree there with other installer arguments (``smoke``: the built wheel).
    """
    lock = _load(session, plan)
    changes = lockfile.stale_changes(plan, lock)
    if changes is not None:
        settings = plan.config.settings.lock
        message = lockfile.stale_message(_label(plan), changes, check_only=settings.check)
        policy = settings.on_stale
        if policy == "auto":
            # Refresh locally, as `uv run` does; CI (and check-only mode) never rewrites it.
            policy = "error" if in_ci(os.environ) or settings.check else "refresh"
        if policy == "error":
            raise fail(session, message)
        if policy == "warn":
            session.warn(f"{message} (installing from it anyway: on-stale = 'warn')")
        else:
            lock = _refresh(session, plan, changes)
    problem = _missing(plan, lock, spec)
    if problem:
        raise fail(session, f"{problem}; refresh it with `{lockfile.REFRESH}`")
    planned = _planned(plan, lock, spec, spec.project_args if project is None else project)
    with tempfile.TemporaryDirectory(prefix="noxkit-lock-") as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text(planned.requirements, encoding="utf-8")
        if (pins := planned.pin_args(requirements)) is not None:
            _run_install(session, pins, planned.environment, Path(tmp) / "install.log")
        if (project_args := planned.project_install_args) is not None:
            # The project is built from the tree (or an sdist): offline, only its build
            # backend can miss.
            log = Path(tmp) / "project.log"
            _run_install(session, project_args, planned.environment, log, miss=_BACKEND_MISS)
    session.log(f"installed from {_label(plan)} ({lock.digest}): {', '.join(spec.sessions)}")


def _refresh(session: nox.Session, plan: Plan, changes: list[str]) -> lockfile.Lock:
    """Re-resolve a stale lock with ``nox -s lock`` (as ``uv run`` refreshes ``uv.lock``).

    One line says what changed and that the lockfile was rewritten (to commit); the lock
    session's own log is shown only when it fails. Outside CI only, unless configured.
    """
    what = "; ".join(changes) or "the lock format changed"
    command = [sys.executable, "-m", "nox", "--non-interactive", "-s", "lock"]
    noxfile = noxapi.global_option(session, "noxfile")
    if isinstance(noxfile, str) and Path(noxfile).is_absolute():
        # The running noxfile, whatever folder the session is in (smoke runs outside the tree).
        command[3:3] = ["-f", noxfile]
    try:
        session.run(*command, silent=True, log=False, external=True)
    except CommandFailed:
        message = f"{_label(plan)} is stale ({what}) and refreshing it failed"
        raise fail(session, f"{message}; run `{lockfile.REFRESH}` to see why") from None
    lock = _load(session, plan)
    session.log(
        f"{_label(plan)} was stale ({what}): refreshed it with `{lockfile.REFRESH}` "
        "(commit it; [tool.noxkit.lock] on-stale)"
    )
    return lock


_MISS = "not every locked artifact is in uv's cache: downloading"
_BACKEND_MISS = "the project's build backend is not in uv's cache: downloading it to build"


def _from_cache(
    session: nox.Session,
    args: list[str],
    env: dict[str, str | None],
    log: Path,
    miss: str = _MISS,
) -> bool:
    """Try the install with uv offline: exact pins with hashes need no index when cached.

    Asking the index costs a round trip per package even when every artifact is in uv's cache
    (about 0.3 s of a 0.35 s install here); with a lock the answer cannot change what is
    installed, so the cache is asked first. uv runs directly, not through nox, so a cache
    miss is one line of noxkit's, not nox's "Command ... failed" with uv's error. False
    (nothing installed) on any cache miss.
    """
    if getattr(session, "venv_backend", None) != "uv":
        return False
    uv, python = noxapi.find_uv(), shutil.which("python", path=session.bin)
    if uv is None or python is None:
        return False
    environ = {k: v for k, v in os.environ.items() if env.get(k, v) is not None}
    environ |= {k: v for k, v in env.items() if v is not None}
    environ |= {"UV_OFFLINE": "1", "VIRTUAL_ENV": str(Path(python).parent.parent)}
    command = [uv, "pip", "install", "--python", python, *args]
    session.log(f"uv pip install {shlex.join(args)}  (offline: uv's cache first)")
    with log.open("w+", encoding="utf-8") as out:
        done = subprocess.run(
            command, stdout=out, stderr=subprocess.STDOUT, env=environ, check=False
        )
        if done.returncode == 0:
            return True
        out.seek(0)
        if lockfile.find_hash_mismatch(out.read()):
            return False  # the online attempt reports it, and removes the environment
    session.log(miss)
    return False


def _run_install(
    session: nox.Session,
    args: list[str],
    env: dict[str, str | None],
    log: Path,
    *,
    miss: str = _MISS,
) -> None:
    """One installer call, its output kept so a hash mismatch can be reported in one line."""
    if _from_cache(session, args, env, log.with_suffix(".offline.log"), miss):
        return
    with log.open("w+", encoding="utf-8") as out:
        try:
            session.install(*args, env=env, stdout=out, silent=False)
        except CommandFailed:
            out.seek(0)
            output = out.read()
            _discard_environment(session)
            session.log(output.rstrip())
            mismatch = lockfile.find_hash_mismatch(output)
            if mismatch:
                message = f"hash mismatch installing from the lock: {mismatch}"
            else:
                message = "installing from the lock failed (the installer's output is above)"
            raise fail(session, f"{message}; the environment was removed") from None


def _parse_args(session: nox.Session, args: Sequence[str]) -> tuple[bool, bool, list[str]]:
    try:
        return parse_lock_args(args)
    except ValueError as exc:
        raise fail(session, str(exc)) from None


def lock(session: nox.Session, plan: Plan, extra_args: Sequence[str] = ()) -> None:
    """The ``lock`` session: write the lock, or with ``--check`` only verify it is fresh."""
    check, upgrade, packages = _parse_args(session, extra_args)
    if check or plan.config.settings.lock.check:
        check_lock(session, plan)
        return
    session.install(*plan.sessions["lock"].requirements)
    write_lock(session, plan, upgrade=upgrade, upgrade_packages=packages)


def _compile(
    session: nox.Session,
    plan: Plan,
    folder: Path,
    name: str,
    *,
    requirements: Sequence[str],
    values: dict[str, str | list[str]],
) -> dict[str, tuple[str, ...]]:
    """``uv pip compile`` one list of requirements: universal, hashed, no header."""
    label = "the joint resolution" if name == "all" else f"set {name!r}"
    session.log(f"resolving {label}: {', '.join(requirements)}")
    stem = name.replace(":", "-")
    source = folder / f"{stem}.in"
    source.write_text("".join(f"{r}\n" for r in requirements), encoding="utf-8")
    output = folder / f"{stem}.txt"
    joint = name == "all"
    values = {
        "input": str(source),
        "output": str(output),
        "python-version": lockfile.lower_python(plan),
        **values,
    }
    overrides, _, _ = lockfile.installer_environment(
        os.environ, plan.config.settings.lock.allow_environment
    )
    command = commands.lock_compile(plan, joint=joint)
    run_command(
        session, plan, command, values=values, env=overrides, external="error", silent=True,
        log=False,
    )  # fmt: skip
    try:
        return lockfile.parse_compiled(output.read_text(encoding="utf-8"))
    except ConfigError as exc:
        raise fail(session, f"{label}: {exc}") from None


def write_lock(
    session: nox.Session, plan: Plan, *, upgrade: bool, upgrade_packages: Sequence[str]
) -> None:
    """Resolve everything together once, then each set under those pins; write the lock.

    The joint resolution is what makes every session agree on versions; the existing lock's
    pins are the starting preferences, so a refresh moves only what its inputs force (or what
    ``--upgrade`` / ``--upgrade-package`` asks to move).
    """
    path = plan.lockfile
    inputs = lockfile.lock_inputs(plan)
    sets = lockfile.lock_sets(inputs)
    previous = None
    if path.is_file() and not upgrade:
        try:
            previous = lockfile.load_lock(path)
        except ConfigError:
            previous = None  # a broken lock is simply replaced
    upgrade_flags = ["--upgrade"] if upgrade else []
    for package in upgrade_packages:
        upgrade_flags.extend(["--upgrade-package", package])
    with tempfile.TemporaryDirectory(prefix="noxkit-lock-") as tmp:
        folder = Path(tmp)
        if previous is not None:
            everything = previous.entries(previous.sets)
            (folder / "all.txt").write_text("".join(f"{e}\n" for e in everything), "utf-8")
        union = sorted({r for reqs in sets.values() for r in reqs})
        joint = _compile(
            session, plan, folder, "all", requirements=union, values={"upgrade": upgrade_flags}
        )
        constraints = folder / "constraints.txt"
        constraints.write_text("".join(f"{e}\n" for e in sorted(joint)), encoding="utf-8")
        resolved = {
            name: _compile(
                session,
                plan,
                folder,
                name,
                requirements=reqs,
                values={"constraints": str(constraints)},
            )
            if reqs
            else {}
            for name, reqs in sorted(sets.items())
        }
    text = lockfile.render_lock(inputs, resolved)
    old = path.read_text(encoding="utf-8") if path.is_file() else None
    if old == text:
        session.log(f"{_label(plan)} is unchanged ({lockfile.digest(inputs)})")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)
    count = len({p for r in resolved.values() for e in r if (p := lockfile.pin_of(e))})
    session.log(
        f"wrote {_label(plan)}: {count} releases, {len(resolved)} sets ({lockfile.digest(inputs)})"
    )
