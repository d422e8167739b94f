"""The `docs` session: find the project's docs generator and build with warnings as errors.

Pure detection and command lines (a few ``stat`` calls, so ``nox -l`` stays instant) plus the
steps that run them. MkDocs and Sphinx are told apart by their configuration file; nothing of
either is imported here: both run inside the session's environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from noxkit._errors import StepError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    import nox

    from noxkit._config import Config
    from noxkit._plan import Plan

__all__ = ["DocsSite", "build_docs", "docs_commands", "docs_site", "find_docs"]

Generator = Literal["mkdocs", "sphinx"]

# Searched in this order: a project with both an mkdocs.yml and a conf.py builds with MkDocs
# unless [tool.noxkit.docs] config names the other.
_CANDIDATES = ("mkdocs.yml", "mkdocs.yaml", "docs/conf.py", "docs/source/conf.py", "conf.py")
_SERVE = "--serve"


@dataclass(frozen=True)
class DocsSite:
    """The project's docs: which generator, its configuration, and where the site goes."""

    generator: Generator
    config_file: Path
    output_dir: Path

    @property
    def source_dir(self) -> Path:
        """Sphinx's source folder (the folder of ``conf.py``)."""
        return self.config_file.parent


def _generator(path: Path) -> Generator:
    return "sphinx" if path.name == "conf.py" else "mkdocs"


def find_docs(config: Config) -> DocsSite | None:
    """The project's docs configuration, or None when it has none."""
    docs = config.settings.docs
    root = config.root
    if docs.config is not None:
        path = root / docs.config
        if not path.is_file():
            return None
    else:
        found = next((root / c for c in _CANDIDATES if (root / c).is_file()), None)
        if found is None:
            return None
        path = found
    generator = _generator(path)
    default_out = (
        "site" if generator == "mkdocs" else str(path.parent.relative_to(root) / "_build/html")
    )
    return DocsSite(generator, path, root / (docs.output_dir or default_out))


def docs_requirements(site: DocsSite | None, group_requirements: Sequence[str]) -> tuple[str, ...]:
    """What the docs environment needs: the docs group, else the bare generator."""
    if group_requirements:
        return tuple(group_requirements)
    if site is None:
        return ()
    return (site.generator,)


def docs_commands(
    site: DocsSite, extra_args: Sequence[str] = (), *, serve: bool = False
) -> list[str]:
    """The build (warnings are errors) or live-preview command for ``site``."""
    if site.generator == "mkdocs":
        config = ["--config-file", str(site.config_file)]
        if serve:
            return ["mkdocs", "serve", *config, *extra_args]
        return [
            "mkdocs",
            "build",
            "--strict",
            *config,
            "--site-dir",
            str(site.output_dir),
            *extra_args,
        ]
    source, out = str(site.source_dir), str(site.output_dir)
    if serve:
        return ["sphinx-autobuild", source, out, *extra_args]
    # --keep-going reports every warning before failing, not just the first one.
    return ["sphinx-build", "-W", "--keep-going", "-b", "html", source, out, *extra_args]


def docs_site(session: nox.Session, plan: Plan) -> DocsSite:
    """The project's docs; skips the session (not a failure) when the project has none."""
    site = find_docs(plan.config)
    if site is None:
        wanted = plan.config.settings.docs.config
        if wanted is not None:
            message = f"[tool.noxkit.docs] config = {wanted!r}: no such file"
            session.warn(message)
            raise StepError(message)
        listed = ", ".join(_CANDIDATES)
        session.skip(f"no docs configuration found (looked for {listed})")
    return site


def build_docs(
    session: nox.Session, plan: Plan, site: DocsSite, extra_args: Sequence[str] = ()
) -> None:
    """Build the site with warnings as errors; ``--serve`` in ``extra_args`` previews it live.

    The project's install is the docs session's (see `noxkit.steps.install`); a live
    preview of a Sphinx site also needs sphinx-autobuild, installed here on demand.
    """
    serve = _SERVE in extra_args
    args = [a for a in extra_args if a != _SERVE]
    if serve and site.generator == "sphinx":
        session.install("sphinx-autobuild")
    session.log(f"docs: {site.generator} ({site.config_file.relative_to(plan.config.root)})")
    session.run(*docs_commands(site, args, serve=serve), external="error")
    if not serve:
        session.log(f"site: {site.output_dir}")
