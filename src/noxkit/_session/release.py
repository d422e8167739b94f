"""The `release` steps: read git, check the preconditions, run the gate, write, commit, tag.

git runs as an external command through the session (it is the project's VCS, not a tool to
install); the decisions are made by the pure functions of `noxkit._formats.release`.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from nox.command import CommandFailed
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from noxkit._errors import fail
from noxkit._formats.artifacts import MANIFEST_NAME, artifact_project, artifact_version
from noxkit._formats.release import (
    LOG_FORMAT,
    Change,
    VersionSource,
    bump,
    find_version_source,
    insert_section,
    next_version,
    parse_log,
    read_version,
    render_section,
    write_version,
)
from noxkit._formats.usage import parse_release_args

if TYPE_CHECKING:
    from collections.abc import Sequence

    import nox

    from noxkit._plan.plan import Plan

__all__ = ["ReleasePlan", "plan_release", "release_branch", "release_gate", "write_release"]

_SHOWN = 5  # dirty files named in the refusal


def _git(session: nox.Session, *args: str) -> str:
    output = session.run("git", *args, silent=True, log=False, external=True)
    return output if isinstance(output, str) else ""


@dataclass(frozen=True)
class ReleasePlan:
    """Everything one release will do, computed before anything is written."""

    previous_tag: str | None
    current: str
    version: str
    tag: str
    changes: tuple[Change, ...]
    source: VersionSource
    section: str
    dry_run: bool
    gate: tuple[str, ...]


def _parse_args(session: nox.Session, args: Sequence[str]) -> tuple[bool, str | None]:
    try:
        return parse_release_args(args)
    except ValueError as exc:
        raise fail(session, str(exc)) from None


def _tag_pattern(tag_format: str) -> re.Pattern[str]:
    before, _, after = tag_format.partition("{version}")
    return re.compile(re.escape(before) + r"(?P<version>.+)" + re.escape(after) + "$")


def _last_tag(session: nox.Session, tag_format: str) -> tuple[str, str] | None:
    """The highest release tag reachable from HEAD, and its version."""
    pattern = _tag_pattern(tag_format)
    found: list[tuple[Version, str, str]] = []
    for tag in _git(session, "tag", "--merged", "HEAD").split():
        match = pattern.match(tag)
        if match:
            try:
                found.append((Version(match.group("version")), tag, match.group("version")))
            except InvalidVersion:
                continue
    if not found:
        return None
    _, tag, version = max(found)
    return tag, version


def _changes(session: nox.Session, since: str | None) -> tuple[list[Change], int]:
    """Conventional commits since ``since`` (oldest first), and how many commits there were."""
    span = [f"{since}..HEAD"] if since else ["HEAD"]
    return parse_log(_git(session, "log", "--reverse", LOG_FORMAT, *span))


def _default_gate(plan: Plan) -> tuple[str, ...]:
    gate: list[str] = []
    if plan.lockfile.is_file():
        gate.append("lock -- --check")
    gate += ["build", "smoke"]
    return tuple(gate)


def _branch_exists(session: nox.Session, name: str) -> bool:
    found = session.run(
        "git", "rev-parse", "--verify", "--quiet", f"refs/heads/{name}",
        silent=True, log=False, external=True, success_codes=[0, 1],
    )  # fmt: skip
    return bool(isinstance(found, str) and found.strip())


def release_branch(session: nox.Session, plan: Plan) -> str:
    """The branch releases are made from: the setting, else the repository's default branch.

    The remote's HEAD says what the forge calls default; without a remote, the local
    ``init.defaultBranch`` when that branch exists, else ``main`` or ``master``, whichever
    exists (git itself still defaults to ``master``).
    """
    configured = plan.config.settings.release.branch
    if configured:
        return configured
    remote = session.run(
        "git", "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD",
        silent=True, log=False, external=True, success_codes=[0, 1, 128],
    )  # fmt: skip
    if isinstance(remote, str) and remote.strip().startswith("origin/"):
        return remote.strip().removeprefix("origin/")
    initial = session.run(
        "git", "config", "--get", "init.defaultBranch",
        silent=True, log=False, external=True, success_codes=[0, 1],
    )  # fmt: skip
    candidates = [initial.strip()] if isinstance(initial, str) and initial.strip() else []
    for name in [*candidates, "main", "master"]:
        if _branch_exists(session, name):
            return name
    return "main"


def _check_tree(session: nox.Session, plan: Plan) -> None:
    """Refuse anything but a clean tree on the release branch."""
    # git exits 128 outside a repository; that is an answer here, not a crash to log.
    inside = session.run(
        "git",
        "rev-parse",
        "--is-inside-work-tree",
        silent=True,
        log=False,
        external=True,
        success_codes=[0, 128],
    )
    if not (isinstance(inside, str) and inside.strip() == "true"):
        raise fail(session, "release refused: not a git checkout")
    branch = _git(session, "rev-parse", "--abbrev-ref", "HEAD").strip()
    wanted = release_branch(session, plan)
    if branch != wanted:
        how = (
            "[tool.noxkit.release] branch"
            if plan.config.settings.release.branch
            else "the repository's default branch; set [tool.noxkit.release] branch to change it"
        )
        msg = f"release refused: on branch {branch!r}, releases are made from {wanted!r} ({how})"
        raise fail(session, msg)
    dirty = [line[3:] for line in _git(session, "status", "--porcelain").splitlines() if line]
    if dirty:
        more = len(dirty) - _SHOWN
        shown = ", ".join(dirty[:_SHOWN]) + (f" and {more} more" if more > 0 else "")
        msg = f"release refused: the working tree is not clean ({shown}); commit or stash first"
        raise fail(session, msg)


def _release_date() -> str:
    # SOURCE_DATE_EPOCH makes the changelog reproducible (and tests deterministic).
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = (
        datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        if epoch
        else datetime.now(tz=timezone.utc)
    )
    return when.date().isoformat()


def plan_release(session: nox.Session, plan: Plan, args: Sequence[str] = ()) -> ReleasePlan:
    """Check the tree and branch, then compute the version, changelog section and tag.

    ``args``: ``--dry-run`` and an optional explicit version (which wins over the commits).
    """
    dry_run, explicit = _parse_args(session, args)
    settings = plan.config.settings.release
    _check_tree(session, plan)
    source = find_version_source(
        plan.config.root, plan.config.pyproject, plan.project.package_paths, settings.version_file
    )
    if source is None:
        msg = (
            "release: cannot tell where the version is kept; set [tool.noxkit.release] "
            "version-file to the file holding __version__"
        )
        raise fail(session, msg)
    if source.path is not None and not source.path.is_file():
        raise fail(session, f"release: version file {source.path} does not exist")
    last = _last_tag(session, settings.tag_format)
    changes, count = _changes(session, last[0] if last else None)
    current = last[1] if last else (read_version(source) or "0.0.0")
    since = f"since {last[0]}" if last else "in the whole history (no release tag yet)"
    if explicit is not None:
        try:
            # Before the first tag, the version in the files is not released yet: a project
            # may release it as it is (`-- 0.1.0` on a fresh project).
            first = last is None and Version(explicit) == Version(current)
            if Version(explicit) <= Version(current) and not first:
                released = f"{current} is already released ({last[0]})" if last else current
                msg = f"release: {explicit} is not newer than {released}; pass a newer version"
                raise fail(session, msg)
        except InvalidVersion:
            raise fail(session, f"release: {explicit!r} is not a valid version") from None
        version = explicit
    else:
        kind = bump(changes)
        if kind is None:
            msg = (
                f"release: nothing to release: no feat, fix, perf or breaking commit {since} "
                f"({count} commits); pass a version to release anyway (`-- 1.2.3`)"
            )
            raise fail(session, msg)
        version = next_version(current, kind)
    tag = settings.tag_format.format(version=version)
    if _git(session, "tag", "--list", tag).strip():
        raise fail(session, f"release refused: the tag {tag} already exists")
    release = ReleasePlan(
        previous_tag=last[0] if last else None,
        current=current,
        version=version,
        tag=tag,
        changes=tuple(changes),
        source=source,
        section=render_section(version, _release_date(), changes),
        dry_run=dry_run,
        gate=settings.gate if settings.gate is not None else _default_gate(plan),
    )
    _describe(session, plan, release, since, count)
    return release


def _describe(
    session: nox.Session, plan: Plan, release: ReleasePlan, since: str, count: int
) -> None:
    root = plan.config.root
    session.log(
        f"release: {release.current} -> {release.version} "
        f"({len(release.changes)} conventional of {count} commits {since})"
    )
    if release.source.path is None:
        session.log("version: derived from git tags; only the tag is created")
    else:
        where = "[project] version" if release.source.kind == "pyproject" else "__version__"
        session.log(f"version: {release.source.path.relative_to(root)} ({where})")
    session.log(f"changelog: {plan.config.settings.release.changelog}")
    for line in release.section.rstrip("\n").splitlines():
        session.log(f"  | {line}")
    session.log(f"tag: {release.tag}")
    gate = "; ".join(
        f"nox -s {' '.join(names)}" + (f" -- {' '.join(rest)}" if rest else "")
        for names, rest in _gate_runs(release.gate)
    )
    gate = gate or "none"
    session.log(f"gate: {gate}")


def release_gate(session: nox.Session, plan: Plan, release: ReleasePlan) -> None:
    """Run each gate session with nox, in order; the first failure refuses the release."""
    del plan
    for names, rest in _gate_runs(release.gate):
        if "release" in names:
            raise fail(session, "release refused: the gate cannot contain release itself")
        command = [sys.executable, "-m", "nox", "--non-interactive", "-s", *names]
        if rest:
            command += ["--", *rest]
        try:
            session.run(*command, external=True)
        except CommandFailed:
            shown = " ".join(names) + (f" -- {' '.join(rest)}" if rest else "")
            msg = f"release refused: the gate `nox -s {shown}` failed; nothing was written"
            raise fail(session, msg) from None


def _gate_runs(gate: Sequence[str]) -> list[tuple[list[str], list[str]]]:
    """The gate as nox runs: consecutive entries without posargs share one nox run.

    One run lets nox honour ``requires`` once: ``smoke`` requires ``build``, so ``build`` and
    ``smoke`` in two runs would build twice.
    """
    runs: list[tuple[list[str], list[str]]] = []
    for entry in gate:
        name, _, rest = entry.partition(" -- ")
        args = rest.split()
        if runs and not args and not runs[-1][1]:
            runs[-1][0].append(name.strip())
        else:
            runs.append(([name.strip()], args))
    return runs


def write_release(session: nox.Session, plan: Plan, release: ReleasePlan) -> None:
    """Write the version and the changelog, commit them, and create the annotated tag."""
    root = plan.config.root
    changed: list[str] = []
    if release.source.path is not None:
        release.source.path.write_text(
            write_version(release.source, release.version), encoding="utf-8"
        )
        changed.append(str(release.source.path.relative_to(root)))
    changelog = root / plan.config.settings.release.changelog
    old = changelog.read_text(encoding="utf-8") if changelog.is_file() else ""
    changelog.parent.mkdir(parents=True, exist_ok=True)
    changelog.write_text(insert_section(old, release.section), encoding="utf-8")
    changed.append(plan.config.settings.release.changelog)
    _git(session, "add", "--", *changed)
    _git(session, "commit", "--quiet", "-m", f"chore(release): {release.version}")
    _git(session, "tag", "-a", release.tag, "-m", f"Release {release.version}")
    branch = release_branch(session, plan)
    session.log(f"released {release.version}: committed {', '.join(changed)}, tagged {release.tag}")
    _drop_other_versions(session, plan, release.version)
    session.log(f"publish with: git push --follow-tags origin {branch}")


def _drop_other_versions(session: nox.Session, plan: Plan, version: str) -> None:
    """Remove the dist folder's artifacts of other versions: the gate built the old one.

    Left there, they sit next to the new tag and get uploaded by ``twine upload dist/*``.
    """
    dist = plan.config.root / plan.config.settings.build.dist_dir
    own = canonicalize_name(plan.project.name or "")
    if not dist.is_dir() or not own:
        return
    stale = [
        path
        for path in sorted(dist.iterdir())
        if artifact_project(path.name) == own
        and artifact_version(path.name) != str(Version(version))
    ]
    for path in stale:
        path.unlink()
    if stale:
        (dist / MANIFEST_NAME).unlink(missing_ok=True)
        names = ", ".join(p.name for p in stale)
        session.log(f"removed from {dist.name}/ what is not {version}: {names}")
    session.log(f"build {version}'s artifacts with: nox -s build")
