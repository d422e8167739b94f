"""Session environments at run time: the folder lock, the reuse decision, rebuild, stamping."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from noxkit._errors import StepError
from noxkit._formats.envs import (
    STAMP_NAME,
    compare,
    fingerprint,
    fresh_reason,
    read_stamp,
    reuse_allowed,
    scan_dist_info,
    stamp,
)
from noxkit._formats.prefill import made_this_run
from noxkit._session import envlock, noxapi
from noxkit._session.envlock import EnvLock

if TYPE_CHECKING:
    from collections.abc import Sequence

    import nox

    from noxkit._plan.install import InstallSpec
    from noxkit._plan.plan import Plan

__all__ = [
    "EnvLock",
    "Prepared",
    "cache_bytecode",
    "compile_bytecode",
    "finish",
    "folder_identity",
    "installed_set",
    "prepare",
]

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


# --- The fingerprint ------------------------------------------------------------------------


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
    identity: tuple[int, int] | None = None
    prefilled: bool = False
    """Filled in the background by this very run (fresh, not a reuse of an earlier one)."""


def folder_identity(location: Path) -> tuple[int, int] | None:
    """Which creation of the environment folder this is (its ``pyvenv.cfg``), or None.

    A folder deleted and created again meanwhile has another identity: a fill or a session
    never stamps a folder somebody else recreated under it.
    """
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
    noxapi.mark_fresh(venv)


class LeaseHolder(Protocol):
    """What :func:`prepare` needs of a session's run (a ``SessionRun``; run.py imports us)."""

    plan: Plan
    lease: Prepared | None


def prepare(
    session: nox.Session,
    run: LeaseHolder,
    spec: InstallSpec,
    *,
    files: Sequence[Path] = (),
) -> Prepared | None:
    """Lock the session's environment and make it either a matching reuse or a fresh folder.

    ``files`` are further inputs of the install (the lockfile), fingerprinted by content.

    Returns None when the session has no virtual environment noxkit can manage (a conda or
    ``none`` backend): then the caller installs the way nox would.
    """
    plan = run.plan
    venv = noxapi.venv_of(session)
    location_name = getattr(venv, "location", None)
    if not isinstance(venv, noxapi.virtualenv_class()) or not location_name:
        return None
    location = Path(location_name)
    again = run.lease
    if again is not None and again.location == location:
        # A second install in the same session adds to the environment: it is no longer what
        # the stamp says until this install succeeds and re-stamps it.
        (location / STAMP_NAME).unlink(missing_ok=True)
        again.fingerprint["requirements"] = [
            *again.fingerprint["requirements"],
            *(a for a in spec.args if a not in again.fingerprint["requirements"]),
        ]
        again.reused = False
        again.prefilled = False
        noxapi.mark_fresh(venv)  # the environment changes: -R must not skip this install
        return again

    settings = plan.config.settings.envs
    # Normally taken already, before nox created or reused the folder (see envlock.py); taken
    # here only for a session noxkit did not register (a project's own, composed from steps).
    lock = envlock.claim(location) or EnvLock(location)
    try:
        lock.acquire(
            wait=settings.when_busy == "wait",
            on_wait=lambda holder: session.log(
                f"waiting for {location.name}: the environment is in use by {holder}"
            ),
        )
    except BlockingIOError as exc:
        msg = envlock.busy_message(session.name, location, exc.args[0])
        session.warn(msg)
        raise StepError(msg) from None

    try:
        prepared = _decide(session, plan, venv=venv, location=location, spec=spec, files=files)
    except BaseException:
        lock.release()
        raise
    prepared.lock = lock
    run.lease = prepared
    return prepared


def _decide(
    session: nox.Session,
    plan: Plan,
    *,
    venv: Any,  # noqa: ANN401 - nox's VirtualEnv
    location: Path,
    spec: InstallSpec,
    files: Sequence[Path],
) -> Prepared:
    global_reuse = str(noxapi.global_option(session, "reuse_venv", "no") or "no")
    allowed = reuse_allowed(global_reuse, plan.config.settings.envs.reuse, os.environ)
    backend = str(getattr(venv, "venv_backend", "unknown"))

    def current() -> dict[str, Any]:
        return fingerprint(
            plan,
            location=location,
            backend=backend,
            spec=spec,
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
        # An environment this very run filled ahead of the session is as fresh as a rebuild.
        prefilled = made_this_run(location)
        if reason is None and (allowed or prefilled):
            if prefilled:
                installed_args = " ".join(spec.args)
                session.log(
                    f"using {session.name}: filled in the background during this run "
                    f"(install {installed_args})"
                )
            else:
                session.log(f"reusing {session.name}: environment unchanged since it was built")
            installed = found.get("installed")
            return Prepared(
                location, reused=not prefilled, reason=None, fingerprint=fp,
                installed=installed if isinstance(installed, list) else [],
                identity=folder_identity(location), prefilled=prefilled,
            )  # fmt: skip
    fresh = not noxapi.was_reused(venv) and isinstance(found, str)
    if not fresh:
        if allowed:
            session.log(f"rebuilding {session.name}: {reason}")
        else:
            # nox may have just said "Reusing existing virtual environment": say what happens.
            why = fresh_reason(global_reuse, plan.config.settings.envs.reuse, os.environ)
            session.log(f"rebuilding {session.name} from scratch: {why}")
        _recreate(venv, location)
        fp = current()  # the interpreter's facts belong to the new folder
    return Prepared(
        location, reused=False, reason=reason if allowed and not fresh else None,
        fingerprint=fp, identity=folder_identity(location),
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
        found = scan_dist_info(location)
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


def finish(session: nox.Session, prepared: Prepared, installed: list[list[str]]) -> None:
    """Stamp a successfully installed environment, unless someone replaced it meanwhile."""
    prepared.installed = installed
    if folder_identity(prepared.location) != prepared.identity:
        msg = (
            f"{session.name}: the environment {prepared.location} was recreated by another "
            "process during the install; run again"
        )
        session.warn(msg)
        raise StepError(msg)
    stamp(prepared.location, prepared.fingerprint, installed)
