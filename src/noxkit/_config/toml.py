"""Read ``pyproject.toml`` and turn TOML syntax errors into ``path:line:column`` messages."""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any

from noxkit._errors import ConfigError

if TYPE_CHECKING:
    from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = ["load_toml", "tomllib"]

# tomllib (and tomli) put the position at the end of the message: "... (at line 3, column 5)".
_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_END_OF_DOCUMENT = re.compile(r"\s*\(at end of document\)\s*$")


def load_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, raising :class:`ConfigError` with path, line and column on bad syntax.

    Why not let the exception through: nox would print a traceback, and a user needs only the
    place of the mistake.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("file not found", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", path=str(path)) from None
    if text.startswith("\ufeff"):
        msg = (
            "starts with a byte order mark (BOM), which TOML does not allow; save the file as "
            "UTF-8 without a BOM"
        )
        raise ConfigError(msg, path=str(path), line=1, column=1)
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line: int | None = None
        column: int | None = None
        match = _POSITION.search(message)
        if match:
            line, column = int(match.group(1)), int(match.group(2))
            message = message[: match.start()]
        elif _END_OF_DOCUMENT.search(message):
            line = max(1, len(text.splitlines()))
            message = _END_OF_DOCUMENT.sub("", message)
        raise ConfigError(
            f"invalid TOML: {message}", path=str(path), line=line, column=column
        ) from None
    return data
