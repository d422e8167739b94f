"""The lockfile: what goes in (inputs and their digest), its format, and its validation. Pure.

The lock is one TOML file (``noxkit.lock``) holding, for every standard session (and each
install stage of one, such as ``smoke:typecheck``) and every dependency group, a *set* of exact
pins (``name==version ; marker``), and one table of hashes per pinned release. It is written
by the ``lock`` session (see :mod:`noxkit._session.lock`) from uv's universal resolver, and
installed with ``--require-hashes --no-deps`` by pip or uv.

Why not a PEP 751 ``pylock.toml``: uv writes pylock files without the per-group markers that
would say which packages belong to which session, so one pylock cannot serve several sessions;
and pip installs pylock files only since 26.x, experimentally, while the pip that a
``virtualenv`` or ``venv`` environment starts with may be older. Hashed requirements are read
by every pip since 8 and by uv. See docs/lock.md.

The lock also records its *inputs* (project dependencies, dependency groups, each session's
tool requirements, the Python range and the resolver settings) and their digest, so freshness
is checked by comparing files, with no network, and a stale lock can say what changed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nox.project import dependency_groups
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from noxkit._config.toml import load_toml
from noxkit._errors import ConfigError
from noxkit._formats.installer import INSTALLER_SETTINGS
from noxkit._util import SHA256_PREFIX, digest_json

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from pathlib import Path

    from noxkit._plan.plan import Plan

__all__ = [
    "FORMAT",
    "INSTALL_SETTINGS",
    "Lock",
    "describe_changes",
    "digest",
    "find_hash_mismatch",
    "installer_environment",
    "load_lock",
    "lock_inputs",
    "lock_sets",
    "lower_python",
    "normalise",
    "parse_compiled",
    "render_lock",
    "requirements_text",
    "stale_message",
]

FORMAT = 1
"""Version of the lock format; a change makes every older lock stale."""

RESOLVER = {"resolver": "uv pip compile", "universal": True, "resolution": "highest"}
"""Resolver settings that are part of the digest: changing them changes what a lock means."""

REFRESH = "nox -s lock"

# Installs from the lock drop these outer settings unless `[tool.noxkit.lock] allow-environment`
# names them; the fingerprint watches the same list.
INSTALL_SETTINGS = INSTALLER_SETTINGS

_HASH = re.compile(rf"^{SHA256_PREFIX}[0-9a-f]{{64}}$")
_LOWER_BOUND = re.compile(r"^(?:>=|==|~=)\s*(\d+)\.(\d+)")


def normalise(text: str) -> str:
    """One spelling per requirement, so case, spaces and specifier order change no digest."""
    req = Requirement(text)
    name = canonicalize_name(req.name)
    extras = "[" + ",".join(sorted(canonicalize_name(e) for e in req.extras)) + "]"
    out = name + (extras if req.extras else "") + str(req.specifier)
    if req.url:
        out += f" @ {req.url}"
    if req.marker:
        out += f" ; {req.marker}"
    return out


def _normalised(items: Iterable[str], project: str | None) -> list[str]:
    """Sorted, unique, normalised requirements, without the project itself (installed apart)."""
    out = {normalise(r) for r in items}
    if project:
        out = {r for r in out if canonicalize_name(Requirement(r).name) != project}
    return sorted(out)


def lower_python(plan: Plan) -> str:
    """The oldest Python the lock must serve: from ``requires-python``, else the plan's Pythons."""
    requires = plan.config.pyproject.get("project", {}).get("requires-python")
    if isinstance(requires, str):
        bounds = [m.groups() for s in requires.split(",") if (m := _LOWER_BOUND.match(s.strip()))]
        if bounds:
            major, minor = min((int(a), int(b)) for a, b in bounds)
            return f"{major}.{minor}"
    versions = [*plan.project.pythons]
    python = plan.config.settings.typecheck.python
    if python:
        versions.append(python)
    if not versions:
        return "3.10"
    return min(versions, key=lambda v: tuple(int(x) for x in v.split(".")[:2]))


def _project_name(plan: Plan) -> str | None:
    return canonicalize_name(plan.project.name) if plan.project.name else None


def lock_inputs(plan: Plan) -> dict[str, Any]:
    """Everything that decides the lock's content, normalised so equal inputs compare equal."""
    pyproject = plan.config.pyproject
    project_table = pyproject.get("project", {})
    own = _project_name(plan)
    optional = project_table.get("optional-dependencies", {}) or {}
    sessions = {n: s for n, s in plan.sessions.items() if n != "lock"}
    used_extras = sorted({e for s in sessions.values() if s.install_project for e in s.extras})
    groups = sorted(plan.project.dependency_groups)
    # A session's stages (`smoke:typecheck`) are sets of their own: installed after the
    # session's own set, without the project's dependencies.
    requirements = {n: s.requirements for n, s in sessions.items()}
    requirements |= {f"{n}:{t.name}": t.requirements for n, s in sessions.items() for t in s.stages}
    inputs: dict[str, Any] = {
        "requires-python": f">={lower_python(plan)}",
        "project": _normalised(project_table.get("dependencies", []) or [], own),
        "extras": {e: _normalised(optional.get(e, []) or [], own) for e in used_extras},
        "groups": {g: _normalised(dependency_groups(pyproject, g), own) for g in groups},
        "sessions": {n: _normalised(r, own) for n, r in sorted(requirements.items())},
        "install-project": sorted(n for n, s in sessions.items() if s.install_project),
    }
    exclude_newer = plan.config.settings.lock.exclude_newer
    if exclude_newer:
        inputs["exclude-newer"] = exclude_newer
    return inputs


def lock_sets(inputs: Mapping[str, Any]) -> dict[str, list[str]]:
    """What each set of the lock is resolved from: sessions (with the project's deps) and groups."""
    sets: dict[str, list[str]] = {}
    for name, requirements in inputs["sessions"].items():
        reqs = set(requirements)
        if name in inputs["install-project"]:
            reqs.update(inputs["project"])
            for extra in inputs["extras"].values():
                reqs.update(extra)
        sets[name] = sorted(reqs)
    for group, requirements in inputs["groups"].items():
        sets[f"group:{group}"] = list(requirements)
    return sets


def digest(inputs: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the inputs, the format and the resolver settings."""
    payload = {"format": FORMAT, "resolver": RESOLVER, "inputs": inputs}
    return digest_json(payload)


def _list_change(old: Iterable[str], new: Iterable[str]) -> str:
    removed = sorted(set(old) - set(new))
    added = sorted(set(new) - set(old))
    return ", ".join([*(f"-{r}" for r in removed), *(f"+{a}" for a in added)])


def _table_change(label: str, key: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    if key not in old:
        return f"{label} `{key}` added"
    if key not in new:
        return f"{label} `{key}` removed"
    if sorted(old[key]) != sorted(new[key]):
        return f"{label} `{key}` changed: {_list_change(old[key], new[key])}"
    return ""


def _table_changes(label: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    changes = (_table_change(label, key, old, new) for key in sorted(set(old) | set(new)))
    return [c for c in changes if c]


def describe_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """What differs between the recorded inputs and today's, one phrase per change."""
    out = [
        f"{key} changed: {old.get(key) or 'none'} -> {new.get(key) or 'none'}"
        for key in ("requires-python", "exclude-newer")
        if old.get(key) != new.get(key)
    ]
    if sorted(old.get("project", [])) != sorted(new.get("project", [])):
        changed = _list_change(old.get("project", []), new.get("project", []))
        out.append(f"project dependencies changed: {changed}")
    out.extend(_table_changes("extra", old.get("extras", {}), new.get("extras", {})))
    out.extend(_table_changes("dependency group", old.get("groups", {}), new.get("groups", {})))
    out.extend(_table_changes("session", old.get("sessions", {}), new.get("sessions", {})))
    if sorted(old.get("install-project", [])) != sorted(new.get("install-project", [])):
        changed = _list_change(old.get("install-project", []), new.get("install-project", []))
        out.append(f"sessions installing the project changed: {changed}")
    return out


def stale_message(path: str, changes: list[str], *, check_only: bool = False) -> str:
    """The one line that ``lock --check`` and a session print for a stale lock.

    With ``[tool.noxkit.lock] check = true``, ``nox -s lock`` only checks again, so the
    command that refreshes the lock turns that setting off for one run.
    """
    what = "; ".join(changes) or "the lock format or resolver settings changed"
    refresh = f"NOXKIT_SET=lock.check=false {REFRESH}" if check_only else REFRESH
    return f"{path} is stale: {what}. Refresh it with `{refresh}` and commit it"


@dataclass(frozen=True)
class Lock:
    """A parsed and validated lockfile."""

    path: Path
    digest: str
    inputs: dict[str, Any]
    sets: dict[str, tuple[str, ...]]
    hashes: dict[tuple[str, str], tuple[str, ...]]
    """(canonical name, version) -> ``sha256:...`` hashes of every file of that release."""

    def entries(self, names: Iterable[str]) -> list[str]:
        """The union of several sets, sorted (one environment from several sessions)."""
        return sorted({e for n in names for e in self.sets.get(n, ())})


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return None


def pin_of(entry: str) -> tuple[str, str] | None:
    """``(name, version)`` of an exact pin ``name==version [; marker]``; None otherwise."""
    try:
        req = Requirement(entry)
    except InvalidRequirement:
        return None
    specs = list(req.specifier)
    if req.url or len(specs) != 1 or specs[0].operator != "==" or "*" in specs[0].version:
        return None
    try:
        version = str(Version(specs[0].version))
    except InvalidVersion:
        return None
    return canonicalize_name(req.name), version


def _load_hashes(
    packages: list[Any], bad: Callable[..., ConfigError]
) -> dict[tuple[str, str], tuple[str, ...]]:
    hashes: dict[tuple[str, str], tuple[str, ...]] = {}
    for package in packages:
        name, version = package.get("name"), package.get("version")
        found = package.get("hashes")
        if not isinstance(name, str) or not isinstance(version, str):
            raise bad("a [[package]] lacks a name or version", "[[package]]")
        label = f"{name}=={version}"
        if not isinstance(found, list) or not found:
            raise bad(f"package {label} has no hashes", f'name = "{name}"')
        for value in found:
            if not isinstance(value, str) or not _HASH.match(value):
                raise bad(f"package {label} has a malformed hash {value!r}", str(value))
        hashes[(canonicalize_name(name), str(Version(version)))] = tuple(found)
    return hashes


def _load_sets(
    sets: dict[str, Any],
    hashes: Mapping[tuple[str, str], tuple[str, ...]],
    bad: Callable[..., ConfigError],
) -> dict[str, tuple[str, ...]]:
    parsed: dict[str, tuple[str, ...]] = {}
    for set_name, entries in sets.items():
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise bad(f"set {set_name!r} must be a list of strings", set_name)
        for entry in entries:
            pin = pin_of(entry)
            if pin is None:
                raise bad(
                    f"entry {entry!r} of set {set_name!r} is not pinned (name==version)", entry
                )
            if pin not in hashes:
                raise bad(f"entry {entry!r} of set {set_name!r} has no hashes", entry)
        parsed[set_name] = tuple(entries)
    return parsed


def load_lock(path: Path) -> Lock:
    """Read and validate a lockfile; :class:`ConfigError` (path and line) on anything wrong.

    Unpinned or hashless entries are refused here, before anything is installed.
    """
    data = load_toml(path)
    text = path.read_text(encoding="utf-8")

    def bad(message: str, needle: str | None = None) -> ConfigError:
        line = _line_of(text, json.dumps(needle)[1:-1]) if needle else None
        # Every session refuses a broken lock when the noxfile loads, `lock` too: hence delete.
        hint = f"; restore it from version control, or delete it and run `{REFRESH}`"
        return ConfigError(message + hint, path=str(path), line=line)

    if data.get("version") != FORMAT:
        raise bad(f"unsupported lock format version {data.get('version')!r} (expected {FORMAT})")
    lock_digest = data.get("digest")
    inputs = data.get("inputs")
    sets = data.get("sets")
    packages = data.get("package", [])
    if not isinstance(lock_digest, str) or not isinstance(inputs, dict):
        raise bad("missing `digest` or [inputs]")
    if not isinstance(sets, dict) or not isinstance(packages, list):
        raise bad("missing [sets] or [[package]] tables")
    hashes = _load_hashes(packages, bad)
    parsed_sets = _load_sets(sets, hashes, bad)
    return Lock(path=path, digest=lock_digest, inputs=inputs, sets=parsed_sets, hashes=hashes)


def parse_compiled(text: str) -> dict[str, tuple[str, ...]]:
    """Parse ``uv pip compile --generate-hashes`` output: ``{entry: hashes}``.

    Entries are normalised pins ``name==version [; marker]``; anything unpinned or hashless
    (a URL or path requirement) is refused by name, since it cannot be verified later.
    """
    logical: list[str] = []
    current = ""
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    if current.strip():
        logical.append(current)
    out: dict[str, tuple[str, ...]] = {}
    for line in logical:
        requirement, *options = line.split(" --hash=")
        requirement = requirement.strip()
        if requirement.startswith("-"):
            continue  # index options such as --index-url, never emitted with our flags
        if pin_of(requirement) is None or not options:
            msg = f"cannot lock {requirement!r}: only index releases (name==version, hashed) lock"
            raise ConfigError(msg)
        out[normalise(requirement)] = tuple(sorted(o.strip() for o in options))
    return out


def _toml_list(items: Iterable[str], indent: str = "") -> str:
    values = list(items)
    if not values:
        return "[]"
    body = "".join(f"{indent}    {json.dumps(v)},\n" for v in values)
    return f"[\n{body}{indent}]"


def render_lock(
    inputs: Mapping[str, Any], sets: Mapping[str, Mapping[str, tuple[str, ...]]]
) -> str:
    """The lockfile text: sorted everywhere, no timestamps, no paths, so it is byte-stable."""
    lines = [
        "# noxkit lockfile, written by `nox -s lock`: do not edit by hand.",
        "# Check: nox -s lock -- --check    Upgrade: nox -s lock -- --upgrade",
        f"version = {FORMAT}",
        f"digest = {json.dumps(digest(inputs))}",
        "",
        "[inputs]",
    ]
    scalars = [k for k in sorted(inputs) if isinstance(inputs[k], str)]
    lists = [k for k in sorted(inputs) if isinstance(inputs[k], list)]
    tables = [k for k in sorted(inputs) if isinstance(inputs[k], dict)]
    lines.extend(f"{k} = {json.dumps(inputs[k])}" for k in scalars)
    lines.extend(f"{k} = {_toml_list(inputs[k])}" for k in lists)
    for key in tables:
        lines.extend(["", f"[inputs.{key}]"])
        lines.extend(f"{json.dumps(n)} = {_toml_list(v)}" for n, v in sorted(inputs[key].items()))
    lines.extend(["", "[sets]"])
    hashes: dict[tuple[str, str], set[str]] = {}
    for name in sorted(sets):
        lines.append(f"{json.dumps(name)} = {_toml_list(sorted(sets[name]))}")
        for entry, found in sets[name].items():
            pin = pin_of(entry)
            if pin is not None:
                hashes.setdefault(pin, set()).update(found)
    for name, version in sorted(hashes, key=lambda p: (p[0], Version(p[1]))):
        lines.extend(
            [
                "",
                "[[package]]",
                f"name = {json.dumps(name)}",
                f"version = {json.dumps(version)}",
                f"hashes = {_toml_list(sorted(hashes[(name, version)]))}",
            ]
        )
    return "\n".join(lines) + "\n"


def requirements_text(lock: Lock, names: Iterable[str]) -> str:
    """A ``--require-hashes`` requirements file of the union of the named sets."""
    out = []
    for entry in lock.entries(names):
        pin = pin_of(entry)
        assert pin is not None  # noqa: S101 - load_lock refused unpinned entries
        hashes = " ".join(f"--hash={h}" for h in lock.hashes[pin])
        out.append(f"{entry} {hashes}")
    return "\n".join(out) + "\n"


def installer_environment(
    environ: Mapping[str, str], allowed: Iterable[str]
) -> tuple[dict[str, str | None], list[str], list[str]]:
    """Environment overrides for installs from the lock, and what was ignored or honoured.

    Returns ``(overrides, ignored, honoured)``: overrides map ignored names to None (nox drops
    them) and turn off uv's config files, whose index settings would bypass the same rule.
    """
    allow = set(allowed)
    present = [n for n in INSTALL_SETTINGS if n in environ]
    ignored = [n for n in present if n not in allow]
    honoured = [n for n in present if n in allow]
    overrides: dict[str, str | None] = dict.fromkeys(ignored)
    if "UV_NO_CONFIG" not in allow:
        overrides["UV_NO_CONFIG"] = "1"
    return overrides, ignored, honoured


_UV_MISMATCH = re.compile(
    r"Hash mismatch for `(?P<pkg>[^`]+)`.*?Expected:\s*(?P<expected>(?:\s*\S+:\S+)+)\s*"
    r"Computed:\s*(?P<got>\S+)",
    re.DOTALL,
)
_PIP_MISMATCH = re.compile(
    r"^\s*(?P<pkg>\S+==\S+) from .*?\n(?P<body>(?:\s+(?:Expected|Got)\s.*\n?)+)", re.MULTILINE
)


_SHOWN = 3


def _mismatch(package: str, expected: list[str], got: str) -> str:
    more = len(expected) - _SHOWN
    shown = ", ".join(expected[:_SHOWN]) + (f" (+{more} more)" if more > 0 else "")
    return f"{package}: the download has {got}, the lock has {shown}"


def find_hash_mismatch(output: str) -> str | None:
    """``pkg: download has X, lock has Y`` from uv's or pip's hash-mismatch report, if any."""
    match = _UV_MISMATCH.search(output)
    if match:
        return _mismatch(match["pkg"], match["expected"].split(), match["got"])
    match = _PIP_MISMATCH.search(output)
    if match:
        body = match.group("body")
        expected = re.findall(r"Expected\s+(?:or\s+)?(?:sha256\s+)?([0-9a-f]{64})", body)
        got = re.findall(r"Got\s+([0-9a-f]{64})", body)
        return _mismatch(
            match["pkg"],
            [SHA256_PREFIX + e for e in expected],
            ", ".join(SHA256_PREFIX + g for g in got),
        )
    return None


def stale_changes(plan: Plan, lock: Lock) -> list[str] | None:
    """None when the lock matches today's inputs, else what changed (maybe nothing nameable)."""
    current = lock_inputs(plan)
    if digest(current) == lock.digest:
        return None
    return describe_changes(lock.inputs, current)


def header_lines(plan: Plan, environ: Mapping[str, str]) -> list[str]:
    """The lock's lines of the version header: digest, freshness, and the outer settings rule."""
    path = plan.lockfile
    label = plan.config.settings.lock.path
    if not path.is_file():
        return [f"lock: none ({label} absent; installs resolve when they run)"]
    try:
        lock = load_lock(path)
    except ConfigError as exc:
        return [f"lock: unreadable ({exc})"]
    state = "fresh" if stale_changes(plan, lock) is None else "STALE"
    lines = [f"lock: {label} {lock.digest} ({state})"]
    _, ignored, honoured = installer_environment(
        environ, plan.config.settings.lock.allow_environment
    )
    if ignored:
        lines.append(f"lock installs ignore outer settings: {', '.join(ignored)}")
    if honoured:
        lines.append(
            "lock installs honour outer settings ([tool.noxkit.lock] allow-environment): "
            + ", ".join(honoured)
        )
    return lines
