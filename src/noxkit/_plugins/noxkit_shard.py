"""pytest plugin: run one shard of the suite, balanced by recorded test durations.

It runs inside the ``tests`` session's environment, where noxkit itself is not installed, so it
imports nothing but pytest and the standard library; the ``tests`` step puts this folder on
``PYTHONPATH`` for the pytest run only and loads it with ``-p noxkit_shard``. pytest is imported
only when pytest calls a hook, so noxkit's noxfile side (where pytest is absent, and ``nox -l``
must stay fast) shares :func:`parse_shard` from here instead of keeping a copy.

The split is deterministic (same collected tests and durations file give the same shards on
every machine), and every collected test lands in exactly one shard: CI jobs that each run one
shard together run the whole suite once.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import pytest

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_DEFAULT_SECONDS = 1.0
"""Estimated duration of a test when no test has a recorded duration yet."""


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` -> ``(2, 4)``; raise ValueError with a readable message otherwise."""
    match = _SHARD.match(text)
    if not match:
        msg = f"invalid shard {text!r}: expected K/N, like 2/4"
        raise ValueError(msg)
    index, total = int(match.group(1)), int(match.group(2))
    if total < 1 or not 1 <= index <= total:
        msg = f"invalid shard {text!r}: K must be between 1 and N"
        raise ValueError(msg)
    return index, total


def estimate(node_ids: Sequence[str], durations: Mapping[str, float]) -> dict[str, float]:
    """Each test's expected duration: recorded, else the median of the recorded ones.

    The median, not a constant, so a new test in a suite of slow tests is not assumed free.
    """
    known = sorted(durations[n] for n in node_ids if n in durations)
    fallback = known[len(known) // 2] if known else _DEFAULT_SECONDS
    return {n: durations.get(n, fallback) for n in node_ids}


def split(node_ids: Sequence[str], durations: Mapping[str, float], count: int) -> list[list[str]]:
    """Split tests into ``count`` shards of near-equal expected duration.

    Longest first, each to the shard with the least work so far (ties: fewest tests, then the
    lowest index): greedy, deterministic, and within 4/3 of the best possible split. Each
    shard keeps the collection order, so fixtures and output read as in an unsharded run.
    """
    expected = estimate(node_ids, durations)
    loads = [(0.0, 0, i) for i in range(count)]
    owner: dict[str, int] = {}
    for node_id in sorted(expected, key=lambda n: (-expected[n], n)):
        load, size, index = min(loads)
        owner[node_id] = index
        loads[index] = (load + expected[node_id], size + 1, index)
    shards: list[list[str]] = [[] for _ in range(count)]
    for node_id in node_ids:
        shards[owner[node_id]].append(node_id)
    return shards


def read_durations(path: Path) -> dict[str, float]:
    """The durations file as ``{node id: seconds}``; missing or unreadable means none known."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: float(v) for k, v in data.items() if isinstance(v, (int, float))}


def write_durations(path: Path, measured: Mapping[str, float]) -> None:
    """Merge measured durations into the file: sorted, rounded, atomically replaced.

    Merging (not replacing) lets each shard refresh its own tests' entries.
    """
    merged = read_durations(path)
    merged.update({k: round(v, 3) for k, v in measured.items()})
    path.parent.mkdir(parents=True, exist_ok=True)
    # noxkit._util.atomic_write_text does this for noxkit; this file cannot import noxkit.
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(merged, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


def pytest_addoption(parser: pytest.Parser) -> None:
    """The options noxkit's ``tests`` step passes (users pass ``--shard`` to nox instead)."""
    group = parser.getgroup("noxkit", "noxkit test sharding")
    group.addoption("--noxkit-shard", default=None, help="run shard K of N (K/N)")
    group.addoption("--noxkit-durations", default=None, help="the durations file")
    group.addoption(
        "--noxkit-store-durations",
        action="store_true",
        default=False,
        help="record this run's test durations into the durations file",
    )


class _Recorder:
    """Adds up setup, call and teardown time of each test that ran."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.measured: dict[str, float] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.measured[report.nodeid] = self.measured.get(report.nodeid, 0.0) + report.duration

    def pytest_sessionfinish(self) -> None:
        if self.measured:
            write_durations(self.path, self.measured)


def pytest_configure(config: pytest.Config) -> None:
    """Validate the shard early (a usage error, before any test runs) and start recording."""
    shard = config.getoption("noxkit_shard")
    if shard:
        try:
            parse_shard(shard)
        except ValueError as exc:
            import pytest  # noqa: PLC0415 - see the module docstring

            raise pytest.UsageError(str(exc)) from None
    durations = config.getoption("noxkit_durations")
    if config.getoption("noxkit_store_durations") and durations:
        config.pluginmanager.register(_Recorder(Path(durations)), "noxkit-durations-recorder")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep only this shard's tests; report the others as deselected."""
    shard = config.getoption("noxkit_shard")
    if not shard:
        return
    index, total = parse_shard(shard)
    path = config.getoption("noxkit_durations")
    durations = read_durations(Path(path)) if path else {}
    node_ids = [item.nodeid for item in items]
    expected = estimate(node_ids, durations)
    mine = set(split(node_ids, durations, total)[index - 1])
    kept = [item for item in items if item.nodeid in mine]
    dropped = [item for item in items if item.nodeid not in mine]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = kept
    seconds = sum(expected[i.nodeid] for i in kept)
    whole = sum(expected.values())
    known = sum(1 for n in node_ids if n in durations)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"noxkit shard {index}/{total}: {len(kept)} of {len(items) + len(dropped)} tests, "
            f"estimated {seconds:.2f}s of {whole:.2f}s "
            f"({known} of {len(node_ids)} durations recorded)"
        )
