"""Small helpers every layer needs, written once: atomic writes, SHA-256 digests, versions.

A base module: it imports nothing from noxkit, so config, plan, formats, sessions and the CLI
can all use it without bending the one-way import order. Only the standard library, and
nothing slow at import time (``nox -l`` imports this).
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

__all__ = [
    "SHA256_PREFIX",
    "append_line",
    "atomic_write_text",
    "closest",
    "digest",
    "digest_file",
    "digest_json",
    "dist_version",
    "ignore_folder",
    "in_ci",
    "sha256_file",
    "sha256_hex",
]

SHA256_PREFIX = "sha256:"
"""How noxkit labels a digest (lock inputs, fingerprints, hashes): the algorithm, then hex."""

_BLOCK = 1 << 20


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so a reader sees the old content or the new, never half.

    The text goes to a hidden temporary file beside the target (same file system, so the
    rename is atomic), named with the process id so parallel sessions writing the same file
    never share one; a failed write leaves no temporary file behind. Text that cannot be
    UTF-8 (a lone surrogate from a non-UTF-8 argument or file name) is written escaped: data,
    never a crash.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8", errors="backslashreplace")
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def sha256_hex(data: bytes | str) -> str:
    """The bare hex SHA-256 of bytes, or of text as UTF-8."""
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def sha256_file(path: Path) -> str:
    """The bare hex SHA-256 of a file, read in blocks (wheels can be large)."""
    hasher = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(_BLOCK), b""):
            hasher.update(block)
    return hasher.hexdigest()


def digest(data: bytes | str) -> str:
    """``sha256:<hex>`` of bytes, or of text as UTF-8."""
    return SHA256_PREFIX + sha256_hex(data)


def digest_file(path: Path) -> str:
    """``sha256:<hex>`` of a file's content (``OSError`` when it cannot be read)."""
    return SHA256_PREFIX + sha256_file(path)


def digest_json(value: object) -> str:
    """``sha256:<hex>`` of canonical JSON: sorted keys, no spaces, ASCII only.

    Canonical so equal values give equal digests on every machine and Python; lockfiles record
    this digest, so the form must never change.
    """
    return digest(json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True))


def dist_version(dist: str, missing: str) -> str:
    """The installed version of distribution ``dist``, or ``missing`` when it is not installed."""
    # Imported here: importlib.metadata is slow to import, and most callers never ask.
    from importlib import metadata  # noqa: PLC0415

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return missing


_CI_VARIABLES = ("GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "TF_BUILD")


def in_ci(environ: Mapping[str, str]) -> bool:
    """True on a CI runner (``CI=true`` and the providers' own variables).

    One answer for every layer: reuse (fresh environments in CI), the reports the `coverage`
    session writes, and which Pythons measure coverage all ask it.
    """
    value = environ.get("CI", "").strip().lower()
    if value and value not in {"0", "false", "no"}:
        return True
    return any(environ.get(name) for name in _CI_VARIABLES)


def ignore_folder(folder: Path) -> None:
    """Make git ignore ``folder`` (a ``.gitignore`` of ``*`` inside it), as nox does for ``.nox``.

    noxkit's outputs (the dist folder, the docs site) must never dirty the tree: a dirty tree
    blocks ``release`` and hides real changes in ``git status``. An existing file is kept.
    """
    marker = folder / ".gitignore"
    if folder.is_dir() and not marker.exists():
        marker.write_text("# Written by noxkit: this folder holds build outputs.\n*\n")


def append_line(path: Path, line: str) -> None:
    """Append one line to ``path`` in one ``O_APPEND`` write.

    Concurrent writers (parallel sessions, two runs) never interleave their lines.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, (line.rstrip("\n") + "\n").encode("utf-8", errors="backslashreplace"))
    finally:
        os.close(fd)


def closest(word: str, known: Iterable[str]) -> str | None:
    """The known name nearest to a misspelt ``word`` (for "did you mean"), or None.

    difflib loads only when a name is wrong: registering and ``nox -l`` never pay for it.
    """
    import difflib  # noqa: PLC0415 - only on an error path

    found = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return found[0] if found else None
