"""Two runs started close together in one project: never a failure, never a half-built folder.

Issue 13, item 4. nox creates (and may wipe) a session's folder before the session function
runs; the folder lock is taken before that (see ``noxkit._session.envlock``). Twenty rounds
of two real ``nox -s lint`` runs, the second started 0-1.5 s after the first, across every
mix of settings, cold (no folder yet) and warm. ``lint`` installs one tool, so a round takes
a few seconds. Every fifth round uses the virtualenv backend: its slower creation widens the
window the race needs (with uv it is milliseconds), so the test bites on any machine.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.integration

# (reuse, when-busy, cold): every mix; 20 rounds cycle through them.
MIXES = list(itertools.product(("flag", "fingerprint"), ("wait", "fail"), (True, False)))
DELAYS = (0.0, 0.1, 0.3, 0.5, 0.8, 1.0, 1.5, 0.05, 0.2, 1.2)
ROUNDS = 20


def _start(project, log):
    return subprocess.Popen(
        [sys.executable, "-m", "nox", "--non-interactive", "-s", "lint"],
        cwd=project.path,
        env=project.env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _settings(project, base: str, reuse: str, when_busy: str, backend: str) -> None:
    project.write(
        "pyproject.toml",
        f'{base}\n[tool.noxkit]\nvenv-backend = "{backend}"\n'
        f'[tool.noxkit.envs]\nreuse = "{reuse}"\nwhen-busy = "{when_busy}"\n',
    )


def test_two_runs_started_together_never_fail_unexpectedly(make_project, tmp_path):
    """20 rounds of two concurrent runs: with `wait` both pass; with `fail` one may fail fast
    naming the holder; no run sees a folder recreated under it or a half-built environment."""
    project = make_project("src-clean")
    base = project.read("pyproject.toml")
    unexpected = []
    previous = "uv"
    for number in range(ROUNDS):
        reuse, when_busy, cold = MIXES[number % len(MIXES)]
        backend = "virtualenv" if number % 5 == 4 else "uv"
        _settings(project, base, reuse, when_busy, backend)
        if cold or backend != previous:
            shutil.rmtree(project.path / ".nox", ignore_errors=True)
        logs = [tmp_path / f"round{number}-{who}.log" for who in ("first", "second")]
        with logs[0].open("w") as out_a, logs[1].open("w") as out_b:
            first = _start(project, out_a)
            time.sleep(DELAYS[number % len(DELAYS)])
            second = _start(project, out_b)
            codes = [first.wait(timeout=300), second.wait(timeout=300)]
        outputs = [log.read_text() for log in logs]
        for code, output in zip(codes, outputs, strict=True):
            busy = "is in use by PID" in output
            expected = code == 0 or (when_busy == "fail" and code == 1 and busy)
            broken = "Traceback" in output or "recreated by another process" in output
            if not expected or broken:
                where = f"round {number} {backend} {reuse}/{when_busy}/cold={cold}"
                unexpected.append(f"{where}:\n{output}")
        if 0 not in codes:
            unexpected.append(f"round {number}: both runs failed\n{outputs}")
        stamp = json.loads(project.read(".nox/lint/noxkit-stamp.json"))
        assert stamp["fingerprint"]["kind"] == "noxkit-env-stamp"
        assert (project.path / ".nox/lint/bin/ruff").exists()
        previous = backend
    assert not unexpected, "\n\n".join(unexpected)


def test_busy_folder_is_not_touched_before_failing(make_project):
    """With `when-busy = "fail"` and the folder's lock held elsewhere, the run fails naming
    the holder before nox creates anything: the lock comes before nox's own creation."""
    project = make_project("src-clean")
    project.append("pyproject.toml", '\n[tool.noxkit.envs]\nwhen-busy = "fail"\n')
    lock = project.path / ".nox/lint.lock"
    lock.parent.mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(lock)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == b"locked\n"
        run = project.nox("-s", "lint", timeout=120)
    finally:
        holder.communicate(b"")
    assert run.returncode == 1, run
    assert f"is in use by PID {holder.pid} (" in run.output, run
    assert "Creating virtual environment" not in run.output, run
    assert not (project.path / ".nox/lint").exists()


_HOLD = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
os.write(fd, f"{os.getpid()} holder\\n".encode())
print("locked", flush=True)
sys.stdin.read()
"""
