"""Which coverage.py core measures a test run, and which Pythons of the matrix measure at all.

coverage.py has three measurement cores: ``sysmon`` (:mod:`sys.monitoring`, PEP 669), whose
cost on a real test suite is close to nothing; ``ctrace``, the C tracer, which made
more-itertools' suite 3.9 times slower; and ``pytrace``, the pure-Python tracer. Before
Python 3.14 coverage.py uses the C tracer unless asked, so noxkit asks for ``sysmon`` wherever
it measures exactly what the C tracer would. The rules below are coverage.py's own
(``coverage/core.py`` and ``control.py``, 7.4 to 7.17), checked by running each case:

- ``sys.monitoring`` exists from CPython 3.12; coverage.py has a ``sysmon`` core from 7.4
  (``COVERAGE_CORE=sysmon``; the ``[run] core`` setting only from 7.9, which older versions
  reject with a warning, hence the environment variable, which every version reads and
  subprocesses inherit).
- Branch coverage under ``sysmon`` needs the branch events of Python 3.14 (coverage.py 7.7+);
  on 3.12 and 3.13 coverage.py falls back to the C tracer, with a warning.
- Dynamic contexts (``[run] dynamic_context``, or a plugin that switches contexts) and
  ``concurrency`` of greenlet, eventlet or gevent fall back the same way.
- ``timid = true`` always means the Python tracer.
- Plugins are the trap: a file-tracer plugin (Django templates, Cython) is *silently disabled*
  under ``sysmon`` (one warning, the files' data is missing), so the totals would change.
  noxkit cannot tell a file tracer from a configurer without importing it, so ``auto`` keeps
  the C tracer when plugins are configured; ``core = "sysmon"`` says they trace no files.
- From 3.14 coverage.py defaults to ``sysmon`` itself when it can; keeping the C tracer there
  takes ``COVERAGE_CORE=ctrace``.

Pure: the facts (interpreter, coverage.py version, settings, environment) come in as values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeAlias

from packaging.version import InvalidVersion, Version

from noxkit._errors import ConfigError
from noxkit._formats.coverage import project_coverage_config
from noxkit._util import in_ci

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from noxkit._config.schema import CoverageCore
    from noxkit._plan.plan import Plan

__all__ = [
    "CoreChoice",
    "Interpreter",
    "Measuring",
    "RunSettings",
    "measuring",
    "parse_python",
    "pinned_version",
    "plan_measuring",
    "run_settings",
    "select_core",
    "version_of",
]

Core: TypeAlias = Literal["sysmon", "ctrace", "pytrace"]

_SYSMON_PYTHON = (3, 12)
_SYSMON_BRANCH_PYTHON = (3, 14)
_SYSMON_COVERAGE = Version("7.4")
_SYSMON_BRANCH_COVERAGE = Version("7.7")
_RC_CORE_COVERAGE = Version("7.9")
_SYSMON_DEFAULT_COVERAGE = Version("7.9.1")
_CORES: dict[str, Core] = {"sysmon": "sysmon", "ctrace": "ctrace", "pytrace": "pytrace"}
_NO_SYSMON_CONCURRENCY = ("greenlet", "eventlet", "gevent")
_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Interpreter:
    """The Python a run measures on: implementation and version."""

    implementation: str
    version: tuple[int, ...]

    def __str__(self) -> str:
        return f"{self.implementation} {'.'.join(map(str, self.version))}"


_PYTHON = re.compile(
    r"^\s*(?:(?P<impl>[A-Za-z]+)\s*)?(?P<version>\d+(?:\.\d+){1,2})(?P<tail>\S*)\s*$"
)


def parse_python(text: str | None) -> Interpreter | None:
    """``"3.12"``, ``"3.13t"``, ``"pypy3.10"`` (nox) or ``"CPython 3.12.1"`` (header); else None."""
    match = _PYTHON.match(text or "")
    if match is None:
        return None
    impl = (match.group("impl") or "CPython").lower()
    names = {"cpython": "CPython", "python": "CPython", "pypy": "PyPy"}
    version = tuple(int(part) for part in match.group("version").split("."))
    return Interpreter(names.get(impl, impl), version)


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in _TRUE


def _listed(value: str | None) -> tuple[str, ...]:
    return tuple(v for v in (value or "").replace(",", "\n").split() if v)


@dataclass(frozen=True)
class RunSettings:
    """The project's ``[run]`` coverage settings that decide which core can measure."""

    branch: bool = False
    plugins: tuple[str, ...] = ()
    dynamic_context: str | None = None
    concurrency: tuple[str, ...] = ()
    timid: bool = False
    core: str | None = None
    """The project's own ``[run] core``, honoured as coverage.py honours it (7.9+)."""

    @classmethod
    def from_config(cls, config: Mapping[str, Mapping[str, str]]) -> RunSettings:
        """Read them from INI-style sections (``noxkit._formats.coverage``'s form)."""
        run = config.get("run", {})
        context = (run.get("dynamic_context") or "").strip()
        return cls(
            branch=_truthy(run.get("branch")),
            plugins=_listed(run.get("plugins")),
            dynamic_context=context if context and context.lower() != "none" else None,
            concurrency=_listed(run.get("concurrency")),
            timid=_truthy(run.get("timid")),
            core=(run.get("core") or "").strip() or None,
        )

    @property
    def measures(self) -> str:
        """``branch`` or ``line``: what the reason lines say was measured."""
        return "branch coverage" if self.branch else "line coverage"


@dataclass(frozen=True)
class CoreChoice:
    """The core a run measures with, why, and the environment that makes coverage.py use it."""

    core: Core
    reason: str
    """Why: the facts that allow ``sysmon``, or what rules it out, or who asked."""
    env: Mapping[str, str] = field(default_factory=dict)
    """Set on the run (and inherited by its subprocesses); empty when nothing is needed."""

    @property
    def cheap(self) -> bool:
        """Measuring costs close to nothing (the ``sysmon`` core)."""
        return self.core == "sysmon"


def _coverage_text(version: Version | None) -> str:
    return f"coverage.py {version}" if version is not None else "coverage.py"


def _no_sysmon(
    python: Interpreter | None,
    coverage: Version | None,
    settings: RunSettings,
    *,
    plugins_block: bool,
) -> str | None:
    """Why ``sysmon`` would not measure what the C tracer does; None when it would."""
    if python is None:
        return "the interpreter's version is unknown"
    old_coverage = coverage is not None and coverage < _SYSMON_COVERAGE
    no_branches = python.version[:2] < _SYSMON_BRANCH_PYTHON or (
        coverage is not None and coverage < _SYSMON_BRANCH_COVERAGE
    )
    bad = [c for c in settings.concurrency if c in _NO_SYSMON_CONCURRENCY]
    plugins = ", ".join(settings.plugins) if plugins_block else ""
    # In coverage.py's order: the first that applies is the one its warning would name.
    checks = (
        (python.implementation != "CPython", f"sys.monitoring is CPython's ({python})"),
        (python.version[:2] < _SYSMON_PYTHON, f"sys.monitoring needs Python 3.12+ ({python})"),
        (old_coverage, f"{_coverage_text(coverage)} has no sys.monitoring core (7.4+)"),
        (
            settings.branch and no_branches,
            "sys.monitoring measures branches only from Python 3.14 (coverage.py 7.7+)",
        ),
        (
            settings.dynamic_context is not None,
            f"dynamic contexts ([run] dynamic_context = {settings.dynamic_context}) need it",
        ),
        (bool(bad), f"[run] concurrency = {bad[0] if bad else ''} needs it"),
        (
            bool(plugins),
            (
                f"plugins ({plugins}) may trace files, which sys.monitoring disables; set "
                '[tool.noxkit.coverage] core = "sysmon" if they do not'
            ),
        ),
    )
    return next((reason for applies, reason in checks if applies), None)


def _default_is_sysmon(python: Interpreter, coverage: Version | None) -> bool:
    """coverage.py picks ``sysmon`` by itself here (3.14+, 7.9.1+) when nothing conflicts."""
    return python.version[:2] >= _SYSMON_BRANCH_PYTHON and (
        coverage is None or coverage >= _SYSMON_DEFAULT_COVERAGE
    )


def _fallback(python: Interpreter | None, coverage: Version | None, reason: str) -> CoreChoice:
    """The C tracer, forced where coverage.py would otherwise choose ``sysmon`` itself."""
    force = python is not None and _default_is_sysmon(python, coverage)
    env = {"COVERAGE_CORE": "ctrace"} if force else {}
    return CoreChoice("ctrace", reason, env)


def _asked(
    who: str, core: str, python: Interpreter | None, coverage: Version | None, settings: RunSettings
) -> CoreChoice:
    """The core the user or project named, with coverage.py's own fallback from ``sysmon``."""
    if core == "sysmon":
        why = _no_sysmon(python, coverage, settings, plugins_block=False)
        if why is not None:
            return CoreChoice("ctrace", f"{who} asks for sysmon, but {why}")
    known = _CORES.get(core)
    if known is not None:
        return CoreChoice(known, who)
    return CoreChoice("ctrace", f"{who} names an unknown core {core!r}")


def select_core(
    python: Interpreter | None,
    coverage: Version | None,
    settings: RunSettings,
    requested: CoverageCore,
    environ: Mapping[str, str],
) -> CoreChoice:
    """The core one run measures with, and why; ``coverage`` None means a recent release.

    Precedence is coverage.py's: ``COVERAGE_CORE`` from the user's shell, then ``timid``, then
    the project's ``[run] core``; only then noxkit's ``[tool.noxkit.coverage] core``.
    """
    outer = environ.get("COVERAGE_CORE", "").strip()
    if outer:
        return _asked(
            f"COVERAGE_CORE={outer} in the environment", outer, python, coverage, settings
        )
    if settings.timid:
        return CoreChoice("pytrace", "[run] timid = true")
    if settings.core and (coverage is None or coverage >= _RC_CORE_COVERAGE):
        who = f"[run] core = {settings.core} in the project's coverage settings"
        return _asked(who, settings.core, python, coverage, settings)
    if requested == "ctrace":
        return _fallback(python, coverage, '[tool.noxkit.coverage] core = "ctrace"')
    why = _no_sysmon(python, coverage, settings, plugins_block=requested == "auto")
    if why is not None:
        return _fallback(python, coverage, why)
    what = f"{python}, {_coverage_text(coverage)}, {settings.measures}"
    return CoreChoice("sysmon", what, {"COVERAGE_CORE": "sysmon"})


def version_of(text: str | None) -> Version | None:
    """A distribution's version as :class:`Version`, None when absent or unreadable."""
    try:
        return Version(text) if text else None
    except InvalidVersion:
        return None


@dataclass(frozen=True)
class Measuring:
    """Which Pythons of the ``tests`` matrix measure coverage, and why."""

    pythons: tuple[str, ...]
    """Those that measure, in matrix order."""
    skipped: tuple[str, ...]
    """Those that run plain pytest."""
    reason: str

    def measures(self, python: str | None) -> bool:
        """Whether the run on ``python`` measures (a run outside the matrix always does)."""
        return python is None or python not in self.skipped


def _newest(pythons: Sequence[str]) -> str:
    def key(python: str) -> tuple[int, ...]:
        parsed = parse_python(python)
        return parsed.version if parsed is not None else ()

    return max(pythons, key=key)


def measuring(
    pythons: Sequence[str],
    setting: str,
    settings: RunSettings,
    requested: CoverageCore,
    environ: Mapping[str, str],
    *,
    coverage: Version | None = None,
) -> Measuring:
    """Decide which Pythons measure (``[tool.noxkit.coverage] measure``).

    ``auto`` measures every Python in CI, where machines pay and the combined total is the one
    the floor is enforced on. Locally it measures every Python where measuring is nearly free
    (``sysmon``), and when there is none, only the newest: a developer pays for the C tracer
    once, not once per Python. ``coverage`` is the version the tools setting pins, if any.
    """
    matrix = tuple(pythons)
    if not matrix:
        return Measuring((), (), "no Python in the tests matrix")

    def cheap(python: str) -> bool:
        return select_core(parse_python(python), coverage, settings, requested, environ).cheap

    cheap_ones = tuple(p for p in matrix if cheap(p))

    def one() -> tuple[str, ...]:
        return (_newest(cheap_ones or matrix),)

    key = "[tool.noxkit.coverage] measure"
    if setting == "all":
        chosen, reason = matrix, f"{key} = all"
    elif setting == "one":
        chosen, reason = one(), f"{key} = one: the newest Python, sys.monitoring first"
    elif setting == "auto" and in_ci(environ):
        chosen, reason = matrix, f"{key} = auto: every Python in CI"
    elif setting == "auto" and cheap_ones:
        chosen = cheap_ones
        reason = f"{key} = auto: locally, where sys.monitoring measures; CI measures all"
    elif setting == "auto":
        chosen = one()
        reason = (
            f"{key} = auto: locally, once (no Python of the matrix can use sys.monitoring "
            "here, and the C tracer makes tests several times slower); CI measures all"
        )
    elif setting in matrix:
        chosen, reason = (setting,), f"{key} = {setting}"
    else:
        msg = (
            f"{key} = {setting!r} is not 'auto', 'all', 'one' or a Python of the tests "
            f"matrix ({', '.join(matrix)})"
        )
        raise ConfigError(msg)
    return Measuring(
        pythons=tuple(p for p in matrix if p in chosen),
        skipped=tuple(p for p in matrix if p not in chosen),
        reason=reason,
    )


def pinned_version(specifier: str) -> Version | None:
    """The version an ``==X`` tools requirement pins; None (a recent release) otherwise."""
    text = specifier.strip()
    if text.startswith("==") and "," not in text and "*" not in text:
        return version_of(text[2:].strip())
    return None


def run_settings(plan: Plan) -> RunSettings:
    """The project's ``[run]`` settings that decide the core, from the file coverage reads."""
    return RunSettings.from_config(project_coverage_config(plan.config.root, plan.config.pyproject))


def plan_measuring(plan: Plan, environ: Mapping[str, str]) -> Measuring:
    """:func:`measuring` for a project's plan; ConfigError for a bad ``measure``."""
    settings = plan.config.settings
    try:
        return measuring(
            plan.project.pythons,
            settings.coverage.measure,
            run_settings(plan),
            settings.coverage.core,
            environ,
            coverage=pinned_version(settings.tools.coverage),
        )
    except ConfigError as exc:
        raise ConfigError(exc.message, path=str(plan.config.root / "pyproject.toml")) from None
