"""The `lock` session and installs from the lock, on real fixture projects with real nox and uv."""

from __future__ import annotations

import re

import pytest
from locks import installed_dists, locked_pins

from noxkit._config.toml import tomllib

pytestmark = pytest.mark.integration

# Installer plumbing a virtualenv environment starts with; not part of any lock.
_SEEDED = {"pip", "setuptools", "wheel"}


def _lock(project, *args: str):
    run = project.nox("-s", "lock", "--", *args)
    assert run.returncode == 0, run
    return run


def _one_line_error(run) -> str:
    assert "Traceback" not in run.output, run
    lines = [ln for ln in run.output.splitlines() if ln.startswith("noxkit: error:")]
    assert len(lines) == 1, run
    return lines[0]


class TestLockSession:
    def test_two_folders_give_byte_identical_locks(self, make_lock_project):
        """Locking the same project in two different folders writes the same bytes."""
        first = make_lock_project("one")
        second = make_lock_project("elsewhere/two")
        _lock(first)
        _lock(second)
        text = first.read("noxkit.lock")
        assert text == second.read("noxkit.lock")
        assert str(first.path) not in text
        assert "--hash" not in text  # hashes live in [[package]] tables, one per release
        assert re.search(r'^hashes = \[\n    "sha256:[0-9a-f]{64}",', text, re.MULTILINE)

    def test_check_names_a_new_group_dependency_then_refresh_passes(self, make_lock_project):
        """A new group dependency makes --check and CI sessions fail naming it; lock refreshes."""
        project = make_lock_project()
        _lock(project)
        assert "is up to date" in _lock(project, "--check").output
        project.replace("pyproject.toml", 'test = ["pytest"]', 'test = ["pytest", "freezegun"]')
        # No network: an unreachable proxy and uv's offline mode change nothing for --check.
        offline = {
            "UV_OFFLINE": "1",
            "HTTPS_PROXY": "http://127.0.0.1:9",
            "HTTP_PROXY": "http://127.0.0.1:9",
        }
        check = project.nox("-s", "lock", "--", "--check", env=offline)
        assert check.returncode == 1, check
        expected = (
            "noxkit.lock is stale: dependency group `test` changed: +freezegun; "
            "session `tests` changed: +freezegun; session `typecheck` changed: +freezegun. "
            "Refresh it with `nox -s lock` and commit it"
        )
        assert expected in check.output, check
        # In CI a stale lock fails the session (locally it is refreshed: test_adoption).
        tests = project.nox("-s", "tests", env={"CI": "true"})
        assert tests.returncode == 1, tests
        assert expected in tests.output, tests
        assert "(STALE)" in tests.output, tests
        doctor = project.noxkit("doctor", env=offline)
        assert doctor.returncode == 1, doctor
        assert f"  - {expected}" in doctor.output, doctor
        _lock(project)
        assert "freezegun==" in project.read("noxkit.lock")
        assert "is up to date" in _lock(project, "--check").output

    def test_check_setting_makes_the_session_a_gate(self, make_lock_project):
        """[tool.noxkit.lock] check = true makes `nox -s lock` check instead of write."""
        project = make_lock_project()
        project.append("pyproject.toml", "\n[tool.noxkit.lock]\ncheck = true\n")
        run = project.nox("-s", "lock")
        assert run.returncode == 1, run
        assert "no lockfile at noxkit.lock: create it with `nox -s lock`" in run.output, run
        assert not (project.path / "noxkit.lock").exists()

    def test_exclude_newer_refuses_younger_releases(self, make_lock_project):
        """A 2025-09-01 cut-off locks iniconfig 2.1.0 (2025-03), not 2.3.0 (late 2025)."""
        project = make_lock_project()
        project.append("pyproject.toml", '\n[tool.noxkit.lock]\nexclude-newer = "2025-09-01"\n')
        _lock(project)
        assert locked_pins(project, "tests")["iniconfig"] == "2.1.0"
        # A later cut-off keeps the existing pin (no silent upgrade) until asked to upgrade it.
        project.replace("pyproject.toml", '"2025-09-01"', '"2026-01-01"')
        _lock(project)
        assert locked_pins(project, "tests")["iniconfig"] == "2.1.0"
        _lock(project, "--upgrade-package", "iniconfig")
        assert locked_pins(project, "tests")["iniconfig"] == "2.3.0"


class TestInstallFromLock:
    @pytest.mark.parametrize("backend", ["uv", "virtualenv"])
    def test_sessions_get_exactly_the_locked_versions(self, make_lock_project, backend):
        """tests installs exactly the lock's pins (plus the project), with either backend."""
        project = make_lock_project()
        project.replace(
            "pyproject.toml", "[tool.noxkit]\n", f'[tool.noxkit]\nvenv-backend = "{backend}"\n'
        )
        _lock(project)
        run = project.nox("-s", "tests")
        assert run.returncode == 0, run
        assert "--require-hashes --no-deps -r" in run.output, run
        digest = tomllib.loads(project.read("noxkit.lock"))["digest"]
        assert f"lock: noxkit.lock {digest} (fresh)" in run.output, run
        installed = installed_dists(project, "tests-3-11")
        installed.pop("srcpkg")
        for name in _SEEDED:
            installed.pop(name, None)
        assert installed == locked_pins(project, "tests")

    @pytest.mark.parametrize("backend", ["uv", "virtualenv"])
    def test_tampered_hash_fails_and_leaves_no_environment(self, make_lock_project, backend):
        """A wrong hash fails the install naming the package and both hashes; env removed."""
        project = make_lock_project()
        project.replace(
            "pyproject.toml", "[tool.noxkit]\n", f'[tool.noxkit]\nvenv-backend = "{backend}"\n'
        )
        _lock(project)
        text = project.read("noxkit.lock")
        block_start = text.index('name = "iniconfig"')
        block_end = text.find("[[package]]", block_start)
        block = text[block_start : block_end if block_end > 0 else len(text)]
        tampered = re.sub(r'"sha256:[0-9a-f]', '"sha256:f', block)
        tampered = re.sub(r'"sha256:f', '"sha256:e', tampered) if tampered == block else tampered
        project.write("noxkit.lock", text.replace(block, tampered))
        run = project.nox("-s", "tests")
        assert run.returncode == 1, run
        line = next(ln for ln in run.output.splitlines() if "hash mismatch installing" in ln)
        assert re.search(
            r"iniconfig==[\d.]+: the download has sha256:[0-9a-f]{64}, "
            r"the lock has sha256:[0-9a-f]{64}",
            line,
        ), run
        assert line.endswith("the environment was removed"), run
        assert not (project.path / ".nox" / "tests-3-11").exists()

    def test_hostile_outer_settings_are_ignored_and_said(self, make_lock_project, tmp_path):
        """UV_CONSTRAINT / PIP_CONSTRAINT / UV_INDEX_URL from the shell do not change installs."""
        project = make_lock_project()
        _lock(project)
        constraints = tmp_path / "constraints.txt"
        constraints.write_text("ruff==0.6.0\n", encoding="utf-8")
        hostile = {
            "UV_CONSTRAINT": str(constraints),
            "PIP_CONSTRAINT": str(constraints),
            "UV_INDEX_URL": "http://127.0.0.1:9/simple",
        }
        run = project.nox("-s", "lint", env=hostile)
        assert run.returncode == 0, run
        line = next(ln for ln in run.output.splitlines() if "lock installs ignore outer" in ln)
        for name in hostile:
            assert name in line, run
        assert installed_dists(project, "lint")["ruff"] == locked_pins(project, "lint")["ruff"]

    def test_allowed_outer_settings_are_said(self, make_lock_project):
        """allow-environment passes a setting through, and the header says so."""
        project = make_lock_project()
        project.append(
            "pyproject.toml", '\n[tool.noxkit.lock]\nallow-environment = ["UV_INDEX_URL"]\n'
        )
        _lock(project)
        run = project.nox("-s", "lint", env={"UV_INDEX_URL": "https://pypi.org/simple"})
        assert run.returncode == 0, run
        assert (
            "lock installs honour outer settings ([tool.noxkit.lock] allow-environment): "
            "UV_INDEX_URL" in run.output
        ), run

    def test_missing_requirement_fails_naming_it(self, make_lock_project):
        """With on-stale = warn, a requirement absent from the lock still fails, named."""
        project = make_lock_project()
        project.append("pyproject.toml", '\n[tool.noxkit.lock]\non-stale = "warn"\n')
        _lock(project)
        project.append("pyproject.toml", '\n[tool.noxkit.tests]\ndeps = ["freezegun"]\n')
        run = project.nox("-s", "tests")
        assert run.returncode == 1, run
        assert "noxkit.lock is stale: session `tests` changed: +freezegun" in run.output, run
        assert "installing from it anyway: on-stale = 'warn'" in run.output, run
        assert "requirement 'freezegun' is missing from noxkit.lock" in run.output, run


# Proxies on a closed local port: any request to an index fails at once.
DEAD_NETWORK = {"HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}


class TestOfflineFirst:
    def test_cached_lock_installs_need_no_network(self, make_lock_project):
        """With the locked artifacts in uv's cache, sessions install with no index request."""
        project = make_lock_project()
        _lock(project)
        run = project.nox("-s", "lint", "tests", env=DEAD_NETWORK)
        assert run.returncode == 0, run
        assert "installed from noxkit.lock" in run.output, run
        assert "downloading" not in run.output, run

    def test_cache_miss_falls_back_to_the_index(self, make_lock_project, tmp_path):
        """A cold cache is not an error: the install asks the index and still verifies hashes."""
        project = make_lock_project()
        _lock(project)
        project.append(
            "pyproject.toml", '\n[tool.noxkit.lock]\nallow-environment = ["UV_CACHE_DIR"]\n'
        )
        _lock(project)  # the setting is an input of the lock
        run = project.nox("-s", "lint", env={"UV_CACHE_DIR": str(tmp_path / "empty-cache")})
        assert run.returncode == 0, run
        assert "not every locked artifact is in uv's cache: downloading" in run.output, run
        assert "installed from noxkit.lock" in run.output, run


class TestBrokenLock:
    def test_invalid_syntax_is_one_line_with_path_and_line(self, make_lock_project):
        """A lock broken by hand: one line with path and line, exit 2, nothing run."""
        project = make_lock_project()
        _lock(project)
        project.replace("noxkit.lock", "[sets]", "[sets")
        run = project.nox("-s", "lint")
        assert run.returncode == 2, run
        line = _one_line_error(run)
        assert re.search(r"noxkit\.lock:\d+:\d+: invalid TOML", line), run
        assert "Running session" not in run.output, run

    def test_unpinned_entry_is_refused_before_installing(self, make_lock_project):
        """An entry edited to a range is refused by name, exit 2, before any install."""
        project = make_lock_project()
        _lock(project)
        text = project.read("noxkit.lock")
        pinned = re.search(r'"(ruff==[\d.]+)"', text)
        assert pinned
        project.write("noxkit.lock", text.replace(pinned.group(0), '"ruff>=0.6"'))
        run = project.nox("-s", "lint")
        assert run.returncode == 2, run
        line = _one_line_error(run)
        assert "entry 'ruff>=0.6' of set 'fmt' is not pinned (name==version)" in line, run
        assert re.search(r"noxkit\.lock:\d+: ", line), run
        assert not (project.path / ".nox" / "lint").exists()


class TestFilledAheadFromTheLock:
    def test_a_later_environment_is_filled_from_the_lock_in_the_background(self, make_lock_project):
        """`nox -s lint tests` with a fresh lock (cut off at 2025-09-01, so its pins are not
        the newest releases): `tests`' environment is filled while `lint` runs, and holds
        exactly the lock's pins."""
        project = make_lock_project()
        project.append("pyproject.toml", '\n[tool.noxkit.lock]\nexclude-newer = "2025-09-01"\n')
        _lock(project)
        run = project.nox("-s", "lint", "tests")
        assert run.returncode == 0, run
        assert "using tests-3.11: filled in the background during this run" in run.output, run
        installed = installed_dists(project, "tests-3-11")
        installed.pop("srcpkg")
        for name in _SEEDED:
            installed.pop(name, None)
        assert installed == locked_pins(project, "tests")
        assert installed["iniconfig"] == "2.1.0", installed

    def test_a_stale_lock_is_left_to_the_session(self, make_lock_project):
        """A stale lock is not filled from: the session refreshes it (one line) and installs."""
        project = make_lock_project()
        _lock(project)
        project.replace(
            "pyproject.toml",
            'dependencies = ["iniconfig"]',
            'dependencies = ["iniconfig", "packaging"]',
        )
        run = project.nox("-s", "lint", "tests")
        assert run.returncode == 0, run
        assert "filled in the background" not in run.output.split("Running session tests")[1], run
        assert "noxkit.lock was stale" in run.output, run
        assert "packaging" in installed_dists(project, "tests-3-11"), run
