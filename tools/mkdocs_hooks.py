"""MkDocs hooks for noxkit's site: pages that are generated from the code at build time.

The command-line reference is the ``noxkit`` parser's own help, so it cannot drift from the
code. (The configuration reference is generated too, but committed, because it is also read on
the forge without a build: see ``python -m noxkit._config.reference``.)
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from noxkit._cli.main import _parser

MARKER = "<!-- noxkit:cli-help -->"


def cli_help() -> str:
    """The help of ``noxkit`` and of each of its subcommands, as Markdown."""
    # A fixed width: the page must not depend on the terminal that builds it.
    os.environ["COLUMNS"] = "96"
    parser = _parser()
    parts = ["## `noxkit`\n", "```text\n" + parser.format_help() + "```\n"]
    for action in parser._actions:  # noqa: SLF001 - argparse exposes subcommands only here
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001 - as above
            for name, sub in action.choices.items():
                parts += [f"## `noxkit {name}`\n", "```text\n" + sub.format_help() + "```\n"]
    return "\n".join(parts)


def on_page_markdown(markdown: str, **_: Any) -> str:  # noqa: ANN401 - MkDocs passes objects
    """Replace the marker with the generated help."""
    return markdown.replace(MARKER, cli_help()) if MARKER in markdown else markdown
