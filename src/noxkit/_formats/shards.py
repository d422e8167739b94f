"""The noxfile side of test sharding: read ``--shard K/N`` / ``NOXKIT_SHARD`` and plan the run.

The split itself happens inside pytest (``noxkit/_plugins/noxkit_shard.py``), where the
collected tests are known; this module only turns the user's words into the plugin's options
and names each shard's outputs, so shards never overwrite each other's coverage data or JUnit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

# One parser for K/N: the plugin's, which must stand alone (it runs where noxkit is not
# installed), so noxkit imports it and never the other way round.
from noxkit._plugins.noxkit_shard import parse_shard

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["PLUGIN_DIR", "SHARD_ENV", "ShardRequest", "parse_shard", "shard_request"]

SHARD_ENV = "NOXKIT_SHARD"
# The plugin folder is noxkit/_plugins, beside this layer package (not inside it).
PLUGIN_DIR = Path(__file__).parent.parent / "_plugins"
"""Holds only ``noxkit_shard.py``: what goes on ``PYTHONPATH`` for the sharded pytest run."""


@dataclass(frozen=True)
class ShardRequest:
    """What the user asked of one ``tests`` run, with noxkit's own arguments taken out."""

    shard: tuple[int, int] | None
    store_durations: bool
    posargs: tuple[str, ...]
    """The remaining arguments, for pytest."""

    @property
    def suffix(self) -> str:
        """Appended to the run's name for its coverage and JUnit files (``-shard2of4``)."""
        return f"-shard{self.shard[0]}of{self.shard[1]}" if self.shard else ""

    @property
    def uses_plugin(self) -> bool:
        """Only a sharded or recording run loads the plugin; a plain run is left untouched."""
        return self.shard is not None or self.store_durations

    def plugin_args(self, durations_file: Path) -> list[str]:
        """pytest arguments that load and drive the plugin."""
        if not self.uses_plugin:
            return []
        args = ["-p", "noxkit_shard", f"--noxkit-durations={durations_file}"]
        if self.shard:
            args.append(f"--noxkit-shard={self.shard[0]}/{self.shard[1]}")
        if self.store_durations:
            args.append("--noxkit-store-durations")
        return args

    def plugin_env(self, environ: Mapping[str, str]) -> dict[str, str]:
        """``PYTHONPATH`` with the plugin's folder first, for the pytest run only."""
        if not self.uses_plugin:
            return {}
        existing = environ.get("PYTHONPATH")
        parts = [str(PLUGIN_DIR), *([existing] if existing else [])]
        return {"PYTHONPATH": os.pathsep.join(parts)}


def shard_request(posargs: Sequence[str], environ: Mapping[str, str]) -> ShardRequest:
    """Take ``--shard K/N`` (or ``--shard=K/N``) and ``--store-durations`` out of posargs.

    The command line wins over ``NOXKIT_SHARD``, so a developer can rerun one CI shard
    locally whatever their shell says. Raises ValueError on a malformed shard.
    """
    rest: list[str] = []
    shard_text = environ.get(SHARD_ENV) or None
    store = False
    args = list(posargs)
    while args:
        arg = args.pop(0)
        if arg == "--shard":
            if not args:
                msg = "--shard needs a value K/N, like --shard 2/4"
                raise ValueError(msg)
            shard_text = args.pop(0)
        elif arg.startswith("--shard="):
            shard_text = arg.partition("=")[2]
        elif arg == "--store-durations":
            store = True
        else:
            rest.append(arg)
    shard = parse_shard(shard_text) if shard_text else None
    return ShardRequest(shard=shard, store_durations=store, posargs=tuple(rest))
