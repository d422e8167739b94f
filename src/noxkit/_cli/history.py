"""``noxkit report history``: per-session durations over the last runs, and what regressed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from noxkit._config.schema import load_config
from noxkit._errors import ConfigError
from noxkit._formats.history import (
    HISTORY_NAME,
    Thresholds,
    digest_conflicts,
    find_regressions,
    read_history,
    render_history,
)
from noxkit._formats.htmlreport import render_html

if TYPE_CHECKING:
    import argparse

__all__ = ["history_command"]


def _history_path(args: argparse.Namespace) -> Path:
    if args.file:
        return Path(args.file)
    root = Path(args.root).resolve()
    config = load_config(root)
    return root / config.settings.output_dir / HISTORY_NAME


def history_command(args: argparse.Namespace) -> int:
    """Print the trend table; 1 with ``--fail-on-regression`` when the latest run regressed."""
    if args.last < 1:
        raise ConfigError(f"--last must be at least 1, got {args.last}")
    path = _history_path(args)
    if not path.is_file():
        raise ConfigError(f"no run history at {path}: it is written at the end of each nox run")
    runs = read_history(path)
    if not runs:
        raise ConfigError(f"{path} holds no noxkit run")
    thresholds = Thresholds(factor=args.factor, seconds=args.min_seconds)
    regressions = find_regressions(runs, thresholds)
    conflicts = digest_conflicts(runs)
    first = max(0, len(runs) - args.last)
    shown = [r for r in regressions if r.run >= first]
    latest = [r for r in regressions if r.run == len(runs) - 1]
    drifted = [c for c in conflicts if c.run == len(runs) - 1]
    if args.json:
        data = {
            "runs": len(runs),
            "regressions": [r.as_json() for r in shown],
            "latest_regressed": bool(latest),
            "conflicts": [c.line() for c in conflicts],
        }
        print(json.dumps(data, indent=2))
    else:
        print(f"{path}: {len(runs)} runs, the last {len(runs) - first} shown")
        print(render_history(runs[first:], shown, conflicts, first=first))
    if args.html:
        page = Path(args.html)
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(
            render_html(runs, title="noxkit run history", thresholds=thresholds), encoding="utf-8"
        )
        print(f"HTML report: {page}", file=sys.stderr)
    if args.fail_on_regression and (latest or drifted):
        what = "a regression in the latest run" if latest else "artifacts that drifted"
        print(f"noxkit: failing on {what} (--fail-on-regression)", file=sys.stderr)
        return 1
    return 0
