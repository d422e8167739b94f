"""Artifacts that differ from the tree: smoke checks what the wheel ships, not the checkout.

Real nox on tiny fixture projects (issue 13, items 8 and 13, and the smoke test the planted
"smoke installs the source tree" bug slipped past).
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.integration

BREAK = 'raise ImportError("the broken copy")\n'


class TestEveryModuleIsImported:
    def test_a_submodule_needing_an_excluded_folder_fails_smoke(self, make_project):
        """hatch excludes gappy/utils from both artifacts: smoke names gappy.models.user."""
        project = make_project("wheel-excludes-imported-folder")
        run = project.nox("-s", "build", "smoke")
        assert run.returncode == 1, run
        assert "Session build was successful" in run.output, run
        assert (
            "`import gappy.models.user` failed with gappy-1.0.0-py3-none-any.whl installed: "
            "ModuleNotFoundError: No module named 'gappy.utils'"
        ) in run.output, run
        assert "1 of 3 module(s) of gappy-1.0.0-py3-none-any.whl failed to import" in run.output

        skipped = project.nox(
            "-s",
            "smoke",
            env={"NOXKIT_SET": 'smoke.requires-build=false;smoke.skip-imports=["*.user"]'},
        )
        assert skipped.returncode == 0, skipped
        assert "imported all 2 module(s) the wheel ships" in skipped.output, skipped


class TestSingleModule:
    def test_build_and_smoke_a_single_module_distribution(self, make_project):
        """flit's src/solo.py: parity holds, smoke imports solo from site-packages/solo.py."""
        project = make_project("single-module-flit")
        run = project.nox("-s", "build", "smoke")
        assert run.returncode == 0, run
        assert "parity OK (top-level: solo)" in run.output, run
        assert re.search(r"imported solo from \S+/site-packages/solo\.py", run.output), run


class TestSmokeUsesTheArtifact:
    def test_a_broken_wheel_fails_even_when_the_tree_is_fixed(self, make_project):
        """Smoke installs the built wheel: a fixed tree cannot hide a broken artifact."""
        project = make_project("single-module-flit")
        good = project.read("src/solo.py")
        project.write("src/solo.py", BREAK + good)
        assert project.nox("-s", "build").returncode == 0
        project.write("src/solo.py", good)  # the tree is fine now; the wheel is not
        run = project.nox("-s", "smoke", env={"NOXKIT_SET": "smoke.requires-build=false"})
        assert run.returncode == 1, run
        assert "`import solo` failed with solo-1.0.0-py3-none-any.whl installed: " in run.output
        assert "ImportError: the broken copy" in run.output, run
