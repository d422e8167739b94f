"""Benchmark noxkit's pipeline against the tools run directly (FLOOR) and a plain noxfile.

Usage: python benchmarks/run_benchmark.py [--runs 5] [--workdir DIR] [--sample-generator PATH]

Run it with the Python that has nox, noxkit and uv installed (the developer venv). It:

1. generates the sample project (``/work/shared/bench/gen_sample.py`` by default: ~27 modules,
   ~300 tests) into one copy per scenario (FLOOR, plain noxfile cold/warm, noxkit cold/warm);
2. builds the FLOOR environment once (ruff, mypy, pytest, coverage and the project, with
   ``.pyc`` compiled, like any preinstalled tool set);
3. measures, round-robin so that machine drift hits every scenario alike, the median wall time
   of each scenario over ``--runs`` rounds, and prints a Markdown table with ratios to FLOOR.

The package cache (uv's) is warm for every "cold" run: cold means no environments.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NOXKIT_NOXFILE = """\
import noxkit

noxkit.register(only=["lint", "typecheck", "tests", "coverage"])
"""

NOXKIT_CONFIG = """
[tool.noxkit]
python = ["{python}"]

[tool.noxkit.envs]
reuse = "fingerprint"

[tool.noxkit.tests]
args = ["-q"]

# FLOOR ends with `coverage report`; noxkit's `coverage` session does that (and no XML/HTML).
[tool.noxkit.coverage]
xml = false
html = false
"""

PIPELINE = ["-s", "lint", "typecheck", "tests"]
# The same work as FLOOR: noxkit's `tests` measures, its `coverage` session reports.
NOXKIT_PIPELINE = ["-s", "lint", "typecheck", "tests", "coverage"]
FLOOR_COMMANDS = [
    ["ruff", "check", "."],
    ["ruff", "format", "--check", "."],
    ["mypy", "src"],
    ["coverage", "run", "-m", "pytest", "-q", "--maxfail=1"],
    ["coverage", "report"],
]


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> None:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"benchmark step failed: {' '.join(args)}\n{proc.stdout}\n{proc.stderr}")


def _timed(commands: list[list[str]], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    for command in commands:
        _run(command, cwd, env)
    return time.perf_counter() - start


def _setup(workdir: Path, generator: Path) -> tuple[dict[str, Path], Path]:
    """One copy of the sample per scenario, so a cold run never resets a warm one's state."""
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    copies: dict[str, Path] = {}
    for name in ("floor", "plain-cold", "plain-warm", "noxkit-cold", "noxkit-warm"):
        dest = workdir / name
        shutil.rmtree(dest, ignore_errors=True)
        _run([sys.executable, str(generator), str(dest)], workdir, dict(os.environ))
        copies[name] = dest
        if name.startswith("noxkit"):
            (dest / "noxfile.py").write_text(NOXKIT_NOXFILE, encoding="utf-8")
            with (dest / "pyproject.toml").open("a", encoding="utf-8") as out:
                out.write(NOXKIT_CONFIG.format(python=python))
    venv = workdir / "floor-venv"
    uv = shutil.which("uv") or "uv"
    env = dict(os.environ)
    _run([uv, "venv", "-q", "--clear", "--python", sys.executable, str(venv)], workdir, env)
    _run(
        [uv, "pip", "install", "-q", "--compile-bytecode", "--python", str(venv / "bin/python"),
         "ruff", "mypy", "pytest", "coverage", "-e", str(copies["floor"])],
        workdir,
        env,
    )  # fmt: skip
    return copies, venv


def main() -> int:
    """Generate, measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--unset-dontwritebytecode",
        action="store_true",
        help="measure without PYTHONDONTWRITEBYTECODE (it is set on some machines' shells)",
    )
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--sample-generator", type=Path, default=Path("/work/shared/bench/gen_sample.py")
    )
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="noxkit-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    copies, venv = _setup(workdir, args.sample_generator)
    floor = copies["floor"]

    dropped = {"VIRTUAL_ENV", "CI"}
    if args.unset_dontwritebytecode:
        dropped.add("PYTHONDONTWRITEBYTECODE")
    base_env = {k: v for k, v in os.environ.items() if k not in dropped}
    base_env["NO_COLOR"] = "1"
    floor_env = dict(base_env, PATH=f"{venv / 'bin'}{os.pathsep}{base_env['PATH']}")
    nox = [sys.executable, "-m", "nox", "--non-interactive"]
    plain_nox = [*nox, "--default-venv-backend", "uv"]

    def cold(project: Path, command: list[str]) -> float:
        shutil.rmtree(project / ".nox", ignore_errors=True)
        return _timed([command], project, base_env)

    def warm(project: Path, command: list[str]) -> float:
        return _timed([command], project, base_env)

    scenarios = {
        "FLOOR (tools preinstalled, run directly)": lambda: _timed(
            FLOOR_COMMANDS, floor, floor_env
        ),
        "noxkit cold": lambda: cold(copies["noxkit-cold"], [*nox, *NOXKIT_PIPELINE]),
        "noxkit cold, lint typecheck tests only": lambda: cold(
            copies["noxkit-cold"], [*nox, *PIPELINE]
        ),
        "noxkit warm (fingerprint reuse)": lambda: warm(
            copies["noxkit-warm"], [*nox, *NOXKIT_PIPELINE]
        ),
        "plain noxfile, uv, cold": lambda: cold(copies["plain-cold"], [*plain_nox, *PIPELINE]),
        "plain noxfile, uv, warm (-R)": lambda: warm(
            copies["plain-warm"], [*plain_nox, "-R", *PIPELINE]
        ),
        "nox -l, noxkit": lambda: warm(copies["noxkit-warm"], [*nox, "-l"]),
        "nox -l, plain noxfile": lambda: warm(copies["plain-warm"], [*nox, "-l"]),
    }
    # Two untimed rounds: the first builds the warm scenarios' environments and warms mypy's
    # and ruff's caches; the second is the first reuse (noxkit writes its bytecode cache then).
    for _ in range(2):
        for run in scenarios.values():
            run()
    times: dict[str, list[float]] = {name: [] for name in scenarios}
    for round_number in range(args.runs):
        for name, run in scenarios.items():
            times[name].append(run())
        print(f"round {round_number + 1}/{args.runs} done", file=sys.stderr)

    medians = {name: statistics.median(values) for name, values in times.items()}
    floor_time = medians["FLOOR (tools preinstalled, run directly)"]
    plain_list = medians["nox -l, plain noxfile"]
    machine = f"{platform.platform()}, {os.cpu_count()} CPUs"
    print(f"\nmachine: {machine}, Python {platform.python_version()}")
    print(f"PYTHONDONTWRITEBYTECODE={base_env.get('PYTHONDONTWRITEBYTECODE', '(unset)')}")
    print(f"median of {args.runs} runs, {time.strftime('%Y-%m-%d %H:%M %Z')}\n")
    print("| scenario | median | ratio | all runs |\n|---|---:|---:|---|")
    for name, value in medians.items():
        base = plain_list if name.startswith("nox -l") else floor_time
        label = "x plain -l" if name.startswith("nox -l") else "x FLOOR"
        runs = ", ".join(f"{t:.2f}" for t in times[name])
        print(f"| {name} | {value:.2f}s | {value / base:.2f}{label} | {runs} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
