"""``[tool.noxkit]``: the schema, strict validation, layering, and the frozen result.

The schema *is* the dataclasses below: each field carries its TOML name, its kind, its default
and a one-line doc in its metadata. Validation, ``did you mean`` suggestions, ``noxkit doctor``
and the configuration reference in ``docs/`` are all derived from it, so a key cannot exist
without being validated and documented. Pure: no nox, no subprocess.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, get_args

if TYPE_CHECKING:
    from collections.abc import Mapping

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from noxkit._config.profiles import Profile, load_profile
from noxkit._config.toml import load_toml, tomllib
from noxkit._config.values import Value, record
from noxkit._errors import ConfigError
from noxkit._util import closest

__all__ = [
    "BuildConfig",
    "Config",
    "CoverageConfig",
    "CoverageCore",
    "DocsConfig",
    "EnvsConfig",
    "Layer",
    "LintConfig",
    "LockConfig",
    "ReleaseConfig",
    "ReportConfig",
    "Settings",
    "SmokeConfig",
    "TestsConfig",
    "ToolsConfig",
    "TypecheckConfig",
    "command_line_layer",
    "iter_keys",
    "load_config",
    "resolve_settings",
]

Kind: TypeAlias = Literal[
    "string",
    "integer",
    "boolean",
    "number",
    "string list",
    "string or string list",
    "requirement list",
    "version specifier",
    "table",
]

# The choice settings. Each field is annotated with its Literal and declares it with
# `choices=`; validation, doctor and the reference take the allowed values from the Literal.
Reuse: TypeAlias = Literal["flag", "fingerprint"]
WhenBusy: TypeAlias = Literal["wait", "fail"]
Reproducible: TypeAlias = Literal["warn", "fail", "off"]
CompileBytecode: TypeAlias = Literal["auto", "always", "never"]
Prefill: TypeAlias = Literal["auto", "never"]
OnStale: TypeAlias = Literal["auto", "refresh", "error", "warn"]
DownloadPython: TypeAlias = Literal["never", "auto", "always"]
CoverageCore: TypeAlias = Literal["auto", "sysmon", "ctrace"]
"""How `tests` measures: coverage.py's sys.monitoring core, its C tracer, or noxkit's choice."""
VenvBackend: TypeAlias = Literal[
    "uv", "virtualenv", "venv", "conda", "mamba", "micromamba", "rattler", "none"
]
"""nox's environment backends; `venv-backend` lists one or more, separated by `|`."""

_EXPECTED = {
    "string": "a string",
    "integer": "an integer",
    "boolean": "a boolean (true or false)",
    "number": "a number",
    "string list": "a list of strings",
    "string or string list": "a string or a list of strings",
    "requirement list": "a list of requirement strings (like 'types-requests>=2')",
    "version specifier": "a version specifier string (like '==0.17.6' or '>=1.10')",
    "table": "a table",
}


def _key(
    default: Any,
    kind: Kind,
    doc: str,
    example: str,
    *,
    minimum: float | None = None,
    choices: Any = None,
    alternatives: bool = False,
    path: Literal["file", "folder"] | None = None,
) -> Any:
    """Declare one configuration key: its default, kind, a doc line and an example value.

    ``choices`` (a ``Literal``) restricts a string key to its values, validated like every
    other kind; with ``alternatives`` the value is one or more of them joined by ``|``.
    ``path`` marks a string that names a file or a folder: it is checked at load time, so a
    value like ``"/"`` for a file fails here with one line instead of when it is written.
    """
    allowed = get_args(choices) if choices is not None else None
    meta = {
        "kind": kind, "doc": doc, "example": example, "minimum": minimum, "choices": allowed,
        "alternatives": alternatives, "path": path,
    }  # fmt: skip
    return field(default=default, metadata=meta)


def _table(cls: type[Any], doc: str) -> Any:
    """Declare a sub-table (``[tool.noxkit.<name>]``) holding the keys of ``cls``."""
    meta = {"kind": "table", "doc": doc, "example": "", "cls": cls}
    return field(default_factory=cls, metadata=meta)


@record
class ToolsConfig(Value):
    """Version specifiers of the tools noxkit installs into session environments."""

    ruff: str = _key(">=0.6", "version specifier", "ruff, for `lint` and `fmt`.", '"==0.17.6"')
    mypy: str = _key(">=1.10", "version specifier", "mypy, for `typecheck`.", '">=1.10"')
    pytest: str = _key(">=8", "version specifier", "pytest, for `tests`.", '">=8,<10"')
    coverage: str = _key(
        ">=7.10",
        "version specifier",
        "coverage.py, for `tests` and `coverage` (7.10 or newer measures subprocesses).",
        '">=7.10"',
    )
    twine: str = _key(">=6", "version specifier", "twine, for `twine check` in `build`.", '">=6.1"')
    build: str = _key(
        ">=1.2",
        "version specifier",
        "pypa/build, the frontend of `build` when uv is not the environment backend.",
        '">=1.2"',
    )


@record
class LintConfig(Value):
    """The `lint` and `fmt` sessions."""

    paths: tuple[str, ...] = _key(
        (".",),
        "string list",
        "What ruff checks and formats (ruff's own excludes apply).",
        '["src", "tests"]',
    )
    format: bool = _key(True, "boolean", "Also run `ruff format --check` in `lint`.", "false")


@record
class TypecheckConfig(Value):
    """The `typecheck` session."""

    paths: tuple[str, ...] | None = _key(
        None,
        "string list",
        "What mypy checks. Default: the package's folder(s), found from the project layout.",
        '["src", "tests"]',
    )
    deps: tuple[str, ...] = _key(
        (), "requirement list", "Extra requirements, such as stub packages.", '["types-requests"]'
    )
    args: tuple[str, ...] = _key(
        (), "string list", "Extra mypy arguments, before any posargs.", '["--warn-unused-ignores"]'
    )
    python: str | None = _key(
        None,
        "string",
        "Python to run mypy with. Default: the Python that runs nox.",
        '"3.12"',
    )


@record
class TestsConfig(Value):
    """The `tests` session (one run per configured Python)."""

    maxfail: int = _key(
        1, "integer", "Stop after this many failures; 0 runs every test.", "3", minimum=0
    )
    allow_no_tests: bool = _key(
        False,
        "boolean",
        'Let a run that collected no test pass (pytest exit code 5, "no tests ran").',
        "true",
    )
    groups: tuple[str, ...] | None = _key(
        None,
        "string list",
        "PEP 735 dependency groups to install. Default: `test`, else `tests`, when defined.",
        '["test", "integration"]',
    )
    extras: tuple[str, ...] | None = _key(
        None,
        "string list",
        "Extras of the project to install. Default: `test`, else `tests`, when no group matched.",
        '["testing"]',
    )
    deps: tuple[str, ...] = _key(
        (), "requirement list", "Extra requirements of the test environment.", '["pytest-xdist"]'
    )
    args: tuple[str, ...] = _key(
        (), "string list", "Extra pytest arguments, before any posargs.", '["-q", "tests/unit"]'
    )
    durations_file: str = _key(
        ".noxkit-durations.json",
        "string",
        "Recorded test durations that balance shards (`--shard K/N`), relative to the project; "
        "refresh with `nox -s tests -- --store-durations` and commit it.",
        '"tests/durations.json"',
        path="file",
    )


@record
class CoverageConfig(Value):
    """The `coverage` session, and how `tests` measures."""

    fail_under: float | None = _key(
        None,
        "number",
        "Fail when total coverage is below this percentage.",
        "90",
        minimum=0,
    )
    xml: bool | None = _key(
        None,
        "boolean",
        "Write `coverage.xml` into the output folder. Default: in CI (for the tools that read "
        "it); locally when asked, `nox -s coverage --no-dependencies -- --xml`.",
        "true",
    )
    html: bool | None = _key(
        None,
        "boolean",
        "Write an HTML report into the output folder. Default: in CI (an artifact to browse); "
        "locally when asked, `nox -s coverage --no-dependencies -- --html` (from the last "
        "run's data).",
        "true",
    )
    subprocess: bool = _key(
        True,
        "boolean",
        "Measure Python subprocesses started by the tests too.",
        "false",
    )
    core: CoverageCore = _key(
        "auto",
        "string",
        "What measures: `auto` picks coverage.py's sys.monitoring core wherever it measures "
        "exactly what the C tracer does (CPython 3.12+, coverage.py 7.4+, no plugin, no dynamic "
        "context, no greenlet/eventlet/gevent; branch coverage only from Python 3.14), else "
        "the C tracer; `sysmon` also with plugins (that trace no files); `ctrace` always the C "
        "tracer.",
        '"ctrace"',
        choices=CoverageCore,
    )
    measure: str = _key(
        "auto",
        "string",
        "Which Pythons of the `tests` matrix measure; the others run plain pytest. `all`; "
        "`one` (the newest where sys.monitoring measures, else the newest); a version "
        '(`"3.12"`); `auto`: all in CI, and locally every Python where sys.monitoring '
        "measures, else `one`.",
        '"all"',
    )


_COMPILED = ("*.so", "*.pyd", "*.dylib", "*.dll", "*.c", "*.cpp", "*.h", "*.pyx", "*.pxd")


@record
class BuildConfig(Value):
    """The `build` session."""

    dist_dir: str = _key(
        "dist",
        "string",
        "Where the sdist, the wheel and `SHA256SUMS` are written.",
        '"artifacts"',
        path="folder",
    )
    build_from_sdist: bool = _key(
        False,
        "boolean",
        "Build the wheel from the sdist (proves the sdist is complete) instead of the tree.",
        "true",
    )
    parity_ignore: tuple[str, ...] = _key(
        _COMPILED,
        "string list",
        "Glob patterns left out of the sdist/wheel parity check. Default: compiled "
        "extensions and their sources.",
        '["*.so", "pkg/_version.py"]',
    )
    twine_strict: bool = _key(
        False,
        "boolean",
        "Run `twine check --strict`: also fail on warnings, such as a missing long description "
        "(PyPI accepts one). Default: false; noxkit still says when the README is missing.",
        "true",
    )
    reproducible: Reproducible = _key(
        "warn",
        "string",
        "Build the sdist and wheel a second time (a copy of the tree at another path, another "
        "umask) and compare them byte for byte: `warn` names what differs, `fail` also fails "
        "the session, `off` skips the second build (it roughly doubles the build time).",
        '"fail"',
        choices=Reproducible,
    )


@record
class SmokeConfig(Value):
    """The `smoke` session."""

    requires_build: bool = _key(
        True,
        "boolean",
        "Run `build` first (nox `requires`). false: reuse the artifacts in the dist folder, "
        "verified against `SHA256SUMS` (CI jobs that download them).",
        "false",
    )
    commands: tuple[str, ...] | None = _key(
        None,
        "string list",
        "Commands to run against the installed wheel. Default: every console script, "
        "with `entry-point-args`.",
        '["mycli --version"]',
    )
    entry_point_args: tuple[str, ...] = _key(
        ("--help",),
        "string list",
        "Arguments each console script runs with by default; [] only resolves them.",
        '["--version"]',
    )
    skip_imports: tuple[str, ...] = _key(
        (),
        "string list",
        "Modules smoke does not import (globs on dotted names), such as those needing an "
        "optional dependency; every other module the wheel ships is imported.",
        '["mypkg.contrib.*"]',
    )
    typecheck: bool = _key(
        True,
        "boolean",
        "Where the wheel ships `py.typed`, check that mypy sees the installed package's types.",
        "false",
    )
    tests: bool = _key(
        False,
        "boolean",
        "Also run the test suite against the installed wheel, with the source folder hidden.",
        "true",
    )
    test_paths: tuple[str, ...] = _key(
        ("tests",),
        "string list",
        "Folders (or files) of the test suite copied next to the installed wheel for `tests`.",
        '["tests/unit"]',
    )
    sdist: bool = _key(
        False,
        "boolean",
        "Also install the sdist into a fresh environment and run the same checks.",
        "true",
    )


@record
class LockConfig(Value):
    """The `lock` session and installs from the lockfile (see docs/lock.md)."""

    path: str = _key(
        "noxkit.lock",
        "string",
        "The lockfile, relative to the project. Sessions install from it when it exists.",
        '"locks/noxkit.lock"',
        path="file",
    )
    check: bool = _key(
        False,
        "boolean",
        "Make `nox -s lock` only check freshness (as `-- --check` does): for CI.",
        "true",
    )
    on_stale: OnStale = _key(
        "auto",
        "string",
        'What a session does with a stale lock: `"refresh"` re-resolves it first (one line, '
        'as `uv run` does), `"error"` fails the session, `"warn"` installs from it anyway; '
        '`"auto"` refreshes locally and fails in CI, where a stale lock is a commit to fix.',
        '"error"',
        choices=OnStale,
    )
    exclude_newer: str | None = _key(
        None,
        "string",
        'Ignore releases uploaded after this date (RFC 3339), or younger than `"N days"`.',
        '"2025-06-01"',
    )
    allow_environment: tuple[str, ...] = _key(
        (),
        "string list",
        "Outer installer settings (like `PIP_INDEX_URL`) honoured by installs from the lock; "
        "the others are ignored.",
        '["PIP_INDEX_URL", "UV_INDEX_URL"]',
    )
    uv: str = _key(
        ">=0.9",
        "version specifier",
        "uv, installed into the `lock` session to resolve.",
        '"==0.13.9"',
    )


@record
class DocsConfig(Value):
    """The `docs` session (see docs/docs.md)."""

    output_dir: str | None = _key(
        None,
        "string",
        "Where the site is built, relative to the project. Default: `site` for MkDocs, "
        "`docs/_build/html` for Sphinx.",
        '"build/site"',
        path="folder",
    )
    config: str | None = _key(
        None,
        "string",
        "The docs configuration: an `mkdocs.yml` or a Sphinx `conf.py`. Default: `mkdocs.yml`, "
        "`mkdocs.yaml`, `docs/conf.py`, `docs/source/conf.py` or `conf.py`, the first found.",
        '"docs/mkdocs.yml"',
        path="file",
    )
    groups: tuple[str, ...] | None = _key(
        None,
        "string list",
        "PEP 735 dependency groups to install. Default: `docs` when defined.",
        '["docs"]',
    )
    deps: tuple[str, ...] = _key(
        (),
        "requirement list",
        "Extra requirements. With no group and no deps: `mkdocs` or `sphinx` alone.",
        '["mkdocs-material", "mkdocstrings[python]"]',
    )
    install_project: bool = _key(
        True,
        "boolean",
        "Install the project (not editable) so API pages can import it.",
        "false",
    )


@record
class EnvsConfig(Value):
    """Session environments: fingerprinted reuse and the lock on each environment folder."""

    reuse: Reuse = _key(
        "fingerprint",
        "string",
        'When environments are reused: `"fingerprint"` by default outside CI (CI always starts '
        'fresh); `"flag"` only with `nox -r`/`-R`/`--reuse-venv=yes`. A reused environment '
        "always has a matching stamp.",
        '"flag"',
        choices=Reuse,
    )
    when_busy: WhenBusy = _key(
        "wait",
        "string",
        "When another run holds an environment folder (its lock): `wait` for it, or `fail` at "
        "once.",
        '"fail"',
        choices=WhenBusy,
    )
    download_python: DownloadPython = _key(
        "never",
        "string",
        "Whether a missing Python is downloaded (nox's `--download-python`, which wins): "
        "`never` skips its sessions at once with the reason, as an offline machine expects; "
        "`auto` lets the backend fetch it; `always` uses a downloaded one.",
        '"auto"',
        choices=DownloadPython,
    )
    compile_bytecode: CompileBytecode = _key(
        "auto",
        "string",
        "Bytecode of environments: `auto` compiles the `tests`, `coverage` and `docs` "
        "environments filled ahead in the background, and lets tools cache what they import "
        "inside a reused environment even under PYTHONDONTWRITEBYTECODE; `always` compiles "
        "everything at install; `never` leaves Python's settings alone.",
        '"always"',
        choices=CompileBytecode,
    )
    isolate: bool = _key(
        False,
        "boolean",
        "Allow-list mode, like tox's `pass_env`: the tools of a session see only a built-in "
        "set of outer variables (PATH, HOME, locale, temporary folders, proxies and CAs, "
        "Python and installer settings, CI provider variables) plus `pass-env`; every other "
        "one is withheld and named (never its value) in the header. Off by default, so a "
        "local run behaves like plain nox; the generated CI workflows turn it on.",
        "true",
    )
    pass_env: tuple[str, ...] = _key(
        (),
        "string list",
        "Outer variables passed through in allow-list mode besides the built-in set: names, "
        "or globs (`MYAPP_*`). A glob never passes a secret-looking name; name it exactly.",
        '["DATABASE_URL", "MYAPP_*"]',
    )
    prefill: Prefill = _key(
        "auto",
        "string",
        "`auto`: from the first session's start, fill the environments of the sessions nox "
        "runs after it in the same process, in the background (locked and stamped like any "
        "other; from the lockfile while it is fresh); `never`: each session fills its own when "
        "it starts.",
        '"never"',
        choices=Prefill,
    )


@record
class ReleaseConfig(Value):
    """The `release` session (see docs/release.md)."""

    branch: str | None = _key(
        None,
        "string",
        "The only branch a release is made from. Default: the repository's default branch "
        "(the remote's HEAD, else `init.defaultBranch` when it exists, else `main` or `master`).",
        '"trunk"',
    )
    tag_format: str = _key(
        "v{version}", "string", "The tag name; `{version}` is replaced.", '"release-{version}"'
    )
    changelog: str = _key(
        "CHANGELOG.md",
        "string",
        "The changelog the new section is written into (created when missing).",
        '"docs/changelog.md"',
        path="file",
    )
    version_file: str | None = _key(
        None,
        "string",
        'The file holding `__version__ = "..."`. Default: `[project] version` when static, '
        "else the file the build backend reads; a VCS-derived version is only tagged.",
        '"src/pkg/_version.py"',
        path="file",
    )
    gate: tuple[str, ...] | None = _key(
        None,
        "string list",
        "nox sessions that must pass before anything is written (`name` or `name -- args`). "
        "Default: `lock -- --check` when a lockfile exists, then `build` and `smoke`.",
        '["tests", "build", "smoke"]',
    )


@record
class CiConfig(Value):
    """What `noxkit ci github|gitlab` generates beyond the default sessions."""

    extra_sessions: tuple[str, ...] = _key(
        (),
        "string list",
        "Sessions that are not run by default but get a CI job too (`smoke` runs `build` first).",
        '["smoke", "docs"]',
    )


@record
class ReportConfig(Value):
    """The run report: the summary table at the end of a run and its JSON twin."""

    json: str = _key(
        "",
        "string",
        "Where the JSON run report is written, relative to the project. "
        "Default: `run-report.json` in the output folder.",
        '"build/run-report.json"',
        path="file",
    )
    summary: bool = _key(True, "boolean", "Print the summary table when the run ends.", "false")
    history: int = _key(
        100,
        "integer",
        "How many runs `history.jsonl` in the output folder keeps (per session: durations, "
        "environment, Python, artifacts); `0` keeps none.",
        "500",
        minimum=0,
    )
    html: bool = _key(
        True,
        "boolean",
        "Write `report.html` (timeline, trends, reproducibility) into the output folder.",
        "false",
    )


@record
class Settings(Value):
    """``[tool.noxkit]``: every value after validation and layering."""

    profile: str | None = _key(
        None,
        "string",
        "A team profile (from the `noxkit.profiles` entry points) whose values sit below this "
        "table's.",
        '"acme"',
    )
    python: tuple[str, ...] | None = _key(
        None,
        "string or string list",
        "Pythons of the `tests` matrix. Default: from the trove classifiers, else the oldest "
        "Python `requires-python` allows (never the Python that runs nox).",
        '["3.11", "3.12", "3.13"]',
    )
    package: tuple[str, ...] | None = _key(
        None,
        "string or string list",
        "Import name(s) of the project's package(s). Default: found from the metadata and layout.",
        '"acme_widgets"',
    )
    skip: tuple[str, ...] = _key((), "string list", "Standard sessions not to register.", '["fmt"]')
    allow_all_skipped: bool = _key(
        False,
        "boolean",
        "Let a run in which every session was skipped (missing Pythons, `session.skip()`) exit "
        "0. By default it exits 1: such a run verified nothing.",
        "true",
    )
    venv_backend: str = _key(
        "uv|virtualenv",
        "string",
        "nox virtual environment backend(s), in order of preference.",
        '"virtualenv"',
        choices=VenvBackend,
        alternatives=True,
    )
    editable: bool = _key(
        True,
        "boolean",
        "Install the project in editable mode in `typecheck` and `tests`.",
        "false",
    )
    output_dir: str = _key(
        ".nox/noxkit",
        "string",
        "Where coverage data, JUnit XML and reports are written, relative to the project.",
        '"build/reports"',
        path="folder",
    )
    tools: ToolsConfig = _table(ToolsConfig, "Tool versions.")
    lint: LintConfig = _table(LintConfig, "The `lint` and `fmt` sessions.")
    typecheck: TypecheckConfig = _table(TypecheckConfig, "The `typecheck` session.")
    tests: TestsConfig = _table(TestsConfig, "The `tests` session.")
    coverage: CoverageConfig = _table(CoverageConfig, "The `coverage` session.")
    build: BuildConfig = _table(BuildConfig, "The `build` session.")
    smoke: SmokeConfig = _table(SmokeConfig, "The `smoke` session.")
    lock: LockConfig = _table(LockConfig, "The lockfile and the `lock` session.")
    docs: DocsConfig = _table(DocsConfig, "The `docs` session.")
    release: ReleaseConfig = _table(ReleaseConfig, "The `release` session.")
    ci: CiConfig = _table(CiConfig, "Generated CI configuration (`noxkit ci`).")
    envs: EnvsConfig = _table(EnvsConfig, "Environment reuse and locks.")
    report: ReportConfig = _table(ReportConfig, "The run report.")


@record
class Layer(Value):
    """One source of configuration values, lowest precedence first when layered.

    ``values`` is the raw table as read (``[tool.noxkit]``); ``label`` names the layer in
    messages and in ``noxkit doctor`` (``pyproject.toml``, ``profile acme``...).
    """

    label: str
    values: dict[str, Any]
    path: str | None = None


@record
class Config(Value):
    """The validated configuration of one project."""

    root: Path
    pyproject: dict[str, Any]
    settings: Settings
    origins: dict[str, str] = field(default_factory=dict)
    """Dotted key (``tests.maxfail``) -> label of the layer that set it; absent means default."""
    profile: Profile | None = None


_EXTEND = "extend-"
_APPEND = "+"
_LISTS = ("string list", "requirement list", "string or string list")


def _toml_name(name: str) -> str:
    return name.replace("_", "-")


def iter_keys(
    cls: type[Any] = Settings, prefix: str = ""
) -> list[tuple[str, dataclasses.Field[Any]]]:
    """Every leaf key of the schema as ``(dotted TOML name, field)``, in declaration order."""
    out: list[tuple[str, dataclasses.Field[Any]]] = []
    for f in dataclasses.fields(cls):
        dotted = prefix + _toml_name(f.name)
        if f.metadata["kind"] == "table":
            out.extend(iter_keys(f.metadata["cls"], dotted + "."))
        else:
            out.append((dotted, f))
    return out


def _describe(value: object) -> str:
    kind = type(value).__name__
    names = {"str": "string", "int": "integer", "bool": "boolean", "float": "number"}
    names |= {"list": "list", "dict": "table"}
    return f"{value!r} ({names.get(kind, kind)})"


def _suggest(key: str, cls: type[Any], section: str) -> str:
    """The 'did you mean' hint for an unknown key: nearest key here, else the same key elsewhere."""
    here = [_toml_name(f.name) for f in dataclasses.fields(cls)]
    close = closest(key, here)
    if close:
        return f"; did you mean '{close}'?"
    for dotted, _ in iter_keys():
        table, _, leaf = dotted.rpartition(".")
        if leaf == key and table != section:
            where = f"[tool.noxkit.{table}]" if table else "[tool.noxkit]"
            return f"; did you mean '{key}' in {where}?"
    return f"; valid keys: {', '.join(sorted(here))}"


_SHAPE: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "version specifier": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
}


def _check_choice(value: object, f: dataclasses.Field[Any], where: str) -> None:
    choices = f.metadata.get("choices")
    if not choices:
        return
    listed = ", ".join(repr(c) for c in choices)
    if f.metadata.get("alternatives") and isinstance(value, str):
        for part in value.split("|"):
            if part.strip() not in choices:
                msg = f"{where}: {part.strip()!r} is not one of {listed} (separate several by |)"
                raise ConfigError(msg)
        return
    if value not in choices:
        raise ConfigError(f"{where} must be one of {listed}, got {value!r}")


def _check_path(value: object, f: dataclasses.Field[Any], where: str) -> None:
    """A file setting must name a file: not empty, not a folder like ``/`` or ``dir/``.

    Paths are data for the filesystem, so a NUL character (valid in TOML) is refused too.
    An empty string keeps meaning "the default" where the default is computed.
    """
    kind = f.metadata.get("path")
    if kind is None or not isinstance(value, str) or (value == "" and f.default in ("", None)):
        return
    if "\0" in value:
        raise ConfigError(f"{where} must be a path without NUL characters, got {value!r}")
    if kind == "file" and (value.endswith(("/", "\\")) or Path(value).name in ("", ".", "..")):
        msg = f"{where} must name a file (like {f.metadata['example']}), got {value!r}"
        raise ConfigError(msg)
    if kind == "folder" and not value.strip():
        raise ConfigError(f"{where} must name a folder (like {f.metadata['example']}), got ''")


def _check_value(value: object, f: dataclasses.Field[Any], where: str) -> object:
    """Validate one value against its field's kind; return it normalised (lists -> tuples)."""
    kind: Kind = f.metadata["kind"]
    wrong = ConfigError(f"{where} must be {_EXPECTED[kind]}, got {_describe(value)}")
    if kind in _SHAPE:
        # bool is an int in Python, but `maxfail = true` is a mistake, not a number.
        if not isinstance(value, _SHAPE[kind]) or (kind != "boolean" and isinstance(value, bool)):
            raise wrong
        minimum = f.metadata["minimum"]
        if minimum is not None and isinstance(value, int | float) and value < minimum:
            raise ConfigError(f"{where} must be at least {minimum:g}, got {value!r}")
        _check_choice(value, f, where)
        _check_path(value, f, where)
        if kind == "version specifier":
            try:
                SpecifierSet(str(value))
            except InvalidSpecifier:
                raise wrong from None
        return value
    items = [value] if kind == "string or string list" and isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise wrong
    if kind == "requirement list":
        # Imported here: parsing requirements is the slowest import of the config layer, and
        # `nox -l` should not pay for it when no requirement list is configured.
        from packaging.requirements import InvalidRequirement, Requirement  # noqa: PLC0415

        for item in items:
            try:
                Requirement(item)
            except InvalidRequirement as exc:
                msg = f"{where} holds an invalid requirement {item!r}: {exc}"
                raise ConfigError(msg) from None
    return tuple(items)


def _validate(raw: dict[str, Any], cls: type[Any], section: str, origin: str) -> dict[str, Any]:
    """Check a raw table against ``cls``; return ``{dotted key: value}`` of what it sets."""
    out: dict[str, Any] = {}
    fields = {_toml_name(f.name): f for f in dataclasses.fields(cls)}
    title = f"[tool.noxkit.{section}]" if section else "[tool.noxkit]"
    for key, value in raw.items():
        f = fields.get(key)
        base = fields.get(key.removeprefix(_EXTEND))
        if f is None and key.startswith(_EXTEND) and base and base.metadata["kind"] in _LISTS:
            # `extend-deps = [...]` appends to what lower layers set instead of replacing it.
            dotted = f"{section}.{_toml_name(base.name)}" if section else _toml_name(base.name)
            try:
                out[_APPEND + dotted] = _check_value(value, base, f"'{key}' in {title}")
            except ConfigError as exc:
                raise ConfigError(exc.message, path=origin) from None
            continue
        if f is None:
            raise ConfigError(
                f"unknown key {key!r} in {title}{_suggest(key, cls, section)}", path=origin
            )
        dotted = f"{section}.{key}" if section else key
        if f.metadata["kind"] == "table":
            if not isinstance(value, dict):
                raise ConfigError(
                    f"[tool.noxkit.{dotted}] must be a table, got {_describe(value)}", path=origin
                )
            out.update(_validate(value, f.metadata["cls"], dotted, origin))
            continue
        try:
            out[dotted] = _check_value(value, f, f"'{key}' in {title}")
        except ConfigError as exc:
            raise ConfigError(exc.message, path=origin) from None
    return out


def _build(cls: type[Any], values: dict[str, Any], prefix: str = "") -> Any:
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        dotted = prefix + _toml_name(f.name)
        if f.metadata["kind"] == "table":
            kwargs[f.name] = _build(f.metadata["cls"], values, dotted + ".")
        elif dotted in values:
            kwargs[f.name] = values[dotted]
    return cls(**kwargs)


def resolve_settings(layers: list[Layer]) -> tuple[Settings, dict[str, str]]:
    """Validate each layer and lay them over noxkit's defaults, lowest precedence first.

    Every layer is validated on its own, so an error names the layer (file or profile) that
    holds the bad key, not the merged result. A later layer replaces a key set earlier; an
    ``extend-<key>`` appends to the list built so far.
    """
    defaults = {dotted: f.default for dotted, f in iter_keys()}
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for layer in layers:
        validated = _validate(layer.values, Settings, "", layer.path or layer.label)
        for dotted, value in validated.items():
            if dotted.startswith(_APPEND):
                key = dotted.removeprefix(_APPEND)
                values[key] = tuple(values.get(key, defaults[key]) or ()) + value
                origins[key] = f"{origins.get(key, 'default')} + {layer.label}"
            else:
                values[dotted] = value
                origins[dotted] = layer.label
    return _build(Settings, values), origins


def command_line_layer(spec: str) -> Layer:
    """The ``NOXKIT_SET`` layer: ``"tests.maxfail=3;coverage.fail-under=80"``.

    nox passes no custom options to a noxfile, so an environment variable is how the command
    line reaches noxkit (``NOXKIT_SET=tests.maxfail=3 nox -s tests``). Values are TOML values
    (``3``, ``true``, ``["a"]``); anything that does not parse as TOML is taken as a string.
    """
    table: dict[str, Any] = {}
    for item in filter(None, (part.strip() for part in spec.split(";"))):
        dotted, sep, text = item.partition("=")
        if not sep or not dotted.strip():
            msg = f"NOXKIT_SET: expected 'table.key=value', got {item!r}"
            raise ConfigError(msg)
        try:
            value = tomllib.loads(f"v = {text.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = text.strip()
        *tables, leaf = dotted.strip().split(".")
        if not leaf or not all(tables):
            msg = f"NOXKIT_SET: expected 'table.key=value', got {item!r}"
            raise ConfigError(msg)
        target = table
        for depth, name in enumerate(tables):
            inner = target.setdefault(name, {})
            if not isinstance(inner, dict):
                where = ".".join(tables[: depth + 1])
                msg = f"NOXKIT_SET: {where!r} is given a value and also used as a table"
                raise ConfigError(msg)
            target = inner
        target[leaf] = value
    return Layer("command line (NOXKIT_SET)", table, "NOXKIT_SET")


def _pyproject_table(path: Path, pyproject: dict[str, Any]) -> dict[str, Any]:
    tool = pyproject.get("tool", {})
    raw = tool.get("noxkit", {}) if isinstance(tool, dict) else {}
    if not isinstance(raw, dict):
        raise ConfigError(f"[tool.noxkit] must be a table, got {_describe(raw)}", path=str(path))
    return raw


def _select_profile(raw: dict[str, Any], path: Path, given: Profile | None) -> Profile | None:
    """The profile named in pyproject.toml, or the one a team's register() wrapper passed.

    A passed profile is checked here (noxkit version, tool configs) exactly as
    :func:`load_profile` checks one found through its entry point: both paths refuse alike.
    """
    if given is not None:
        given.check()
    name = raw.get("profile")
    if name is None:
        return given
    if not isinstance(name, str):
        msg = f"'profile' in [tool.noxkit] must be a string, got {_describe(name)}"
        raise ConfigError(msg, path=str(path))
    if given is not None and given.name != name:
        msg = (
            f"[tool.noxkit] profile = {name!r}, but the noxfile registers with profile "
            f"{given.name!r}; keep one"
        )
        raise ConfigError(msg, path=str(path))
    return given or load_profile(name)


def load_config(
    root: Path | str = ".",
    *,
    overrides: dict[str, Any] | None = None,
    profile: Profile | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Read and validate the configuration of the project in ``root``, every layer applied.

    Layers, lowest first: noxkit's defaults, the profile (named by ``[tool.noxkit] profile`` or
    passed by a team's ``register`` wrapper), the project's ``[tool.noxkit]``, ``overrides``
    (``register(config=..., python=...)``), and ``NOXKIT_SET`` from the environment.
    """
    root = Path(root).resolve()
    path = root / "pyproject.toml"
    pyproject = load_toml(path)
    raw = _pyproject_table(path, pyproject)
    selected = _select_profile(raw, path, profile)
    layers: list[Layer] = []
    if selected is not None:
        if "profile" in selected.config:
            raise ConfigError(f"{selected.label}: a profile cannot select another profile")
        layers.append(Layer(selected.label, dict(selected.config)))
    layers.append(Layer("pyproject.toml", raw, str(path)))
    if overrides:
        layers.append(Layer("register()", overrides, "noxfile.py register()"))
    spec = (os.environ if environ is None else environ).get("NOXKIT_SET", "")
    if spec.strip():
        layers.append(command_line_layer(spec))
    settings, origins = resolve_settings(layers)
    return Config(
        root=root, pyproject=pyproject, settings=settings, origins=origins, profile=selected
    )
