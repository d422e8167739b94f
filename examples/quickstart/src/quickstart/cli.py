"""The `quickstart` command."""

from __future__ import annotations

import argparse

from quickstart.greet import greeting


def main(argv: list[str] | None = None) -> int:
    """Print a greeting."""
    parser = argparse.ArgumentParser(prog="quickstart", description="Print a greeting.")
    parser.add_argument("name", nargs="?", default="", help="who to greet")
    args = parser.parse_args(argv)
    print(greeting(args.name))
    return 0
