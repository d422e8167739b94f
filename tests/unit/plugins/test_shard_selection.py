"""The shard plugin's selection, in-process on fake items (fast twin of the shard tests)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from noxkit._plugins import noxkit_shard

IDS = [f"tests/test_m.py::test_{i}" for i in range(10)]


class _Config:
    def __init__(self, shard: str, durations: str | None = None) -> None:
        self.options = {"noxkit_shard": shard, "noxkit_durations": durations}
        self.deselected: list[object] = []
        # pytest calls the hook with a keyword (items=...), which list.extend does not take.
        self.hook = SimpleNamespace(pytest_deselected=lambda items: self.deselected.extend(items))  # noqa: PLW0108
        self.pluginmanager = SimpleNamespace(get_plugin=lambda _name: None)

    def getoption(self, name: str) -> object:
        return self.options[name]


def _select(shard: str) -> tuple[list[str], list[str]]:
    items = [SimpleNamespace(nodeid=n) for n in IDS]
    config = _Config(shard)
    noxkit_shard.pytest_collection_modifyitems(config, items)  # type: ignore[arg-type]
    return [i.nodeid for i in items], [i.nodeid for i in config.deselected]


class TestSelection:
    def test_the_shards_partition_the_suite(self):
        """Every test runs in exactly one shard; the others are reported deselected."""
        kept = [_select(f"{k}/3")[0] for k in (1, 2, 3)]
        assert sorted(n for shard in kept for n in shard) == sorted(IDS)
        assert all(kept), kept
        mine, dropped = _select("2/3")
        assert set(mine).isdisjoint(dropped)
        assert set(mine) | set(dropped) == set(IDS)

    def test_no_shard_keeps_everything(self):
        """Without --shard nothing is deselected."""
        items = [SimpleNamespace(nodeid=n) for n in IDS]
        noxkit_shard.pytest_collection_modifyitems(_Config(""), items)  # type: ignore[arg-type]
        assert len(items) == len(IDS)

    @pytest.mark.parametrize("bad", ["0/3", "4/3", "x", "1/0"])
    def test_a_bad_shard_is_a_value_error(self, bad):
        """parse_shard refuses what pytest_configure turns into a usage error."""
        with pytest.raises(ValueError, match=r"."):
            noxkit_shard.parse_shard(bad)
