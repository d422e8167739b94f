"""A real headless browser for the HTML report tests: Debian's chromium, or a clear skip."""

from __future__ import annotations

import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)


def chromium_or_skip() -> str:
    """The chromium binary, or skip: `apt-get install -y chromium` (.ci/run does it)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no headless browser: install chromium (`apt-get install -y chromium`)")
    raise AssertionError  # pragma: no cover - skip raises


def _run(chromium: str, args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    profile.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [chromium, *_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def render_dom(chromium: str, page: Path, work: Path) -> str:
    """The DOM after chromium rendered ``page`` (stdout of --dump-dom)."""
    proc = _run(chromium, ["--dump-dom", page.resolve().as_uri()], work / "profile-dom")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def screenshot(chromium: str, page: Path, png: Path, size: str = "1200,1400") -> Path:
    """A PNG of ``page`` as chromium renders it."""
    args = [f"--screenshot={png}", f"--window-size={size}", page.resolve().as_uri()]
    proc = _run(chromium, args, png.parent / "profile-shot")
    assert proc.returncode == 0, proc.stderr
    assert png.is_file(), proc.stderr
    return png
