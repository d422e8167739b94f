"""The ``noxkit`` command: thin wiring over the modules that do the work."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from noxkit._cli.doctor import diagnose, render
from noxkit._cli.init import init_github_extras, init_project
from noxkit._config.profiles import load_profile
from noxkit._config.schema import load_config
from noxkit._errors import ConfigError, print_error
from noxkit._formats.ci import (
    CiOptions,
    default_path,
    github_workflow,
    gitlab_ci,
    lock_file,
    noxfile_deps,
    shards_of,
)
from noxkit._plan.plan import build_plan, load_plan
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
    _add_ci_commands(sub)
    _add_report_parser(sub)
    return parser


def _add_ci_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ci = sub.add_parser("ci", help="write the CI configuration that runs the noxkit sessions")
    ci.add_argument("provider", choices=["github", "gitlab"])
    ci.add_argument(
        "--shards",
        type=int,
        default=None,
        help="split the tests into N jobs (default: as the existing file was generated, else 1)",
    )
    ci.add_argument("--check", action="store_true", help="fail if the committed file is stale")
    ci.add_argument("--output", help="where to write (default: the provider's usual path)")
    ci.add_argument("-C", "--root", default=".", help="the project folder (default: .)")
    ci.set_defaults(func=_ci_command)

    init = sub.add_parser("init", help="add a noxfile, [tool.noxkit] and a CI workflow")
    init.add_argument("--ci", choices=["github", "gitlab", "none"], default="github")
    init.add_argument("--force", action="store_true", help="overwrite existing files")
    init.add_argument("-C", "--root", default=".", help="the project folder (default: .)")
    init.set_defaults(func=_init_command)


def _generate(provider: str, root: Path, shards: int) -> str:
    plan = load_plan(root)
    options = CiOptions(
        shards=shards,
        noxfile_deps=noxfile_deps(root / "noxfile.py"),
        lock=lock_file(plan),
    )
    return github_workflow(plan, options) if provider == "github" else gitlab_ci(plan, options)


def _ci_command(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve()
    relative = args.output or default_path(args.provider)
    path = root / relative
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    count = args.shards if args.shards is not None else shards_of(current or "") or 1
    if count < 1:
        raise ConfigError(f"--shards must be at least 1, got {count}")
    text = _generate(args.provider, root, count)
    if args.check:
        if current == text:
            print(f"{relative} is up to date")
            return 0
        state = "is missing" if current is None else "differs from what noxkit generates"
        flags = (f" --shards {count}" if count > 1 else "") + (
            f" --output {args.output}" if args.output else ""
        )
        print(
            f"noxkit: {relative} {state}; run `noxkit ci {args.provider}{flags}` "
            "and commit the result",
            file=sys.stderr,
        )
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {relative}" + (" (unchanged)" if current == text else ""))
    return 0


def _init_command(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve()
    result = init_project(root, force=args.force)
    if args.ci != "none":
        relative = default_path(args.ci)
        path = root / relative
        if path.exists() and not args.force:
            result.kept.append(relative)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_generate(args.ci, root, 1), encoding="utf-8")
            result.written.append(relative)
        if args.ci == "github":
            init_github_extras(root, force=args.force, result=result)
    for name in result.written:
        print(f"wrote {name}")
    for name in result.kept:
        print(f"kept {name}: it exists (--force overwrites files; the table is never replaced)")
    for line in result.advice:
        print(f"next: {line}")
    if result.written:
        print("next: `nox -l` lists the sessions, `nox` runs the pipeline")
    return 0


def _add_report_parser(sub: Any) -> None:  # noqa: ANN401 - argparse's private subparsers type
    report = sub.add_parser("report", help="work with run reports (run-report.json)")
    report_sub = report.add_subparsers(dest="report_command", required=True, metavar="COMMAND")
    diff = report_sub.add_parser(
        "diff",
        help="say whether two runs had identical environments, and what differed",
        description="Exit 0 when identical, 1 when they differ, 2 when a file is unreadable.",
    )
    diff.add_argument("a", help="the first run report (JSON)")
    diff.add_argument("b", help="the second run report (JSON)")
    diff.set_defaults(func=_report_diff_command)
    _add_history_parser(report_sub)


def _add_history_parser(report_sub: Any) -> None:  # noqa: ANN401 - argparse's private type
    history = report_sub.add_parser(
        "history",
        help="per-session durations over the last runs; flag regressions and drifting artifacts",
        description="Exit 0, or 1 with --fail-on-regression when the latest run has a "
        "regression or a revision and lock built different artifacts; 2 on a bad file.",
    )
    history.add_argument(
        "file", nargs="?", help="the history (default: history.jsonl in the output folder)"
    )
    history.add_argument("-C", "--root", default=".", help="the project folder (default: .)")
    history.add_argument("-n", "--last", type=int, default=10, help="runs shown (default: 10)")
    history.add_argument(
        "--factor", type=float, default=1.5, help="slower than FACTOR x the median (default 1.5)"
    )
    history.add_argument(
        "--min-seconds", type=float, default=1.0, help="and by at least this much (default 1)"
    )
    history.add_argument(
        "--fail-on-regression", action="store_true", help="exit 1 when the latest run regressed"
    )
    history.add_argument("--html", metavar="PATH", help="also write the HTML page here")
    history.add_argument("--json", action="store_true", help="machine-readable output")
    history.set_defaults(func=_report_history_command)


def _report_history_command(args: argparse.Namespace) -> int:
    """Trends and regressions from the run history."""
    from noxkit._cli.history import history_command  # noqa: PLC0415

    return history_command(args)


def _report_diff_command(args: argparse.Namespace) -> int:
    """Compare the environments of two run reports: 0 identical, 1 different, 2 unreadable."""
    from noxkit._formats.report import diff_reports  # noqa: PLC0415

    reports = []
    for name in (args.a, args.b):
        try:
            data = json.loads(Path(name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print_error(f"cannot read run report {name}: {exc}")
            return 2
        if not isinstance(data, dict) or not isinstance(data.get("sessions"), list):
            print_error(f"{name} is not a noxkit run report")
            return 2
        reports.append(data)
    identical, lines = diff_reports(reports[0], reports[1])
    for line in lines:
        print(line)
    print("identical environments" if identical else "environments differ")
    return 0 if identical else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``noxkit`` command."""
    args = _parser().parse_args(argv)
    try:
        result: int = args.func(args)
    except ConfigError as exc:
        print_error(exc)
        return 2
    return result


if __name__ == "__main__":
    sys.exit(main())
