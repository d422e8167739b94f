"""The `docs` session side: skip when there is no site, build with warnings as errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from noxkit._errors import StepError
from noxkit._plan.docs import CANDIDATES, SERVE, DocsSite, docs_commands, find_docs
from noxkit._session.tools import run_command
from noxkit._util import ignore_folder

if TYPE_CHECKING:
    from collections.abc import Sequence

    import nox

    from noxkit._plan.plan import Plan

__all__ = ["build_docs", "docs_site"]


def docs_site(session: nox.Session, plan: Plan) -> DocsSite:
    """The project's docs; skips the session (not a failure) when the project has none."""
    site = find_docs(plan.config)
    if site is None:
        wanted = plan.config.settings.docs.config
        if wanted is not None:
            message = f"[tool.noxkit.docs] config = {wanted!r}: no such file"
            session.warn(message)
            raise StepError(message)
        listed = ", ".join(CANDIDATES)
        session.skip(f"no docs configuration found (looked for {listed})")
    return site


def build_docs(
    session: nox.Session, plan: Plan, site: DocsSite, extra_args: Sequence[str] = ()
) -> None:
    """Build the site with warnings as errors; ``--serve`` in ``extra_args`` previews it live.

    The project's install is the docs session's (see `noxkit.steps.install`); a live
    preview of a Sphinx site also needs sphinx-autobuild, installed here on demand.
    """
    serve = SERVE in extra_args
    args = [a for a in extra_args if a != SERVE]
    if serve and site.generator == "sphinx":
        session.install("sphinx-autobuild")
    session.log(f"docs: {site.generator} ({site.config_file.relative_to(plan.config.root)})")
    run_command(session, plan, docs_commands(site, args, serve=serve), external="error")
    if not serve:
        ignore_folder(site.output_dir)
        session.log(f"site: {site.output_dir}")
