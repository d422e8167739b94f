"""Steps of ``build`` and ``smoke``: build the artifacts once, verify them, use them elsewhere.

``build`` proves the artifacts are well formed (twine, wheel contents, sdist/wheel parity) and
only then writes ``SHA256SUMS``; ``smoke`` installs nothing the manifest does not vouch for,
into an environment that never sees the source tree, and runs from a folder outside the
checkout. What these catch (a module left out, a broken entry point, a ``py.typed`` that never
ships) is invisible to every session that tests the source tree.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nox.command import CommandFailed

from noxkit._errors import ConfigError, fail
from noxkit._formats.artifacts import (
    MANIFEST_NAME,
    ManifestError,
    artifact_project,
    console_scripts,
    module_names,
    parity_problems,
    read_manifest,
    read_metadata,
    sdist_files,
    top_level_names,
    verify_manifest,
    wheel_files,
    wheel_problems,
    write_manifest,
)
from noxkit._formats.repro import (
    ArchiveComparison,
    compare_archives,
    current_umask,
    hints,
    other_umask,
    source_date_epoch,
)
from noxkit._plan import commands
from noxkit._session import noxapi
from noxkit._session.lock import install_from_lock
from noxkit._session.run import ensure_run
from noxkit._session.tools import run_command
from noxkit._util import ignore_folder, sha256_file

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    import nox

    from noxkit._plan.plan import Plan

__all__ = [
    "Artifacts",
    "build_dists",
    "check_dists",
    "check_reproducible",
    "dist_dir",
    "smoke",
    "smoke_folder",
    "verified_artifacts",
    "write_sha256sums",
]

# Run with `python -I` in the smoke folder: neither the current folder nor PYTHONPATH can put
# the source tree on sys.path, so what imports is what the wheel installed.
_IMPORT_SCRIPT = """\
import importlib, json, os, sys, sysconfig, traceback
out, names = sys.argv[1], sys.argv[2:]
paths = sysconfig.get_paths()
site = {os.path.realpath(paths[k]) for k in ("purelib", "platlib")}
results = []
for name in names:
    try:
        module = importlib.import_module(name)
    except BaseException as exc:
        traceback.print_exc()
        results.append({"name": name, "error": f"{type(exc).__name__}: {exc}"})
        continue
    where = getattr(module, "__file__", None) or next(iter(getattr(module, "__path__", [])), "")
    real = os.path.realpath(where)
    inside = any(real.startswith(s + os.sep) for s in site)
    results.append({"name": name, "file": where, "installed": inside})
with open(out, "w", encoding="utf-8") as fh:
    json.dump(results, fh)
"""

_ENTRY_POINT_SCRIPT = """\
import functools, importlib, json, sys, traceback
out, specs = sys.argv[1], sys.argv[2:]
results = []
for spec in specs:
    name, _, value = spec.partition("=")
    module, _, attrs = value.split("[")[0].strip().partition(":")
    try:
        obj = importlib.import_module(module.strip())
        if attrs:
            obj = functools.reduce(getattr, attrs.strip().split("."), obj)
        if not callable(obj):
            raise TypeError(f"{value} is not callable")
    except BaseException as exc:
        traceback.print_exc()
        results.append({"name": name, "value": value, "error": f"{type(exc).__name__}: {exc}"})
    else:
        results.append({"name": name, "value": value})
with open(out, "w", encoding="utf-8") as fh:
    json.dump(results, fh)
"""

# Files that configure pytest: copied with the tests so they run as the project runs them.
_PYTEST_CONFIGS = ("pyproject.toml", "pytest.ini", "setup.cfg", "tox.ini", "conftest.py")


@dataclass(frozen=True)
class Artifacts:
    """The verified sdist and wheel of one build."""

    wheel: Path
    sdist: Path | None


def dist_dir(plan: Plan) -> Path:
    """The folder the artifacts and ``SHA256SUMS`` are written to."""
    return plan.config.root / plan.config.settings.build.dist_dir


def _require_backend(session: nox.Session, plan: Plan) -> None:
    """Stop the run with exit 2 when the project declares nothing to build with.

    A configuration error, not a failed check, so it gets the configuration exit code; it is
    checked here rather than at registration because a project without a build backend (an
    application) must still be able to run every other session.
    """
    root = plan.config.root
    if plan.project.build_backend or (root / "setup.py").is_file():
        return
    error = ConfigError(
        "no build backend: `build` and `smoke` need [build-system] build-backend (for example "
        'requires = ["hatchling"], build-backend = "hatchling.build"), or skip them with '
        "[tool.noxkit] skip",
        path=str(root / "pyproject.toml"),
    )
    session.warn(str(error))
    raise error


def _frontend(
    session: nox.Session, plan: Plan
) -> tuple[commands.Command, dict[str, str], str | None]:
    """The plan's build command for this environment, its run-time values, and its program.

    The environment's backend picks the frontend, as it does for ``noxkit doctor``: with uv,
    nox's own uv runs from outside the environment (the program returned); otherwise
    pypa/build runs inside it (None).
    """
    backend = str(session.venv_backend)
    command = commands.build_frontend(plan, backend)
    if commands.uses_uv_build(backend):
        python = shutil.which("python", path=session.bin) or "python"
        return command, {"python": python}, noxapi.find_uv() or "uv"
    return command, {}, None


def _build(session: nox.Session, plan: Plan, extra_args: Sequence[str]) -> None:
    """Run the plan's build command (installing pypa/build first when it runs inside)."""
    command, values, program = _frontend(session, plan)
    if program is None:
        session.install(f"build[virtualenv]{plan.config.settings.tools.build}")
    external = True if program is not None else "error"
    run_command(
        session, plan, command, extra_args, values=values, program=program, external=external
    )


def _second_build_command(
    session: nox.Session, plan: Plan, out: Path, source: Path
) -> tuple[list[str], bool]:
    """The plan's build command pointed at a copy of the tree and another output folder.

    Returns the command and whether it runs from outside the environment (nox's own uv).
    """
    command, values, program = _frontend(session, plan)
    swap = {str(plan.build_staging): str(out), str(plan.config.root): str(source)}
    argv = [swap.get(word, word) for word in commands.render(command, values)]
    if program is not None:
        argv[0] = program
    return argv, program is not None


def build_dists(session: nox.Session, plan: Plan, extra_args: Sequence[str] = ()) -> Artifacts:
    """Build the sdist and wheel with an isolated PEP 517 build into the dist folder.

    Builds into a staging folder first, so a failed build leaves the previous artifacts alone;
    then removes this project's stale artifacts (other versions) and the old manifest, which
    describes them, and moves the new pair in.
    """
    _require_backend(session, plan)
    _set_source_date_epoch(session, plan)
    staging = plan.build_staging
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    _build(session, plan, extra_args)
    wheels, sdists = sorted(staging.glob("*.whl")), sorted(staging.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        built = ", ".join(p.name for p in staging.iterdir()) or "nothing"
        msg = f"expected one wheel and one sdist from the build, got: {built}"
        raise fail(session, msg)
    dist = dist_dir(plan)
    dist.mkdir(parents=True, exist_ok=True)
    ignore_folder(dist)
    project = artifact_project(wheels[0].name)
    (dist / MANIFEST_NAME).unlink(missing_ok=True)
    for old in sorted(dist.iterdir()):
        if old.is_file() and artifact_project(old.name) == project:
            old.unlink()
            session.log(f"removed stale artifact {old.name}")
    wheel = Path(shutil.move(wheels[0], dist / wheels[0].name))
    sdist = Path(shutil.move(sdists[0], dist / sdists[0].name))
    shutil.rmtree(staging, ignore_errors=True)
    session.log(f"built {sdist.name} and {wheel.name} into {dist}")
    ensure_run(session, plan).record.artifacts = {p.name: sha256_file(p) for p in (sdist, wheel)}
    return Artifacts(wheel=wheel, sdist=sdist)


def _set_source_date_epoch(session: nox.Session, plan: Plan) -> None:
    """Every timestamp the backend writes comes from the last commit, not from the clock."""
    environ = {**os.environ, **{k: v for k, v in session.env.items() if v is not None}}
    epoch, origin = source_date_epoch(plan.config.root, environ)
    session.env["SOURCE_DATE_EPOCH"] = str(epoch)
    session.log(f"SOURCE_DATE_EPOCH={epoch} ({origin})")


def _copy_ignore(root: Path, top_level: frozenset[str]) -> Callable[[str, list[str]], set[str]]:
    """What the second build leaves behind: build output, environments, caches."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {
            n
            for n in names
            if n == "__pycache__"
            or n.endswith(".egg-info")
            or (n.startswith(".") and n.endswith("_cache"))
        }
        if Path(folder) == root:
            skipped |= top_level.intersection(names)
        return skipped

    return ignore


def check_reproducible(
    session: nox.Session, plan: Plan, artifacts: Artifacts, extra_args: Sequence[str] = ()
) -> list[ArchiveComparison]:
    """Build the artifacts again in a clean copy of the tree and compare them byte for byte.

    The copy lives at another path and builds under another umask, the usual ways a build
    leaks its circumstances into the archives. Each artifact that differs is explained member
    by member (timestamps, order, permissions, content); ``[tool.noxkit.build] reproducible``
    makes that a warning (``warn``, the default) or a failure (``fail``), or skips the check.
    """
    mode = plan.config.settings.build.reproducible
    if mode == "off":
        session.log('reproducibility not checked ([tool.noxkit.build] reproducible = "off")')
        return []
    root = plan.config.root
    top = frozenset(
        {
            ".nox",
            ".venv",
            "venv",
            "build",
            Path(plan.config.settings.build.dist_dir).parts[0],
            Path(plan.config.settings.output_dir).parts[0],
        }
    )
    firsts = [artifacts.sdist, artifacts.wheel] if artifacts.sdist else [artifacts.wheel]
    with tempfile.TemporaryDirectory(prefix="noxkit-repro-") as tmp:
        copy = Path(tmp) / "second-build" / root.name
        shutil.copytree(root, copy, symlinks=True, ignore=_copy_ignore(root, top))
        out = Path(tmp) / "out"
        command, outside = _second_build_command(session, plan, out, copy)
        umask = other_umask(current_umask())
        session.log(f"second build, to check reproducibility: {copy} with umask {umask:03o}")
        previous = os.umask(umask)
        try:
            session.run(*command, *extra_args, external=True if outside else "error", silent=True)
        finally:
            os.umask(previous)
        comparisons = []
        for first in firsts:
            second = out / first.name
            if not second.is_file():
                built = ", ".join(p.name for p in out.iterdir()) or "nothing"
                raise fail(session, f"the second build made no {first.name} (it made: {built})")
            digests = (sha256_file(first), sha256_file(second))
            comparisons.append(compare_archives(first.name, first, second, digests))
    ensure_run(session, plan).record.reproducible = [c.as_json() for c in comparisons]
    _report_reproducibility(session, mode, comparisons)
    return comparisons


def _report_reproducibility(
    session: nox.Session, mode: str, comparisons: Sequence[ArchiveComparison]
) -> None:
    differing = [c for c in comparisons if not c.identical]
    for comparison in comparisons:
        if comparison.identical:
            session.log(f"reproducible: {comparison.name} (sha256 {comparison.digest[:16]}, twice)")
            continue
        kinds = ", ".join(comparison.kinds())
        session.warn(
            f"NOT reproducible: {comparison.name} (sha256 {comparison.digest[:16]} vs "
            f"{comparison.other_digest[:16]}): {kinds}"
        )
        for line in comparison.lines():
            session.warn(f"  {line}")
    if not differing:
        return
    for hint in hints(list(dict.fromkeys(k for c in differing for k in c.kinds()))):
        session.warn(f"  why, usually: {hint}")
    names = ", ".join(f"{c.name} ({', '.join(c.kinds())})" for c in differing)
    msg = (
        f"the build is not reproducible: {names}; "
        "see https://reproducible-builds.org/docs/ for the usual fixes"
    )
    if mode == "fail":
        raise fail(session, msg)
    session.warn(msg + ' ([tool.noxkit.build] reproducible = "fail" makes this an error)')


def check_dists(session: nox.Session, plan: Plan, artifacts: Artifacts) -> None:
    """twine check, the wheel's contents, sdist/wheel parity, and the metadata in the log."""
    files = [artifacts.wheel] + ([artifacts.sdist] if artifacts.sdist else [])
    try:
        metadata = read_metadata(artifacts.wheel)
    except ValueError as exc:
        raise fail(session, str(exc)) from None
    if not metadata.long_description:
        # Said before twine runs: twine's own "long_description missing" names no fix.
        _no_readme(session, plan)
    values = {"artifacts": [str(f) for f in files]}
    run_command(session, plan, commands.twine_check(plan), values=values, external="error")
    session.log(f"metadata: {metadata.line()}")
    members = wheel_files(artifacts.wheel)
    problems = wheel_problems(members)
    if artifacts.sdist is not None:
        problems += parity_problems(
            members,
            sdist_files(artifacts.sdist),
            ignore=plan.config.settings.build.parity_ignore,
            packages=[
                name
                for name, path in zip(
                    plan.project.packages, plan.project.package_paths, strict=True
                )
                if (plan.config.root / path).exists()
            ],
        )
    if problems:
        for problem in problems:
            session.warn(f"  {problem}")
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        msg = f"{artifacts.wheel.name}: {count}: {'; '.join(problems)}"
        raise fail(session, msg)
    tops = ", ".join(top_level_names(members))
    session.log(f"wheel contents and sdist/wheel parity OK (top-level: {tops})")


def _no_readme(session: nox.Session, plan: Plan) -> None:
    """Name the empty or undeclared README: a warning, or the failure under ``twine-strict``."""
    readme = plan.config.pyproject.get("project", {}).get("readme")
    name = readme.get("file") if isinstance(readme, dict) else readme
    if name:
        cause, fix = f"{name} is empty", f"write {name}"
    else:
        cause, fix = "[project] declares no readme", 'add readme = "README.md" to [project]'
    message = f"the package has no long description ({cause}), so its PyPI page is blank; {fix}"
    if plan.config.settings.build.twine_strict:
        raise fail(session, f"{message} ([tool.noxkit.build] twine-strict = true)")
    session.warn(message)


def write_sha256sums(session: nox.Session, plan: Plan, artifacts: Artifacts) -> Path:
    """Write ``SHA256SUMS`` for the verified artifacts: what ``smoke`` and CI may install."""
    files = [artifacts.wheel] + ([artifacts.sdist] if artifacts.sdist else [])
    path = write_manifest(dist_dir(plan), files)
    session.log(f"wrote {path}")
    return path


@contextlib.contextmanager
def smoke_folder(session: nox.Session, plan: Plan) -> Iterator[Path]:
    """A temporary folder outside the checkout to run from, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="noxkit-smoke-")).resolve()
    if folder.is_relative_to(plan.config.root):
        session.warn(f"the temporary folder {folder} is inside the project; set TMPDIR elsewhere")
    try:
        with session.chdir(folder):
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def verified_artifacts(session: nox.Session, plan: Plan, folder: Path) -> Artifacts:
    """Copy the artifacts listed in ``SHA256SUMS`` into ``folder`` and verify the copies.

    The copies are what gets installed, so a file changed after the check cannot slip in.
    """
    manifest = dist_dir(plan) / MANIFEST_NAME
    if not manifest.is_file():
        msg = f"no {manifest}: build the artifacts first (`nox -s build smoke`)"
        raise fail(session, msg)
    try:
        entries = read_manifest(manifest)
        target = folder / "artifacts"
        target.mkdir()
        for name in entries:
            source = manifest.parent / name
            if source.is_file():
                shutil.copy2(source, target / name)
        # A file missing from the dist folder is missing from the copies, and reported so.
        verified = verify_manifest(manifest, target, label=manifest.parent)
    except ManifestError as exc:
        raise fail(session, f"refusing to install: {exc}") from None
    wheels = [p for n, p in verified.items() if n.endswith(".whl")]
    sdists = [p for n, p in verified.items() if n.endswith(".tar.gz")]
    if len(wheels) != 1:
        msg = f"{manifest} must list exactly one wheel, lists {len(wheels)}"
        raise fail(session, msg)
    session.log(f"verified {', '.join(sorted(verified))} against {manifest}")
    return Artifacts(wheel=wheels[0], sdist=sdists[0] if sdists else None)


def _results(path: Path) -> list[dict[str, str]]:
    try:
        data: list[dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return data


def _install(
    session: nox.Session, plan: Plan, artifact: Path, name: str, extras: Sequence[str] = ()
) -> None:
    """Install one artifact and its runtime dependencies, replacing any earlier install.

    With a lockfile the dependencies are smoke's set of the lock (hashes verified) and the
    artifact goes in alone after them (``--no-deps``); without one the installer resolves.
    """
    target = f"{artifact}[{','.join(extras)}]" if extras else str(artifact)
    # nox -r reuses the environment: the same version already installed must not count.
    uv = session.venv_backend == "uv"
    reinstall = ["--reinstall-package", name] if uv else ["--force-reinstall"]
    if plan.lockfile.is_file():
        install_from_lock(session, plan, plan.install_spec("smoke"), project=[*reinstall, target])
    else:
        session.install(*reinstall, target)


def _install_stage(session: nox.Session, plan: Plan, stage: str) -> None:
    """Install a later stage of smoke (mypy, the test tools): from the lock when there is one."""
    spec = plan.install_spec(f"smoke:{stage}")
    if plan.lockfile.is_file():
        install_from_lock(session, plan, spec)
    else:
        session.install(*spec.requirements)


def _check_imports(session: nox.Session, names: Sequence[str], artifact: Path) -> None:
    """Import each module in a fresh ``python -I``; every failure is named with its error."""
    results_path = Path.cwd() / "imports.json"
    shown = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")  # noqa: PLR2004
    session.log(f"python -I: import {len(names)} module(s): {shown}")
    session.run(
        "python", "-I", "-c", _IMPORT_SCRIPT, str(results_path), *names, log=False, external="error"
    )
    results = _results(results_path)
    if len(results) != len(names):
        raise fail(session, f"the import check of {artifact.name} did not complete")
    failed = [r for r in results if "error" in r]
    for result in failed:
        error = result["error"]
        session.warn(f"`import {result['name']}` failed with {artifact.name} installed: {error}")
    if failed:
        listed = ", ".join(r["name"] for r in failed)
        msg = (
            f"{len(failed)} of {len(names)} module(s) of {artifact.name} failed to import: "
            f"{listed} (a module needing an optional dependency: [tool.noxkit.smoke] "
            "skip-imports)"
        )
        raise fail(session, msg)
    for result in results:
        if not result["installed"]:
            msg = (
                f"`import {result['name']}` found {result['file']}, not the installed "
                f"{artifact.name}: the source tree leaks onto sys.path"
            )
            raise fail(session, msg)
    for result in results:
        if "." not in result["name"]:
            session.log(f"imported {result['name']} from {result['file']}")
    session.log(f"imported all {len(results)} module(s) the wheel ships")


def _check_entry_points(
    session: nox.Session, plan: Plan, scripts: Sequence[tuple[str, str]], artifact: Path
) -> None:
    if not scripts:
        return
    results_path = Path.cwd() / "entry-points.json"
    specs = [f"{name}={value}" for name, value in scripts]
    session.log(f"python -I: resolve entry points {', '.join(specs)}")
    session.run(
        "python",
        "-I",
        "-c",
        _ENTRY_POINT_SCRIPT,
        str(results_path),
        *specs,
        log=False,
        external="error",
    )
    results = _results(results_path)
    broken = [r for r in results if "error" in r]
    if broken or len(results) != len(scripts):
        first = broken[0] if broken else {"name": "?", "value": "?", "error": "no result"}
        msg = (
            f"entry point '{first['name']} = {first['value']}' of {artifact.name} does not "
            f"resolve: {first['error']}"
        )
        raise fail(session, msg)
    command = commands.smoke_entry_point(plan)
    if command is None:
        return
    for name, _ in scripts:
        try:
            run_command(session, plan, command, values={"script": name}, external="error")
        except CommandFailed as exc:
            shown = shlex.join(commands.render(command, {"script": name}))
            msg = f"entry point '{name}' failed: `{shown}` {exc.reason}"
            raise fail(session, msg) from None


def _run_commands(session: nox.Session, plan: Plan, artifact: Path) -> None:
    """The configured smoke commands, split as the plan (and doctor) split them."""
    for text in plan.config.settings.smoke.commands or ():
        try:
            run_command(session, plan, shlex.split(text), external="error")
        except CommandFailed as exc:
            msg = f"smoke command `{text}` failed with {artifact.name} installed: {exc.reason}"
            raise fail(session, msg) from None


def _check_types(session: nox.Session, plan: Plan, members: Sequence[str], wheel: Path) -> None:
    """mypy, run outside the checkout, must see the types of every package that ships py.typed."""
    typed = [t for t in top_level_names(members) if f"{t}/py.typed" in members]
    command = commands.smoke_typecheck(plan)
    if not typed or command is None:
        return
    _install_stage(session, plan, "typecheck")
    probe = Path.cwd() / "noxkit_smoke_types.py"
    probe.write_text("".join(f"import {t}\n" for t in typed), encoding="utf-8")
    try:
        run_command(session, plan, command, values={"smoke-dir": str(Path.cwd())}, external="error")
    except CommandFailed:
        names = ", ".join(typed)
        msg = f"mypy does not see the types of {names} from the installed {wheel.name}"
        raise fail(session, msg) from None
    session.log(f"mypy sees the types of {', '.join(typed)} (py.typed shipped)")


def _run_tests(session: nox.Session, plan: Plan, extra_args: Sequence[str]) -> None:
    """The test suite, copied next to the installed wheel: no source folder to fall back on."""
    root, settings = plan.config.root, plan.config.settings
    here = Path.cwd()
    for rel in (*settings.smoke.test_paths, *_PYTEST_CONFIGS):
        source = root / rel
        if source.is_dir():
            shutil.copytree(
                source, here / rel, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True
            )
        elif source.is_file():
            (here / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, here / rel)
        elif rel in settings.smoke.test_paths:
            msg = f"[tool.noxkit.smoke] test-paths: {source} does not exist"
            raise fail(session, msg)
    _install_stage(session, plan, "tests")
    command = commands.smoke_pytest(plan)
    assert command is not None  # noqa: S101 - smoke() runs the tests only when they are on
    try:
        run_command(session, plan, command, extra_args, external="error")
    except CommandFailed as exc:
        no_tests = exc.reason is not None and exc.reason.endswith(" 5")
        what = "collected no tests" if no_tests else "failed"
        msg = f"the test suite {what} against the installed wheel ({exc.reason})"
        raise fail(session, msg) from None


def smoke(
    session: nox.Session,
    plan: Plan,
    artifact: Path,
    wheel: Path,
    extra_args: Sequence[str] = (),
) -> None:
    """Install ``artifact`` (the wheel, or the sdist) and check it from the current folder.

    Imports every module the wheel ships (from site-packages, in a fresh ``python -I``),
    resolves every console script and runs it (or runs the configured commands), checks that
    mypy sees shipped types, and optionally runs the tests. ``wheel`` supplies the list of
    modules and entry points even when the sdist is what was installed.
    """
    members = wheel_files(wheel)
    name = read_metadata(wheel).name
    extras = plan.install_spec("smoke").extras
    _install(session, plan, artifact, name, extras)
    names = top_level_names(members)
    if not names:
        raise fail(session, f"{wheel.name} holds no importable package")
    modules = module_names(members, plan.config.settings.smoke.skip_imports)
    _check_imports(session, modules or names, artifact)
    _check_entry_points(session, plan, console_scripts(wheel), artifact)
    _run_commands(session, plan, artifact)
    _check_types(session, plan, members, wheel)
    if plan.config.settings.smoke.tests:
        _run_tests(session, plan, extra_args)
    session.log(f"smoke test of {artifact.name} passed")
