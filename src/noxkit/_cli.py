"""The ``noxkit`` command (a thin layer over the modules; more commands arrive with CI work)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from noxkit._errors import ConfigError
from noxkit._plan import load_plan

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["main"]


def _plan_command(_: argparse.Namespace) -> int:
    plan = load_plan()
    print(f"project: {plan.project.name} ({plan.config.root})")
    print(f"packages: {', '.join(plan.project.package_paths) or '(none found)'}")
    print(f"pythons: {', '.join(plan.project.pythons)} (from {plan.project.python_source})")
    for session in plan.sessions.values():
        default = "default" if session.default else "on request"
        print(f"\n{session.name} ({default}): {session.description}")
        if session.requirements:
            print(f"  installs: {' '.join(session.requirements)}")
        if session.install_project:
            mode = "editable" if session.editable else "built"
            print(f"  installs the project ({mode})")
        for command in session.commands:
            print(f"  runs: {' '.join(command)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``noxkit`` command."""
    parser = argparse.ArgumentParser(prog="noxkit", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    plan = sub.add_parser("plan", help="show what each session installs and runs")
    plan.set_defaults(func=_plan_command)
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
    except ConfigError as exc:
        print(f"noxkit: error: {exc}", file=sys.stderr)
        return 2
    return result


if __name__ == "__main__":
    sys.exit(main())
