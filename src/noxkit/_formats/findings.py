"""Speaking the CI provider's language: detection, GitHub annotations, GitLab Code Quality.

Findings are turned into the provider's own format so they show up where people look (on the
diff in a GitHub pull request, in GitLab's merge-request widget) instead of only in a log.
Pure: parsing and formatting only; the steps decide when to call it.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from noxkit._util import sha256_hex

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

__all__ = [
    "Finding",
    "Provider",
    "code_quality",
    "detect_provider",
    "github_annotation",
    "junit_failures",
    "mypy_findings",
]

Provider = Literal["github", "gitlab"]


def detect_provider(environ: Mapping[str, str]) -> Provider | None:
    """The CI provider this process runs in, from the variables each provider always sets."""
    if environ.get("GITHUB_ACTIONS") == "true":
        return "github"
    if environ.get("GITLAB_CI") == "true":
        return "gitlab"
    return None


@dataclass(frozen=True)
class Finding:
    """One problem at one place in the project."""

    path: str
    line: int
    message: str
    title: str
    column: int | None = None
    severity: Literal["error", "warning"] = "error"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(finding: Finding) -> str:
    """A GitHub workflow command (``::error file=..,line=..::msg``), escaped as GitHub requires."""
    props = [f"file={_escape_property(finding.path)}", f"line={finding.line}"]
    if finding.column is not None:
        props.append(f"col={finding.column}")
    props.append(f"title={_escape_property(finding.title)}")
    return f"::{finding.severity} {','.join(props)}::{_escape_data(finding.message)}"


# mypy's default output: "src/pkg/mod.py:12: error: Message  [code]" (column when configured).
_MYPY_LINE = re.compile(
    r"^(?P<path>[^:\n]+?):(?P<line>\d+):(?:(?P<col>\d+):)? (?P<sev>error|warning): "
    r"(?P<msg>.*?)(?:  \[(?P<code>[\w-]+)\])?$"
)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def mypy_findings(output: str) -> list[Finding]:
    """mypy's errors and warnings (not its notes, which explain the line before)."""
    out: list[Finding] = []
    for line in _ANSI.sub("", output).splitlines():
        match = _MYPY_LINE.match(line.strip())
        if not match:
            continue
        code = match.group("code")
        out.append(
            Finding(
                path=match.group("path"),
                line=int(match.group("line")),
                column=int(match.group("col")) if match.group("col") else None,
                message=match.group("msg"),
                title=f"mypy ({code})" if code else "mypy",
                severity="error" if match.group("sev") == "error" else "warning",
            )
        )
    return out


# The last "path.py:LINE: ExceptionType" of a pytest long traceback is where the test failed.
_TRACEBACK_PLACE = re.compile(r"^(?P<path>[^\s:][^:\n]*\.py):(?P<line>\d+): ", re.MULTILINE)


def junit_failures(junit: Path, root: Path) -> list[Finding]:
    """Failed and erroring tests of a JUnit report, placed at the failing line when known."""
    try:
        tree = ET.parse(junit)  # noqa: S314 - pytest wrote it in this run
    except (OSError, ET.ParseError):
        return []
    out: list[Finding] = []
    for case in tree.getroot().iter("testcase"):
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is None:
            continue
        classname = case.get("classname", "")
        name = f"{classname}.{case.get('name', '')}".strip(".")
        text = problem.text or ""
        places = list(_TRACEBACK_PLACE.finditer(text))
        inside = [m for m in places if (root / m.group("path")).is_file()]
        if inside:
            path, line = inside[-1].group("path"), int(inside[-1].group("line"))
        else:
            # No usable traceback line: point at the test module, named by its class path.
            path, line = _module_path(classname, root), 1
        message = problem.get("message") or text.strip().splitlines()[-1:] or ["failed"]
        out.append(
            Finding(
                path=path,
                line=line,
                message=message if isinstance(message, str) else message[0],
                title=f"{name} failed",
            )
        )
    return out


def _module_path(classname: str, root: Path) -> str:
    parts = classname.split(".")
    for end in range(len(parts), 0, -1):
        candidate = "/".join(parts[:end]) + ".py"
        if (root / candidate).is_file():
            return candidate
    return "/".join(parts) + ".py"


def code_quality(findings: Iterable[Finding], *, check: str) -> list[dict[str, object]]:
    """GitLab Code Quality issues (the CodeClimate subset GitLab reads), fingerprints stable.

    The fingerprint leaves out the line number, so moving code does not make GitLab report a
    finding as fixed and new again.
    """
    out: list[dict[str, object]] = []
    for f in findings:
        digest = sha256_hex(f"{check}\0{f.path}\0{f.title}\0{f.message}")
        out.append(
            {
                "description": f.message,
                "check_name": f.title,
                "fingerprint": digest,
                "severity": "major" if f.severity == "error" else "minor",
                "location": {"path": f.path, "lines": {"begin": f.line}},
            }
        )
    return out


def merge_code_quality(path: Path, issues: list[dict[str, object]]) -> None:
    """Add issues to a Code Quality report file (a JSON list), creating it when missing."""
    try:
        existing = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        existing = []
    if not isinstance(existing, list):
        existing = []
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(existing + issues, indent=1) + "\n", encoding="utf-8")
