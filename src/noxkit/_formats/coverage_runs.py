"""Which test runs' coverage data may be combined: only runs that finished successfully.

coverage writes its data when the measured process exits, also when pytest was interrupted
(Ctrl-C, SIGTERM) or stopped at a failure; a run that covered a third of the suite leaves data
that looks like any other. Combining it reports a total computed from part of the suite, and
``coverage --no-dependencies`` (what the generated CI coverage job runs) would pass on it.

Two ways out were possible: the interrupted run removes what it wrote, or the ``coverage``
session refuses what no finished run vouches for. noxkit does the second. A run can be
killed (SIGKILL, a lost machine, a cancelled CI job) before it removes anything, so a cleanup
would still leave the consumer trusting whatever is there; a marker written *last*, only
after pytest succeeded, is a proof the data is whole that no interruption can forge. Data
without it (an interrupted or failed run, or data from an older noxkit) is named and refused:
the fix is to run that test session again.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from noxkit._util import atomic_write_text

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

__all__ = ["FINISHED_NAME", "mark_finished", "refusal", "unfinished_runs"]

FINISHED_NAME = "noxkit-finished.json"
"""Written into a run's coverage data folder after pytest succeeded (not hidden: CI artifact
uploads skip hidden files by default, and the marker must travel with the data)."""


def mark_finished(run_dir: Path, run_name: str) -> None:
    """Vouch for a run's coverage data: pytest finished and succeeded (written last)."""
    atomic_write_text(run_dir / FINISHED_NAME, json.dumps({"run": run_name, "finished": True}))


def _finished(run_dir: Path) -> bool:
    try:
        data = json.loads((run_dir / FINISHED_NAME).read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("finished") is True


def unfinished_runs(run_dirs: Iterable[Path]) -> list[Path]:
    """The run folders whose data no successful run vouches for."""
    return [d for d in run_dirs if not _finished(d)]


def refusal(unfinished: Iterable[Path]) -> str | None:
    """The one line refusing unfinished runs' data, or None when every run finished."""
    names = [d.name for d in unfinished]
    if not names:
        return None
    listed = ", ".join(names)
    again = " ".join(f"-s {n}" for n in names)
    return (
        f"coverage data of {listed} is from a run that did not finish successfully "
        f"(interrupted or failed), so it is not combined; run `nox {again}` again, then "
        "`nox -s coverage`"
    )
