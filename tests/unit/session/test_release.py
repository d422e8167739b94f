"""The release steps' pure parts: how the gate is run."""

from __future__ import annotations

import pytest

from noxkit._session.release import _gate_runs


class TestGateRuns:
    @pytest.mark.parametrize(
        ("gate", "runs"),
        [
            (["build", "smoke"], [(["build", "smoke"], [])]),
            (
                ["lock -- --check", "build", "smoke"],
                [(["lock"], ["--check"]), (["build", "smoke"], [])],
            ),
            (
                ["tests", "lint -- x", "build"],
                [(["tests"], []), (["lint"], ["x"]), (["build"], [])],
            ),
            ([], []),
        ],
    )
    def test_entries_without_arguments_share_one_nox_run(self, gate, runs):
        """`build` and `smoke` run in one nox run, so smoke's `requires` does not build again."""
        assert _gate_runs(gate) == runs
