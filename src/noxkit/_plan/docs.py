"""The `docs` session: find the project's docs generator and build with warnings as errors.

Pure detection and command lines (a few ``stat`` calls, so ``nox -l`` stays instant) plus the
steps that run them. MkDocs and Sphinx are told apart by their configuration file; nothing of
either is imported here: both run inside the session's environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from noxkit._config.schema import Config

__all__ = ["CANDIDATES", "SERVE", "DocsSite", "docs_commands", "docs_requirements", "find_docs"]

Generator = Literal["mkdocs", "sphinx"]

# Searched in this order: a project with both an mkdocs.yml and a conf.py builds with MkDocs
# unless [tool.noxkit.docs] config names the other.
CANDIDATES = ("mkdocs.yml", "mkdocs.yaml", "docs/conf.py", "docs/source/conf.py", "conf.py")
SERVE = "--serve"


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
        found = next((root / c for c in CANDIDATES if (root / c).is_file()), None)
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
