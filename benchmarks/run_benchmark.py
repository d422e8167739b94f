"""Reproduce every figure of issue 12: noxkit against FLOOR, pytest, a hand-written noxfile, tox-uv.

Usage::

    python benchmarks/run_benchmark.py --quick            # the sample only, 1 timed round
    python benchmarks/run_benchmark.py --runs 5           # the sample and the real projects
    python benchmarks/run_benchmark.py --projects sample iniconfig --runs 3

Run it with the Python that has nox, noxkit and uv installed (the developer venv). For each
project (the bench sample from ``gen_sample.py`` and real projects fetched as sdists by pinned
version from PyPI) it makes one copy per scenario, so a cold run never resets a warm one, and
measures round-robin (every scenario once per round, so machine drift hits all alike):

* FLOOR: the tools run directly from one preinstalled environment (bytecode compiled):
  ``ruff check . && ruff format --check . && mypy src && coverage run -m pytest -q
  --maxfail=1 && coverage report`` (real projects: without mypy); cold = no tool caches.
* pytest: plain ``pytest -q`` from the same environment.
* noxkit: a 3-line noxfile with ``noxkit.register()`` and noxkit's defaults, ``nox -s lint
  typecheck tests coverage`` (real projects: ``lint tests coverage``), sequential and with
  ``-j auto``; cold = no ``.nox`` and no tool caches (uv's package cache warm), warm = again
  with nothing changed (noxkit's default fingerprint reuse, no ``-R``).
* the hand-written uv noxfile (``--default-venv-backend uv``; warm: ``-R``, which skips
  installs blindly), sequential and ``-j auto --allow-parallel``.
* tox 4 + tox-uv, installed in a throwaway venv: cold ``tox -r`` (and ``-p auto``), warm ``tox``.
* ``nox -l`` with noxkit against the hand-written noxfile.

``PYTHONDONTWRITEBYTECODE`` is unset for every scenario. Results: medians and ratios, printed
as Markdown (the table in benchmarks/README.md comes from here).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

if TYPE_CHECKING:
    from collections.abc import Callable

NOXKIT_NOXFILE = "import noxkit\n\nnoxkit.register()\n"
SAMPLE_CONFIG = '\n[tool.noxkit]\npython = ["{python}"]\n'
REAL_CONFIG = '\n[tool.noxkit]\npython = ["{python}"]\n\n[tool.noxkit.tests]\ndeps = {deps}\n'
TOOL_CACHES = (".mypy_cache", ".ruff_cache", ".pytest_cache", ".coverage")


@dataclass(frozen=True)
class Real:
    """A real project: its sdist on PyPI, pinned, and what its tests need."""

    name: str
    version: str
    test_deps: tuple[str, ...] = ("pytest",)


REAL_PROJECTS = {
    "more-itertools": Real("more-itertools", "11.2.1"),
    "iniconfig": Real("iniconfig", "2.3.1"),
    "boltons": Real("boltons", "26.2.0"),
}


@dataclass
class Project:
    """One benchmarked project: its copies, its pipeline, its FLOOR environment."""

    name: str
    source: Path
    sessions: list[str]
    floor: list[list[str]]
    strict: bool
    """The sample is clean: a failing command there is a broken benchmark. Real projects may
    have lint findings; their runs are timed whatever the exit code."""
    copies: dict[str, Path] = field(default_factory=dict)
    venv: Path | None = None


def _run(args: list[str], cwd: Path, env: dict[str, str], *, strict: bool = True) -> int:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0 and strict:
        sys.exit(f"benchmark step failed in {cwd}: {' '.join(args)}\n{proc.stdout}\n{proc.stderr}")
    return proc.returncode


def _fetch_sdist(real: Real, dest: Path) -> None:
    """Unpack the pinned sdist into ``dest`` (PyPI's JSON API, relative URLs of mirrors ok)."""
    base = f"https://pypi.org/pypi/{real.name}/json"
    with urllib.request.urlopen(base, timeout=60) as response:
        data = json.load(response)
    files = [f for f in data["releases"].get(real.version, []) if f["packagetype"] == "sdist"]
    if not files:
        sys.exit(f"no sdist of {real.name} {real.version} on PyPI")
    with urllib.request.urlopen(urljoin(base, files[0]["url"]), timeout=120) as response:
        blob = response.read()
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        tar.extractall(tmp, filter="data")
        (top,) = Path(tmp).iterdir()
        shutil.copytree(top, dest)


def _hand_noxfile(real: Real) -> str:
    deps = ", ".join(repr(d) for d in (*real.test_deps, "coverage"))
    return f'''"""Plain hand-written nox sessions: lint, tests."""

import nox


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff")
    session.run("ruff", "check", ".", success_codes=[0, 1])
    session.run("ruff", "format", "--check", ".", success_codes=[0, 1])


@nox.session
def tests(session: nox.Session) -> None:
    session.install({deps}, "-e", ".")
    session.run("coverage", "run", "-m", "pytest", "-q", "--maxfail=1")
    session.run("coverage", "report")
'''


def _hand_tox(real: Real) -> str:
    deps = "\n    ".join((*real.test_deps, "coverage"))
    return f"""[tox]
env_list = lint, tests

[testenv:lint]
skip_install = true
deps = ruff
commands =
    - ruff check .
    - ruff format --check .

[testenv:tests]
package = editable
deps =
    {deps}
commands =
    coverage run -m pytest -q --maxfail=1
    coverage report
"""


SCENARIO_COPIES = (
    "floor", "nk-cold", "nk-warm", "nkj-cold", "nkj-warm",
    "hand-cold", "hand-warm", "handj-cold", "handj-warm", "tox-cold", "tox-warm",
)  # fmt: skip


def _make_copies(project: Project, python: str, real: Real | None) -> None:
    for name in SCENARIO_COPIES:
        dest = project.source.parent / f"{project.name}-{name}"
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(project.source, dest)
        if name.startswith("nk"):
            (dest / "noxfile.py").write_text(NOXKIT_NOXFILE, encoding="utf-8")
            with (dest / "pyproject.toml").open("a", encoding="utf-8") as out:
                if real is None:
                    out.write(SAMPLE_CONFIG.format(python=python))
                else:
                    out.write(REAL_CONFIG.format(python=python, deps=json.dumps(real.test_deps)))
        elif real is not None:
            (dest / "noxfile.py").write_text(_hand_noxfile(real), encoding="utf-8")
            (dest / "tox.ini").write_text(_hand_tox(real), encoding="utf-8")
        project.copies[name] = dest


def _sample(workdir: Path, generator: Path, python: str) -> Project:
    source = workdir / "sample-src"
    shutil.rmtree(source, ignore_errors=True)
    _run([sys.executable, str(generator), str(source)], workdir, dict(os.environ))
    pyproject = source / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(
        text.replace("[dependency-groups]\n", '[dependency-groups]\ntest = ["pytest"]\n', 1),
        encoding="utf-8",
    )
    project = Project(
        name="sample",
        source=source,
        sessions=["lint", "typecheck", "tests", "coverage"],
        floor=[
            ["ruff", "check", "."],
            ["ruff", "format", "--check", "."],
            ["mypy", "src"],
            ["coverage", "run", "-m", "pytest", "-q", "--maxfail=1"],
            ["coverage", "report"],
        ],
        strict=True,
    )
    _make_copies(project, python, None)
    return project


def _real(workdir: Path, real: Real, python: str) -> Project:
    source = workdir / f"{real.name}-src"
    if not source.is_dir():
        _fetch_sdist(real, source)
    project = Project(
        name=real.name,
        source=source,
        sessions=["lint", "tests", "coverage"],
        floor=[
            ["ruff", "check", "."],
            ["ruff", "format", "--check", "."],
            ["coverage", "run", "-m", "pytest", "-q", "--maxfail=1"],
            ["coverage", "report"],
        ],
        strict=False,
    )
    _make_copies(project, python, real)
    return project


def _floor_venv(project: Project, extra: tuple[str, ...]) -> None:
    venv = project.source.parent / f"{project.name}-floor-venv"
    uv = shutil.which("uv") or "uv"
    env = dict(os.environ)
    _run([uv, "venv", "-q", "--clear", "--python", sys.executable, str(venv)], venv.parent, env)
    _run(
        [uv, "pip", "install", "-q", "--compile-bytecode", "--python", str(venv / "bin/python"),
         "ruff", "mypy", "pytest", "coverage", *extra, "-e", str(project.copies["floor"])],
        venv.parent,
        env,
    )  # fmt: skip
    project.venv = venv


def _tox_venv(workdir: Path) -> Path:
    """tox 4 and tox-uv in a throwaway environment (never the developer's)."""
    venv = workdir / "tox-venv"
    if not (venv / "bin" / "tox").exists():
        uv = shutil.which("uv") or "uv"
        env = dict(os.environ)
        _run([uv, "venv", "-q", "--clear", "--python", sys.executable, str(venv)], workdir, env)
        _run([uv, "pip", "install", "-q", "--python", str(venv / "bin/python"), "tox", "tox-uv"],
             workdir, env)  # fmt: skip
    return venv


def _clean(path: Path, *, envs: bool) -> None:
    for name in TOOL_CACHES:
        target = path / name
        if target.is_dir():
            shutil.rmtree(target, ignore_errors=True)
        else:
            target.unlink(missing_ok=True)
    if envs:
        shutil.rmtree(path / ".nox", ignore_errors=True)
        shutil.rmtree(path / ".tox", ignore_errors=True)


Scenario = tuple[str, str, "Callable[[], float]"]
"""(project, label, run) where run returns the wall time of one run."""


def _scenarios(project: Project, base_env: dict[str, str], tox: Path | None) -> list[Scenario]:
    assert project.venv is not None
    floor_env = dict(base_env, PATH=f"{project.venv / 'bin'}{os.pathsep}{base_env['PATH']}")
    nox = [sys.executable, "-m", "nox", "--non-interactive"]
    hand = [*nox, "--default-venv-backend", "uv"]
    pipeline = ["-s", *project.sessions]
    # The start-first session (tests) first, as noxkit registers it, for -j.
    jpipeline = ["-s", "tests", *(s for s in project.sessions if s != "tests")]
    hand_sessions = ["-s", *(s for s in project.sessions if s != "coverage")]
    strict = project.strict

    def timed(commands: list[list[str]], cwd: Path, env: dict[str, str], *, cold: bool) -> float:
        if cold:
            _clean(cwd, envs=True)
        start = time.perf_counter()
        for command in commands:
            _run(command, cwd, env, strict=strict and command[0] != "ruff")
        return time.perf_counter() - start

    c = project.copies
    par = ["-j", "auto", "--allow-parallel"]
    # (label, commands, copy, environment, cold?)
    table: list[tuple[str, list[list[str]], str, dict[str, str], bool]] = [
        ("FLOOR cold (no tool caches)", project.floor, "floor", floor_env, True),
        ("FLOOR warm", project.floor, "floor", floor_env, False),
        ("pytest (plain, preinstalled)", [["pytest", "-q"]], "floor", floor_env, False),
        ("noxkit cold", [[*nox, *pipeline]], "nk-cold", base_env, True),
        ("noxkit -j auto cold", [[*nox, "-j", "auto", *jpipeline]], "nkj-cold", base_env, True),
        ("noxkit warm", [[*nox, *pipeline]], "nk-warm", base_env, False),
        ("noxkit -j auto warm", [[*nox, "-j", "auto", *jpipeline]], "nkj-warm", base_env, False),
        ("hand noxfile cold", [[*hand, *hand_sessions]], "hand-cold", base_env, True),
        ("hand noxfile -j cold", [[*hand, *par, *hand_sessions]], "handj-cold", base_env, True),
        ("hand noxfile warm (-R)", [[*hand, "-R", *hand_sessions]], "hand-warm", base_env, False),
        (
            "hand noxfile -j warm (-R)",
            [[*hand, "-R", *par, *hand_sessions]],
            "handj-warm",
            base_env,
            False,
        ),
        ("nox -l, noxkit", [[*nox, "-l"]], "nk-warm", base_env, False),
        ("nox -l, hand noxfile", [[*nox, "-l"]], "hand-warm", base_env, False),
    ]
    if tox is not None:
        tox_bin = str(tox / "bin" / "tox")
        table += [
            ("tox-uv cold (-r)", [[tox_bin, "-r", "-q"]], "tox-cold", base_env, True),
            (
                "tox-uv -p auto cold (-r)",
                [[tox_bin, "-r", "-q", "-p", "auto"]],
                "tox-cold",
                base_env,
                True,
            ),
            ("tox-uv warm", [[tox_bin, "-q"]], "tox-warm", base_env, False),
        ]

    def scenario(
        commands: list[list[str]], copy: str, env: dict[str, str], cold: bool
    ) -> Callable[[], float]:
        return lambda: timed(commands, c[copy], env, cold=cold)

    out = [(label, scenario(*rest)) for label, *rest in table]
    return [(project.name, label, run) for label, run in out]


def _ratio_base(label: str) -> str:
    if label.startswith("nox -l"):
        return "nox -l, hand noxfile"
    if label.startswith("pytest"):
        return "pytest (plain, preinstalled)"
    return "FLOOR cold (no tool caches)" if "cold" in label else "FLOOR warm"


def main() -> int:
    """Set up, measure round-robin, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="the sample only, 1 run, no tox")
    parser.add_argument(
        "--projects", nargs="+", default=["sample", *REAL_PROJECTS],
        choices=["sample", *REAL_PROJECTS],
    )  # fmt: skip
    parser.add_argument("--no-tox", action="store_true")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--sample-generator", type=Path, default=Path("/work/shared/bench/gen_sample.py")
    )
    args = parser.parse_args()
    if args.quick:
        args.runs, args.projects, args.no_tox = 1, ["sample"], True
    workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="noxkit-bench-"))).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    python = f"{sys.version_info.major}.{sys.version_info.minor}"

    projects: list[Project] = []
    for name in args.projects:
        if name == "sample":
            project = _sample(workdir, args.sample_generator, python)
            _floor_venv(project, ())
        else:
            real = REAL_PROJECTS[name]
            project = _real(workdir, real, python)
            _floor_venv(project, real.test_deps)
        projects.append(project)
    tox = None if args.no_tox else _tox_venv(workdir)

    base_env = {
        k: v for k, v in os.environ.items()
        if k not in {"VIRTUAL_ENV", "CI", "PYTHONDONTWRITEBYTECODE"}
    }  # fmt: skip
    base_env["NO_COLOR"] = "1"
    base_env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{base_env['PATH']}"
    scenarios = [s for p in projects for s in _scenarios(p, base_env, tox)]

    # One untimed round: builds the warm scenarios' environments, warms the tool caches.
    for _, _, run in scenarios:
        run()
    times: dict[tuple[str, str], list[float]] = {(p, label): [] for p, label, _ in scenarios}
    for number in range(args.runs):
        for project_name, label, run in scenarios:
            times[project_name, label].append(run())
        print(f"round {number + 1}/{args.runs} done", file=sys.stderr)

    medians = {key: statistics.median(values) for key, values in times.items()}
    # nox, noxkit and uv run from this Python; the tools from the FLOOR environment.
    tools_python = str(projects[0].venv / "bin" / "python") if projects[0].venv else sys.executable
    versions = {
        name: subprocess.run(
            [python_, "-c", f"import importlib.metadata as m; print(m.version({name!r}))"],
            capture_output=True, text=True, check=False,
        ).stdout.strip()
        for name, python_ in (
            ("noxkit", sys.executable), ("nox", sys.executable), ("uv", sys.executable),
            ("coverage", tools_python), ("pytest", tools_python), ("ruff", tools_python),
            ("mypy", tools_python),
        )
    }  # fmt: skip
    print(f"\n{time.strftime('%Y-%m-%d %H:%M %Z')}; {platform.platform()}, {os.cpu_count()} CPUs;")
    print(
        f"Python {platform.python_version()}; " + ", ".join(f"{k} {v}" for k, v in versions.items())
    )
    print(f"medians of {args.runs} round-robin runs; PYTHONDONTWRITEBYTECODE unset\n")
    for project in projects:
        print(f"### {project.name}\n\n| scenario | median | ratio | runs |\n|---|---:|---:|---|")
        for project_name, label, _ in scenarios:
            if project_name != project.name:
                continue
            value = medians[project_name, label]
            base_label = _ratio_base(label)
            base = medians[project_name, base_label]
            runs = ", ".join(f"{t:.2f}" for t in times[project_name, label])
            print(f"| {label} | {value:.2f}s | {value / base:.2f}x {base_label} | {runs} |")
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
