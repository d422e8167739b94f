"""What measuring coverage costs: plain pytest, coverage.py's cores, and noxkit's sessions.

Usage::

    PYENV_VERSION=3.11.7:3.12.1 python benchmarks/coverage_cores.py [--rounds 3] [--python 3.12]
        [--projects more-itertools toolz cachetools] [--no-ctrace] [--sample] [--workdir DIR]

Run it with the Python that has nox, noxkit and uv installed (the developer venv). Two parts:

**Real projects** (``--projects``; sdists fetched by pinned version with ``pip download
--no-binary :all:``, tests included). One environment per project on ``--python`` (the project
editable, pytest, coverage), then per round, side by side in a rotating order:

- ``plain``: ``python -m pytest``, what a developer types without coverage;
- ``ctrace``: ``coverage run -m pytest`` with the C tracer, coverage.py's default before 3.14
  and what noxkit's ``tests`` ran before it chose cores (``--no-ctrace`` leaves it out: it is
  the slow one, 3 to 4 times plain pytest on more-itertools);
- ``sysmon``: the same with ``COVERAGE_CORE=sysmon``;
- ``noxkit``: ``nox -R -s tests-<python>`` on a copy of the project with a
  ``noxkit.register()`` noxfile; its figure is the session's tool time from the run report
  (the environment is reused; what is left is pytest under the core noxkit chose).

**Bench sample** (``--sample``; ``/work/shared/bench/gen_sample.py``, with a ``test`` group
and ``python = ["3.11"]``): the warm ``coverage`` session, before (combine, XML, HTML, report:
noxkit's behaviour until the reports were made conditional) and after (combine and report;
and with the data unchanged, the report alone), against FLOOR's ``coverage report``.

Every figure is a median over the rounds, of wall time and of CPU time (user + system of the
process tree). The machine this was written on is shared and loaded: wall times swing, CPU
times much less; ratios of paired runs are what to read.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOXKIT_SRC = HERE.parent / "src"
X = "\N{MULTIPLICATION SIGN}"


@dataclass(frozen=True)
class RealProject:
    """A project whose sdist carries its tests, pinned so figures can be reproduced."""

    name: str
    version: str
    tests: str
    """What pytest is given (a folder, or the package for in-package tests)."""
    extra: tuple[str, ...] = ()
    """Test dependencies beyond pytest and coverage."""


PROJECTS = {
    "more-itertools": RealProject("more-itertools", "11.2.1", "tests"),
    "toolz": RealProject("toolz", "1.0.0", "toolz"),
    "cachetools": RealProject("cachetools", "6.2.6", "tests"),
}

NOXFILE = f"""\
import sys
sys.path.insert(0, {str(NOXKIT_SRC)!r})
import noxkit
noxkit.register(only=["tests", "coverage"])
"""


@dataclass
class Timing:
    """The samples of one scenario."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    tools: list[float] = field(default_factory=list)

    def median(self, which: str) -> float:
        values = getattr(self, which)
        return statistics.median(values) if values else float("nan")


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    # Bytecode is written and reused, as on a developer's machine by default.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for name in ("COVERAGE_CORE", "COVERAGE_FILE", "COVERAGE_RCFILE", "CI", "NOXKIT_SET"):
        env.pop(name, None)
    env.update(extra or {})
    return env


def timed(args: list[str], cwd: Path, extra: dict[str, str] | None = None) -> tuple[float, float]:
    """Run a command to the end; its wall time and the CPU time of its whole process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        args,
        cwd=cwd,
        env=_env(extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):  # 1: a project's own failing test is not ours to fix
        tail = proc.stdout.decode(errors="replace")[-3000:]
        sys.exit(f"failed ({proc.returncode}): {' '.join(args)}\n{tail}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _python(version: str) -> str:
    exe = shutil.which(f"python{version}")
    if exe is None or subprocess.run([exe, "-c", "pass"], check=False).returncode:
        sys.exit(f"python{version} is not available (with pyenv: PYENV_VERSION=...:{version}.x)")
    return exe


def _uv(*args: str, cwd: Path | None = None) -> None:
    subprocess.run([sys.executable, "-m", "uv", *args], cwd=cwd, check=True, env=_env())


def fetch(project: RealProject, workdir: Path) -> Path:
    """Download and unpack the pinned sdist (once)."""
    dist = workdir / "sdists"
    dist.mkdir(parents=True, exist_ok=True)
    stem = project.name.replace("-", "_")
    found = sorted(dist.glob(f"{stem}-{project.version}.tar.gz")) or sorted(
        dist.glob(f"{project.name}-{project.version}.tar.gz")
    )
    if not found:
        # pip downloads sdists (uv does not); the developer venv may have none, the PATH's does.
        has_pip = importlib.util.find_spec("pip") is not None
        pip = [sys.executable, "-m", "pip"] if has_pip else [shutil.which("pip") or "pip"]
        subprocess.run(
            [*pip, "download", "-q", "--no-binary", ":all:", "--no-deps",
             "-d", str(dist), f"{project.name}=={project.version}"],
            check=True,
        )  # fmt: skip
        found = sorted(dist.glob(f"*{project.version}.tar.gz"))
    with tarfile.open(found[0]) as archive:
        top = archive.getnames()[0].split("/")[0]
        target = workdir / top
        if not target.exists():
            archive.extractall(workdir, filter="data")
    return target


def prepare(project: RealProject, source: Path, python: str, version: str) -> tuple[Path, Path]:
    """A venv for the direct runs, and a copy with a noxfile for noxkit (its env built)."""
    venv = source / f".venv-{version}"
    if not venv.exists():
        _uv("venv", "-q", "-p", python, str(venv))
        _uv("pip", "install", "-q", "--python", str(venv / "bin" / "python"), "-e", str(source),
            "pytest", "coverage", *project.extra)  # fmt: skip
    copy = source.parent / f"{source.name}-noxkit"
    if not copy.exists():
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns(".venv-*"))
        (copy / "noxfile.py").write_text(NOXFILE, encoding="utf-8")
        extra = ", ".join(f'"{e}"' for e in project.extra)
        pyproject = copy / "pyproject.toml"
        text = pyproject.read_text(encoding="utf-8") if pyproject.exists() else ""
        pyproject.write_text(
            text + f'\n[tool.noxkit]\npython = ["{version}"]\n'
            f'[tool.noxkit.tests]\nargs = ["-q", "-p", "no:cacheprovider", "{project.tests}"]\n'
            f"deps = [{extra}]\nmaxfail = 0\n",
            encoding="utf-8",
        )
    return venv, copy


def noxkit_tools_time(copy: Path, session: str) -> float:
    report = json.loads((copy / ".nox/noxkit/run-report.json").read_text(encoding="utf-8"))
    return next(float(r["tools"]) for r in report["sessions"] if r["session"] == session)


def bench_project(
    project: RealProject, workdir: Path, version: str, rounds: int, *, ctrace: bool
) -> dict[str, Timing]:
    source = fetch(project, workdir)
    venv, copy = prepare(project, source, _python(version), version)
    py = str(venv / "bin" / "python")
    pytest_args = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "--maxfail=0", project.tests]
    nox = [sys.executable, "-m", "nox", "-R", "-s", f"tests-{version}"]
    scenarios: dict[str, tuple[list[str], Path, dict[str, str]]] = {
        "plain": ([py, *pytest_args], source, {}),
        "sysmon": (
            [py, "-m", "coverage", "run", *pytest_args],
            source,
            {"COVERAGE_CORE": "sysmon"},
        ),
        "noxkit": (nox, copy, {}),
    }
    if ctrace:
        scenarios["ctrace"] = (
            [py, "-m", "coverage", "run", *pytest_args], source, {"COVERAGE_CORE": "ctrace"},
        )  # fmt: skip
    # An untimed round: builds noxkit's environment and every bytecode cache.
    print(f"{project.name}: warming up", file=sys.stderr, flush=True)
    subprocess.run([*nox[:3], "-r", *nox[4:]], cwd=copy, env=_env(), check=False,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    timed([py, *pytest_args], source)
    results = {name: Timing() for name in scenarios}
    names = list(scenarios)
    for index in range(rounds):
        order = names[index % len(names) :] + names[: index % len(names)]
        for name in order:
            args, cwd, extra = scenarios[name]
            wall, cpu = timed(args, cwd, extra)
            results[name].wall.append(wall)
            results[name].cpu.append(cpu)
            if name == "noxkit":
                results[name].tools.append(noxkit_tools_time(copy, f"tests-{version}"))
            print(f"  round {index + 1} {name}: {wall:.1f}s wall, {cpu:.1f}s CPU", file=sys.stderr)
    return results


def bench_sample(workdir: Path, generator: Path, rounds: int) -> dict[str, Timing]:
    """The warm coverage session: before (XML+HTML), after, after with unchanged data; FLOOR."""
    root = workdir / "sample"
    if not root.exists():
        subprocess.run([sys.executable, str(generator), str(root)], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        text = (root / "pyproject.toml").read_text(encoding="utf-8")
        text = text.replace("[dependency-groups]\n", '[dependency-groups]\ntest = ["pytest"]\n')
        text += '\n[tool.noxkit]\npython = ["3.11"]\n'
        (root / "pyproject.toml").write_text(text, encoding="utf-8")
        (root / "noxfile.py").write_text(NOXFILE, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "nox", "-r", "-s", "tests", "coverage"], cwd=root,
                   env=_env(), check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    out = root / ".nox/noxkit"
    stamp = out / "combined-inputs.sha256"
    nox = [sys.executable, "-m", "nox", "-R", "--no-dependencies", "-s", "coverage"]
    both = {"NOXKIT_SET": "coverage.xml=true;coverage.html=true"}
    cov = str(root / ".nox/coverage/bin/coverage")
    floor_env = {
        "COVERAGE_RCFILE": str(out / "coveragerc"),
        "COVERAGE_FILE": str(out / ".coverage"),
    }
    scenarios = {
        "before: combine, xml, html, report": (nox, both, True),
        "after: combine, report": (nox, {}, True),
        "after, data unchanged: report": (nox, {}, False),
        "FLOOR: coverage report": ([cov, "report"], floor_env, False),
    }
    results = {name: Timing() for name in scenarios}
    names = list(scenarios)
    for index in range(rounds):
        order = names[index % len(names) :] + names[: index % len(names)]
        for name in order:
            args, extra, recombine = scenarios[name]
            if recombine:
                stamp.unlink(missing_ok=True)  # as after a tests run: the data changed
            elif args is nox and not stamp.exists():
                timed(nox, root)  # leave a stamp behind: the unchanged case
            wall, cpu = timed(args, root, extra)
            results[name].wall.append(wall)
            results[name].cpu.append(cpu)
            if args is nox:
                results[name].tools.append(noxkit_tools_time(root, "coverage"))
    return results


def _table(results: dict[str, Timing], base: str) -> str:
    rows = ["| scenario | wall | / base | CPU | / base | noxkit tool time | / base wall |",
            "|---|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    ref = results[base]
    for name, timing in results.items():
        wall, cpu, tools = timing.median("wall"), timing.median("cpu"), timing.median("tools")
        tools_cells = (
            f"{tools:.2f}s | {tools / ref.median('wall'):.2f}{X}" if timing.tools else " | "
        )
        rows.append(
            f"| {name} | {wall:.2f}s | {wall / ref.median('wall'):.2f}{X} | {cpu:.2f}s "
            f"| {cpu / ref.median('cpu'):.2f}{X} | {tools_cells} |"
        )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--python", default="3.12")
    parser.add_argument("--projects", nargs="*", default=list(PROJECTS), choices=list(PROJECTS))
    parser.add_argument("--no-ctrace", action="store_true", help="leave out the C tracer runs")
    parser.add_argument("--sample", action="store_true", help="also the coverage session")
    parser.add_argument("--sample-generator", type=Path,
                        default=Path("/work/shared/bench/gen_sample.py"))  # fmt: skip
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="noxkit-cov-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    from importlib.metadata import version  # noqa: PLC0415 - only to print versions

    print(f"# coverage cores, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    print(f"nox {version('nox')}, coverage.py as pip resolves it (the run logs print it), ")
    print(f"Python {args.python} for the projects, ", end="")
    print(f"{args.rounds} rounds; workdir {workdir}\n")
    for name in args.projects:
        project = PROJECTS[name]
        results = bench_project(
            project, workdir, args.python, args.rounds, ctrace=not args.no_ctrace
        )
        print(f"## {project.name} {project.version}, Python {args.python}\n")
        print(_table(results, "plain") + "\n", flush=True)
    if args.sample:
        results = bench_sample(workdir, args.sample_generator, args.rounds)
        print("## bench sample: the warm coverage session\n")
        print(_table(results, "FLOOR: coverage report") + "\n", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
