"""Duration and reproducibility tracking at the end of a run: the history line and the HTML page.

Called by the owner of the run (:mod:`noxkit._session.report`) once the JSON run report is
written: appends the run to ``history.jsonl`` (bounded), writes ``report.html`` from the
history, and gives the GitHub job summary its trend table. A failure here never fails the run:
tracking is a report, not a check.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from noxkit._formats.header import git_revision, in_git
from noxkit._formats.history import (
    HISTORY_NAME,
    append_history,
    file_digest,
    history_entry,
    read_history,
)
from noxkit._formats.htmlreport import render_html, render_trend_markdown
from noxkit._util import atomic_write_text

if TYPE_CHECKING:
    from pathlib import Path

    from noxkit._plan.plan import Plan

__all__ = ["Tracking", "report_links", "track_run"]

HTML_NAME = "report.html"


@dataclass(frozen=True)
class Tracking:
    """What the end of the run needs from the configuration (read at ``register()`` time)."""

    output_dir: Path
    root: Path
    lock: Path
    keep: int
    html: bool

    @classmethod
    def of(cls, plan: Plan) -> Tracking:
        """The tracking settings of a plan."""
        settings = plan.config.settings
        return cls(
            output_dir=plan.output_dir,
            root=plan.config.root,
            lock=plan.config.root / settings.lock.path,
            keep=settings.report.history,
            html=settings.report.html,
        )


def report_links(output_dir: Path, page: Path) -> dict[str, str]:
    """Links from the page to the reports the run left in the output folder."""
    links: dict[str, str] = {}
    coverage = output_dir / "htmlcov" / "index.html"
    if coverage.is_file():
        links["coverage HTML"] = os.path.relpath(coverage, page.parent)
    for junit in sorted((output_dir / "junit").glob("*.xml")):
        links[f"JUnit: {junit.stem}"] = os.path.relpath(junit, page.parent)
    for name in ("run-report.json", HISTORY_NAME):
        if (output_dir / name).is_file():
            links[name] = os.path.relpath(output_dir / name, page.parent)
    return links


def track_run(report: dict[str, Any], tracking: Tracking) -> tuple[Path | None, str]:
    """Record the run in the history and write the page: (the page's path, the summary's trend)."""
    revision = git_revision(tracking.root) if in_git(tracking.root) else None
    entry = history_entry(report, revision=revision, lock=file_digest(tracking.lock))
    history = tracking.output_dir / HISTORY_NAME
    runs = [entry]
    if tracking.keep > 0:
        with contextlib.suppress(OSError):
            append_history(history, entry, tracking.keep)
            runs = read_history(history) or runs
    page: Path | None = None
    if tracking.html:
        page = tracking.output_dir / HTML_NAME
        text = render_html(runs, links=report_links(tracking.output_dir, page))
        try:
            atomic_write_text(page, text)
        except OSError:
            page = None
    return page, render_trend_markdown(runs)
