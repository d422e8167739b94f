"""Where the shard plugin is found, and that the noxfile side shares its parser lightly."""

from __future__ import annotations

import subprocess
import sys

from noxkit._formats import shards
from noxkit._plugins import noxkit_shard


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
