"""The ``noxkit`` command: thin wiring over the modules that do the work."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from noxkit._config import load_config
from noxkit._doctor import diagnose, render
from noxkit._errors import ConfigError
from noxkit._plan import build_plan
from noxkit._profiles import load_profile
from noxkit._version import __version__

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["main"]


def _doctor(args: argparse.Namespace) -> int:
    profile = load_profile(args.profile) if args.profile else None
    plan = build_plan(load_config(Path(args.root), profile=profile))
    diagnosis = diagnose(plan)
    if args.json:
        print(json.dumps(diagnosis.as_json(), indent=2))
    else:
        print(render(diagnosis))
    return 1 if diagnosis.problems else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="noxkit", description="The standard quality pipeline for Python projects."
    )
    parser.add_argument("--version", action="version", version=f"noxkit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    doctor = sub.add_parser(
        "doctor",
        help="show what would run, every setting with the layer that set it, and problems",
        description="Exit 0 when no problem is found, 1 when one is, 2 on a configuration error.",
    )
    doctor.add_argument("--json", action="store_true", help="machine-readable output")
    doctor.add_argument("-C", "--root", default=".", help="the project folder (default: .)")
    doctor.add_argument(
        "--profile", help="diagnose with this profile (as a team's register() wrapper would)"
    )
    doctor.set_defaults(func=_doctor)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``noxkit`` command."""
    args = _parser().parse_args(argv)
    try:
        result: int = args.func(args)
    except ConfigError as exc:
        print(f"noxkit: error: {exc}", file=sys.stderr)
        return 2
    return result


if __name__ == "__main__":
    sys.exit(main())
