"""The coverage tooling a project's own pytest configuration loads, made to agree with noxkit.

noxkit measures with ``coverage run -m pytest``. A project whose pytest options hold
``--cov=pkg`` also loads pytest-cov, which starts a second measurement, writes its own data
and leaves noxkit's empty (``TOTAL 0%``). With pytest-cov installed, noxkit runs pytest with
``--no-cov`` and says so; a coverage plugin the configuration names but the environment lacks
is one line, before pytest runs.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from noxkit._errors import fail
from noxkit._formats.coverage import project_coverage_config
from noxkit._formats.coverage_data import PROBE_SCRIPT, plugin_modules

if TYPE_CHECKING:
    import nox

    from noxkit._plan.plan import Plan

__all__ = ["pytest_cov_args"]

_PYTEST_COV = "pytest_cov"


def pytest_cov_args(session: nox.Session, plan: Plan) -> list[str]:
    """Extra pytest arguments that keep pytest-cov out of noxkit's measurement (or none).

    Also refuses, in one line, a coverage plugin named by the project but not installed.
    """
    plugins = plugin_modules(project_coverage_config(plan.config.root, plan.config.pyproject))
    output = session.run(
        "python", "-I", "-c", PROBE_SCRIPT, _PYTEST_COV, *plugins,
        silent=True, log=False, external="error",
    )  # fmt: skip
    found: dict[str, bool] = {}
    if isinstance(output, str) and output.strip():
        found = json.loads(output.strip().splitlines()[-1])
    missing = [p for p in plugins if not found.get(p, False)]
    if missing:
        names = ", ".join(missing)
        msg = (
            f"the coverage configuration names the plugin(s) {names} ([run] plugins), not "
            "installed in the test environment; add the package that provides it to the test "
            "dependencies ([tool.noxkit.tests] deps)"
        )
        raise fail(session, msg)
    if found.get(_PYTEST_COV, False):
        session.log(
            "coverage: pytest-cov is installed; pytest runs with --no-cov so noxkit's "
            "`coverage run` alone measures (its data is what `coverage` combines)"
        )
        return ["--no-cov"]
    return []
