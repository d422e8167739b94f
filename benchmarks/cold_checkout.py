"""Cold pipeline from a fresh checkout: FLOOR vs noxkit (with and without a lock) vs plain nox.

"Fresh checkout" means no `.nox`, no `.mypy_cache`, no `.coverage` in every scenario, uv's
package cache warm. FLOOR runs the tools preinstalled in one environment. Scenarios run
round-robin and report medians, so a noisy shared machine hits them alike.

    python benchmarks/cold_checkout.py [--runs 4] [--workdir DIR]

Needs nox, uv and noxkit importable by the running Python (the `test` group has them).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GEN = Path(__file__).resolve().parents[2] / "shared" / "bench" / "gen_sample.py"
TOOLS = (
    ["ruff", "check", "."],
    ["ruff", "format", "--check", "."],
    ["mypy", "src"],
    ["coverage", "run", "-m", "pytest", "-q", "--maxfail=1"],
    ["coverage", "report"],
)
PIPELINE = ["-s", "lint", "typecheck", "tests"]


def _clean(project: Path) -> None:
    for name in (".nox", ".mypy_cache", ".ruff_cache", ".pytest_cache"):
        shutil.rmtree(project / name, ignore_errors=True)
    (project / ".coverage").unlink(missing_ok=True)
    (project / "noxkit.lock").unlink(missing_ok=True)


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{result.stdout[-3000:]}{result.stderr[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="noxkit-cold-"))
    project = work / "sample"
    if not project.exists():
        _run([sys.executable, str(GEN), str(project)], work)
    (project / "noxfile_noxkit.py").write_text("import noxkit\n\nnoxkit.register()\n")
    floor_env = work / "floor-env"
    uv = [sys.executable, "-m", "uv"]
    if not floor_env.exists():
        _run([*uv, "venv", "-q", str(floor_env), "--python", sys.executable], work)
        _run([*uv, "pip", "install", "-q", "--python", str(floor_env / "bin" / "python"),
              "ruff", "mypy", "pytest", "coverage", "-e", str(project)], work)  # fmt: skip
    nox = [sys.executable, "-m", "nox"]
    _clean(project)
    _run([*nox, "-f", "noxfile_noxkit.py", "-s", "lock"], project)
    lock = work / "noxkit.lock"
    shutil.move(project / "noxkit.lock", lock)
    floor_vars = dict(os.environ, PATH=f"{floor_env / 'bin'}{os.pathsep}{os.environ['PATH']}")

    def floor() -> None:
        for cmd in TOOLS:
            _run(cmd, project, floor_vars)

    def noxkit(with_lock: bool) -> None:
        if with_lock:
            shutil.copy(lock, project / "noxkit.lock")
        _run([*nox, "-f", "noxfile_noxkit.py", *PIPELINE], project)

    def plain() -> None:
        _run([*nox, "--default-venv-backend", "uv", *PIPELINE], project)

    scenarios = {
        "FLOOR": floor,
        "noxkit": lambda: noxkit(with_lock=False),
        "noxkit + lock": lambda: noxkit(with_lock=True),
        "plain noxfile, uv": plain,
    }
    times: dict[str, list[float]] = {name: [] for name in scenarios}
    for _ in range(args.runs):
        for name, scenario in scenarios.items():
            _clean(project)
            start = time.perf_counter()
            scenario()
            times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"median of {args.runs} rounds, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    for name, value in medians.items():
        print(f"{name:18s} {value:6.2f}s  {value / medians['FLOOR']:.2f}x FLOOR")


if __name__ == "__main__":
    main()
