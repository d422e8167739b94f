"""Apply allow-list mode to a running session: withhold outer variables from its tools.

nox builds each command's environment as the outer environment updated by ``session.env``,
then drops every entry whose value is ``None``; so a withheld name is set to ``None`` in
``session.env`` and no tool, installer or subprocess of the session sees it. Variables nox
itself sets for the environment (``VIRTUAL_ENV``, ``TMPDIR``...) are left alone.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from noxkit._formats.passenv import withheld

if TYPE_CHECKING:
    import nox

    from noxkit._plan.plan import Plan

__all__ = ["withhold_environment"]


def withhold_environment(session: nox.Session, plan: Plan) -> str | None:
    """Withhold what allow-list mode does not pass; the header line naming it (or None)."""
    envs = plan.config.settings.envs
    if not envs.isolate:
        return None
    env = session.env
    names = [n for n in withheld(os.environ, envs.pass_env) if env.get(n) is None]
    for name in names:
        env[name] = None
    listed = ", ".join(names) if names else "none"
    return (
        f"environment: allow-list mode ([tool.noxkit.envs] isolate); withheld from the tools: "
        f"{listed}"
    )
