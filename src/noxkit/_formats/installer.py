"""The outer installer settings: the one list of variables that change what pip or uv install.

Two places need it and must agree: the environment fingerprint (a change of any of them makes
a reused environment stale) and installs from the lock (which drop them unless allowed). Two
lists drifted apart once (15 names against 28), so a changed ``UV_NO_BINARY`` reused an
environment built without it; one list here keeps them equal.
"""

from __future__ import annotations

__all__ = ["INSTALLER_SETTINGS"]

INSTALLER_SETTINGS = (
    "PIP_BUILD_CONSTRAINT",
    "PIP_CONSTRAINT",
    "PIP_EXTRA_INDEX_URL",
    "PIP_FIND_LINKS",
    "PIP_INDEX_URL",
    "PIP_NO_BINARY",
    "PIP_NO_INDEX",
    "PIP_ONLY_BINARY",
    "PIP_PRE",
    "PIP_TRUSTED_HOST",
    "PIP_UPGRADE",
    "UV_BUILD_CONSTRAINT",
    "UV_CONSTRAINT",
    "UV_DEFAULT_INDEX",
    "UV_EXCLUDE_NEWER",
    "UV_EXTRA_INDEX_URL",
    "UV_FIND_LINKS",
    "UV_INDEX",
    "UV_INDEX_STRATEGY",
    "UV_INDEX_URL",
    "UV_INSECURE_HOST",
    "UV_NO_BINARY",
    "UV_NO_BUILD",
    "UV_NO_INDEX",
    "UV_NO_VERIFY_HASHES",
    "UV_OVERRIDE",
    "UV_PRERELEASE",
    "UV_RESOLUTION",
)
"""Settings that change *what* pip or uv install, or whether hashes are verified."""
