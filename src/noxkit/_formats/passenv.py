"""Allow-list mode for session environments (like tox's ``pass_env``). Pure.

nox hands every session the whole outer environment, so a test that prints ``os.environ``
sees ``AWS_SECRET_ACCESS_KEY``. With ``[tool.noxkit.envs] isolate = true`` a session's tools
see only what is needed to run and install (the built-in set below) and what the project
names in ``pass-env``; every other outer variable is withheld, and named (never its value) in
the header. Secret-looking names are withheld even when a built-in pattern matches them
(``GITHUB_TOKEN``, ``CI_JOB_TOKEN``), unless the project names them exactly.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from noxkit._formats.header import looks_secret
from noxkit._formats.installer import INSTALLER_SETTINGS

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = ["BUILTIN_PASS_ENV", "passes", "withheld"]

BUILTIN_PASS_ENV = (
    # Finding programs, the user, the terminal.
    "PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "COLUMNS", "LINES", "PWD", "OLDPWD",
    "SHLVL", "_",
    "NO_COLOR", "FORCE_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "PY_COLORS",
    # Locale and time.
    "LANG", "LANGUAGE", "LC_*", "TZ", "SOURCE_DATE_EPOCH",
    # Temporary folders and caches.
    "TMPDIR", "TEMP", "TMP", "XDG_*",
    # Proxies and certificate authorities: installs and tests behind a corporate network.
    "http_proxy", "https_proxy", "no_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY",
    "NO_PROXY", "ALL_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE", "*_CA_BUNDLE", "*SSL_CERT_FILE", "*SSL_CERT_DIR", "GIT_SSL_CAINFO",
    "PIP_CERT", "UV_NATIVE_TLS", "NODE_EXTRA_CA_CERTS",
    # Python, the installers (what they install is fingerprinted) and noxkit's own.
    "PYTHON*", "PIP_*", "UV_*", "VIRTUALENV_*", "NOX_*", "NOXKIT_*", "PYTEST_*", "COVERAGE_*",
    # CI providers: detection, annotations, the step summary, the workspace.
    "CI", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_WORKSPACE", "GITHUB_SHA",
    "GITHUB_REF*", "GITHUB_RUN_*", "GITHUB_JOB", "GITHUB_REPOSITORY", "GITHUB_SERVER_URL",
    "GITHUB_EVENT_NAME", "RUNNER_*", "GITLAB_CI", "CI_*",
    # Windows needs these to start processes at all.
    "SYSTEMROOT", "SYSTEMDRIVE", "COMSPEC", "PATHEXT", "WINDIR", "APPDATA", "LOCALAPPDATA",
    "USERPROFILE", "PROGRAMDATA", "PROGRAMFILES*", "NUMBER_OF_PROCESSORS", "PROCESSOR_*",
    *INSTALLER_SETTINGS,
)  # fmt: skip
"""What every session sees in allow-list mode, as names or globs (case-sensitive)."""


def passes(name: str, pass_env: Iterable[str] = ()) -> bool:
    """Whether the outer variable ``name`` reaches a session's tools in allow-list mode.

    A name the project lists exactly always passes; a glob (the project's or a built-in one)
    never lets a secret-looking name through.
    """
    extra = tuple(pass_env)
    if name in extra:
        return True
    if looks_secret(name):
        return False
    return any(fnmatchcase(name, pattern) for pattern in (*BUILTIN_PASS_ENV, *extra))


def withheld(environ: Mapping[str, str], pass_env: Iterable[str] = ()) -> list[str]:
    """The names (sorted, never values) of the outer variables allow-list mode withholds."""
    extra = tuple(pass_env)
    return sorted(name for name in environ if not passes(name, extra))
