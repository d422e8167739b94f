"""The shard split by recorded durations, the shard request, and where the plugin is found."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import pytest

from noxkit._formats import shards
from noxkit._formats.shards import PLUGIN_DIR, shard_request
from noxkit._plugins import noxkit_shard


class TestShardSplit:
    IDS: ClassVar[list[str]] = [f"tests/test_{i // 10}.py::test_{i}" for i in range(97)]

    def test_every_test_in_exactly_one_shard(self):
        """The shards' union is the suite and no test is in two shards."""
        rng = random.Random(4)
        durations = {n: rng.uniform(0.01, 3) for n in self.IDS[:80]}
        shards = noxkit_shard.split(self.IDS, durations, 4)
        flat = [n for shard in shards for n in shard]
        assert sorted(flat) == sorted(self.IDS)
        assert len(flat) == len(set(flat))

    def test_split_is_deterministic_and_keeps_collection_order(self):
        """Same input, same shards; each shard lists its tests in collection order."""
        durations = {n: (i % 7) + 0.5 for i, n in enumerate(self.IDS)}
        first = noxkit_shard.split(self.IDS, durations, 3)
        assert first == noxkit_shard.split(list(self.IDS), dict(durations), 3)
        for shard in first:
            assert shard == sorted(shard, key=self.IDS.index)

    def test_shards_are_balanced_by_duration_within_ten_percent(self):
        """Expected shard durations differ from the mean by less than 10% on a realistic mix."""
        rng = random.Random(7)
        durations = {n: rng.choice([0.01, 0.05, 0.2, 1.0, 2.5]) for n in self.IDS}
        loads = [sum(durations[n] for n in s) for s in noxkit_shard.split(self.IDS, durations, 4)]
        mean = sum(loads) / 4
        assert max(abs(load - mean) for load in loads) < 0.10 * mean, loads

    def test_unknown_tests_count_as_the_median(self):
        """A test with no recorded duration is estimated at the median of the known ones."""
        est = noxkit_shard.estimate(["a", "b", "c", "new"], {"a": 1.0, "b": 5.0, "c": 9.0})
        assert est["new"] == 5.0

    @pytest.mark.parametrize("text", ["0/4", "5/4", "2", "a/b", "2/0"])
    def test_bad_shard_is_rejected(self, text):
        """Malformed or out-of-range shards are a clear ValueError."""
        with pytest.raises(ValueError, match="invalid shard"):
            noxkit_shard.parse_shard(text)

    def test_durations_are_merged_not_replaced(self, tmp_path):
        """Writing one shard's durations keeps the other tests' entries."""
        path = tmp_path / "d.json"
        noxkit_shard.write_durations(path, {"a": 1.23456, "b": 2.0})
        noxkit_shard.write_durations(path, {"b": 3.0})
        assert json.loads(path.read_text()) == {"a": 1.235, "b": 3.0}


class TestShardRequest:
    def test_posargs_win_over_the_environment(self):
        """--shard on the command line overrides NOXKIT_SHARD; other args go to pytest."""
        request = shard_request(["-x", "--shard", "2/4", "-k", "a"], {"NOXKIT_SHARD": "1/3"})
        assert request.shard == (2, 4)
        assert request.posargs == ("-x", "-k", "a")
        assert request.suffix == "-shard2of4"

    def test_environment_and_store_flag(self):
        """NOXKIT_SHARD alone shards; --store-durations asks the plugin to record."""
        request = shard_request(["--store-durations"], {"NOXKIT_SHARD": "3/3"})
        assert request.shard == (3, 3)
        assert request.store_durations
        args = request.plugin_args(Path("/p/d.json"))
        assert args[:2] == ["-p", "noxkit_shard"]
        assert "--noxkit-shard=3/3" in args
        assert "--noxkit-store-durations" in args
        env = request.plugin_env({"PYTHONPATH": "/x"})
        assert env["PYTHONPATH"].split(":") == [str(PLUGIN_DIR), "/x"]

    def test_plain_run_does_not_load_the_plugin(self):
        """Without a shard or --store-durations, pytest runs exactly as before."""
        request = shard_request(["-q"], {})
        assert request.plugin_args(Path("d.json")) == []
        assert request.plugin_env({}) == {}
        assert request.suffix == ""

    def test_shard_without_value_is_an_error(self):
        """--shard at the end of the arguments names what is missing."""
        with pytest.raises(ValueError, match="--shard needs a value"):
            shard_request(["--shard"], {})


class TestPluginDir:
    def test_plugin_dir_holds_the_plugin(self):
        """PYTHONPATH gets the folder that really holds noxkit_shard.py (-p must find it)."""
        assert (shards.PLUGIN_DIR / "noxkit_shard.py").is_file()
        assert (shards.PLUGIN_DIR / "noxkit_shard.py").samefile(noxkit_shard.__file__)

    def test_one_parser_for_both_sides(self):
        """The noxfile side and the plugin parse K/N with the same function."""
        assert shards.parse_shard is noxkit_shard.parse_shard

    def test_noxfile_side_does_not_import_pytest(self):
        """Sharing the plugin's parser must not pull pytest into nox (absent there; slow)."""
        code = "import sys, noxkit._formats.shards; print('pytest' in sys.modules)"
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "False"
