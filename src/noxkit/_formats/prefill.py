"""Which environments a run will need next, and the mark of one filled ahead of its session.

A sequential ``nox`` run creates and fills each session's environment only when that session
starts, although every selected session is known before the first one runs. Installing is
mostly waiting (index round trips, the project's isolated build), so noxkit fills the later
sessions' environments in the background while the first session runs (see
:mod:`noxkit._session.prefill`). This module is the pure part: which of the queued sessions'
environments to fill, and the marker that says an environment was filled by *this* run.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from noxkit._formats.report import RUN_VAR
from noxkit._util import atomic_write_text

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from pathlib import Path

__all__ = ["MARKER_NAME", "Queued", "envs_to_fill", "made_this_run", "run_token", "write_marker"]

MARKER_NAME = "noxkit-prefill"
"""A file in a filled environment naming the run that filled it."""

FILLABLE_BACKENDS = frozenset({"uv"})
"""Backends noxkit can fill outside nox: the installer call is the one nox makes for them."""


@dataclass(frozen=True)
class Queued:
    """A session queued after the current one: its names, its folder, its backend."""

    name: str
    base: str
    location: str
    backend: str


def envs_to_fill(
    queued: Sequence[Queued],
    *,
    current: str | None,
    installs: Callable[[str], bool],
) -> list[Queued]:
    """The queued sessions whose environments to fill now, in the order they will run.

    Only sessions that install through noxkit (``installs(base)``: the stamp and the folder
    lock are noxkit's), with a backend noxkit can fill, one entry per folder (two sessions
    sharing a folder never fill it twice), never the running session's own folder.
    """
    seen = {current} if current else set()
    out: list[Queued] = []
    for item in queued:
        if item.location in seen or item.backend not in FILLABLE_BACKENDS:
            continue
        if not installs(item.base):
            continue
        seen.add(item.location)
        out.append(item)
    return out


def run_token(environ: Mapping[str, str]) -> str | None:
    """The token of the noxkit run this process belongs to (None outside one)."""
    _, _, token = environ.get(RUN_VAR, "").partition(":")
    return token or None


def write_marker(location: Path, token: str) -> None:
    """Say that this run filled the environment (written before its stamp)."""
    atomic_write_text(location / MARKER_NAME, token + "\n")


def made_this_run(location: Path, environ: Mapping[str, str] | None = None) -> bool:
    """Whether the run this process belongs to filled the environment at ``location``.

    Such an environment is as fresh as the one the session would build itself, so it is used
    even where reuse is off (CI, ``reuse = "flag"``), as long as its stamp matches.
    """
    token = run_token(os.environ if environ is None else environ)
    if token is None:
        return False
    with contextlib.suppress(OSError):
        return (location / MARKER_NAME).read_text(encoding="utf-8").strip() == token
    return False
