"""The version header every session opens with, and the redaction of secret-looking values.

The header is what makes a failed CI log diagnosable after the fact: which noxkit, nox, Python,
platform, tools and git revision ran. It must never leak a secret, so every environment value
it prints passes through :func:`redact`.
"""

from __future__ import annotations

import platform
import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from noxkit._util import dist_version
from noxkit._version import __version__

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "coverage_line",
    "git_revision",
    "header_lines",
    "in_git",
    "looks_secret",
    "redact",
    "relevant_environment",
    "venv_python",
]

_SECRET_NAME = re.compile(
    r"(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|AUTH|COOKIE|PRIVATE|API_?KEY|_KEY$|^KEY)",
    re.IGNORECASE,
)
_URL_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]+@")
# The outer settings that change what gets installed or how tools behave: shown in the header
# (redacted) so a surprising result can be traced to the shell that caused it.
_RELEVANT_PREFIXES = ("PIP_", "UV_", "NOX_", "COVERAGE_", "PYTEST_", "MYPY", "RUFF_", "VIRTUALENV_")
_RELEVANT_NAMES = ("CI", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PYTHONWARNINGS")


def looks_secret(name: str) -> bool:
    """Whether a variable's name says it holds a secret (``*_TOKEN``, ``*PASSWORD*``...)."""
    return _SECRET_NAME.search(name) is not None


def redact(name: str, value: str) -> str:
    """Hide a value whose name looks secret, and any password embedded in a URL."""
    if looks_secret(name):
        return "***"
    return _URL_USERINFO.sub(r"\g<scheme>***@", value)


def relevant_environment(environ: Mapping[str, str]) -> list[str]:
    """``NAME=value`` of the outer settings worth showing, sorted, values redacted."""
    names = sorted(n for n in environ if n.startswith(_RELEVANT_PREFIXES) or n in _RELEVANT_NAMES)
    return [f"{n}={redact(n, environ[n])}" for n in names]


def venv_python(location: str | None) -> tuple[str, str]:
    """Path and version of an environment's interpreter, read from ``pyvenv.cfg`` (no process)."""
    if not location:
        return "(no environment)", "unknown"
    root = Path(location)
    cfg = root / "pyvenv.cfg"
    version = "unknown"
    implementation = "Python"
    if cfg.is_file():
        for line in cfg.read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition("=")
            key, value = key.strip(), value.strip()
            if key in {"version_info", "version"} and version == "unknown":
                # virtualenv writes "3.11.7.final.0", venv and uv "3.11.7".
                match = re.match(r"\d+\.\d+(\.\d+)?", value)
                version = match.group(0) if match else value
            elif key == "implementation":
                implementation = value
    exe = (
        root / "Scripts" / "python.exe" if (root / "Scripts").is_dir() else root / "bin" / "python"
    )
    if not cfg.is_file():
        # Before a (re)build there is nothing to read: say so instead of "Python unknown".
        return str(exe), "not built yet (the environment is created next)"
    return str(exe), f"{implementation} {version}"


def _git(root: Path, *args: str, check: bool = False) -> str:
    """The stripped output of one quick git command in ``root``."""
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=check, timeout=10
    ).stdout.strip()


def git_revision(root: Path) -> str | None:
    """``<sha> (<branch>)``, with ``dirty`` when the tree has changes; None outside git."""
    try:
        # Only the commit must succeed: outside git there is nothing to show.
        sha = _git(root, "rev-parse", "--short=12", "HEAD", check=True)
        branch = _git(root, "rev-parse", "--abbrev-ref", "HEAD")
        status = _git(root, "status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return None
    dirty = ", dirty" if status else ""
    return f"{sha} ({branch}{dirty})" if branch else f"{sha}{dirty}"


def header_lines(
    *,
    session_name: str,
    venv_location: str | None,
    backend: str | None,
    root: Path,
    environ: Mapping[str, str],
) -> list[str]:
    """The version header of a session, one fact per line."""
    python_path, python_version = venv_python(venv_location)
    lines = [
        f"noxkit {__version__}, nox {dist_version('nox', 'not installed')}, session {session_name}",
        f"python: {python_version} at {python_path} (backend {backend or 'none'})",
        f"platform: {platform.platform()} ({platform.machine()})",
    ]
    revision = git_revision(root) if in_git(root) else None
    lines.append(f"git: {revision}" if revision else "git: not a git checkout")
    env = relevant_environment(environ)
    if env:
        lines.append("environment: " + " ".join(env))
    return lines


def in_git(root: Path) -> bool:
    """Whether ``root`` is in a git checkout (a look for ``.git``, no process started)."""
    return any((folder / ".git").exists() for folder in (root, *root.parents))


_CORE_NAMES = {
    "sysmon": "sys.monitoring (core sysmon)",
    "ctrace": "the C tracer (core ctrace)",
    "pytrace": "the Python tracer (core pytrace)",
}


def coverage_line(core: str | None, reason: str, python: str | None = None) -> str:
    """The header's ``coverage:`` line of a tests run: which core measured and why.

    ``core`` None: this Python does not measure (plain pytest). Where a run falls back from
    sys.monitoring the line says what ruled it out, so a slow run explains itself.
    """
    if core is None:
        where = f" on Python {python}" if python else ""
        return f"coverage: not measured{where}, plain pytest ({reason})"
    name = _CORE_NAMES.get(core, f"core {core}")
    if core == "sysmon":
        return f"coverage: measured by {name}: {reason}"
    return f"coverage: measured by {name}, not sys.monitoring: {reason}"
