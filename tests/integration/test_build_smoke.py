"""build and smoke on real fixture projects: real nox, real uv build, twine, mypy."""

from __future__ import annotations

import re

import pytest
from locks import installed_dists, locked_pins

from noxkit._config.toml import tomllib

pytestmark = pytest.mark.integration

CLEAN = [
    ("build-hatchling", "hatchpkg", "hatchpkg-1.2.0-py3-none-any.whl"),
    ("build-setuptools", "setuppkg", "setuppkg-0.3.0-py3-none-any.whl"),
    ("build-flit", "flitpkg", "flitpkg-2.0.1-py3-none-any.whl"),
]


def _no_smoke_requires(project):
    """Let `nox -s smoke` reuse the artifacts in dist/ instead of building first."""
    project.append("pyproject.toml", "\n[tool.noxkit.smoke]\nrequires-build = false\n")


class TestCleanProjects:
    @pytest.mark.parametrize(("fixture", "package", "wheel"), CLEAN)
    def test_build_smoke_passes(self, make_project, fixture, package, wheel):
        """A clean project of each backend passes build and smoke, from the installed wheel."""
        project = make_project(fixture)
        run = project.nox("-s", "build", "smoke")
        assert run.returncode == 0, run
        assert "Session build was successful" in run.output, run
        assert "Session smoke was successful" in run.output, run
        sums = project.read("dist/SHA256SUMS")
        assert re.search(rf"^[0-9a-f]{{64}}  {re.escape(wheel)}$", sums, re.MULTILINE), sums
        assert "twine check " in run.output, run
        assert re.search(rf"metadata: {package} \S+, requires-python >=3\.11, license", run.output)
        # Imported from site-packages, not from the checkout, and from outside it.
        assert re.search(rf"imported {package} from \S+/site-packages/{package}/", run.output)
        assert re.search(rf"nox > {package} --help", run.output), run
        assert f"smoke test of {wheel} passed" in run.output, run
        if fixture == "build-hatchling":
            # The only one that ships py.typed: it is type-checked from outside the checkout.
            assert f"mypy sees the types of {package} (py.typed shipped)" in run.output, run

    def test_virtualenv_backend_builds_with_pypa_build(self, make_project):
        """Without uv as the backend, build falls back to pypa/build with virtualenv."""
        project = make_project("build-hatchling")
        # smoke's mypy check is the same with either backend (test_build_smoke_passes); pip
        # installing mypy would only make this test slow.
        project.append(
            "pyproject.toml",
            '\n[tool.noxkit]\nvenv-backend = "virtualenv"\n'
            "[tool.noxkit.smoke]\ntypecheck = false\n",
        )
        run = project.nox("-s", "build", "smoke")
        assert run.returncode == 0, run
        assert "python -m build --outdir" in run.output, run
        assert "smoke test of hatchpkg-1.2.0-py3-none-any.whl passed" in run.output, run

    def test_sdist_smoke(self, make_project):
        """smoke sdist = true installs the sdist too and runs the same checks."""
        project = make_project("build-setuptools")
        project.append("pyproject.toml", "\n[tool.noxkit.smoke]\nsdist = true\n")
        run = project.nox("-s", "build", "smoke")
        assert run.returncode == 0, run
        assert "smoke test of setuppkg-0.3.0-py3-none-any.whl passed" in run.output, run
        assert "smoke test of setuppkg-0.3.0.tar.gz passed" in run.output, run

    def test_build_from_sdist_and_stale_cleanup(self, make_project):
        """build-from-sdist builds the wheel from the sdist; stale artifacts of the project go."""
        project = make_project("build-hatchling")
        project.append("pyproject.toml", "\n[tool.noxkit.build]\nbuild-from-sdist = true\n")
        project.write("dist/hatchpkg-0.9.0-py3-none-any.whl", "old")
        project.write("dist/otherproject-1.0.tar.gz", "not ours")
        run = project.nox("-s", "build")
        assert run.returncode == 0, run
        assert "--sdist --wheel" not in run.output, run
        assert "removed stale artifact hatchpkg-0.9.0-py3-none-any.whl" in run.output, run
        remaining = sorted(p.name for p in (project.path / "dist").iterdir())
        assert remaining == [
            ".gitignore",  # noxkit's outputs never dirty the tree
            "SHA256SUMS",
            "hatchpkg-1.2.0-py3-none-any.whl",
            "hatchpkg-1.2.0.tar.gz",
            "otherproject-1.0.tar.gz",
        ]

    def test_configured_commands_and_tests_against_the_wheel(self, make_project):
        """Declared commands run, and the tests run against the installed wheel."""
        project = make_project("build-hatchling")
        project.append(
            "pyproject.toml",
            '\n[tool.noxkit.smoke]\ncommands = ["hatchpkg Ada"]\ntests = true\n',
        )
        run = project.nox("-s", "build", "smoke")
        assert run.returncode == 0, run
        assert "Hello, Ada!" in run.output, run
        assert "hatchpkg --help" not in run.output, run
        assert "1 passed" in run.output, run

    def test_tests_cannot_see_the_source_folder(self, make_project):
        """A test that only passes from the checkout fails against the installed wheel."""
        project = make_project("build-hatchling")
        project.write("src/hatchpkg/dev_only.py", "VALUE = 1\n")
        project.append(
            "pyproject.toml",
            '\n[tool.hatch.build.targets.wheel]\nexclude = ["src/hatchpkg/dev_only.py"]\n'
            '[tool.hatch.build.targets.sdist]\nexclude = ["src/hatchpkg/dev_only.py"]\n'
            "[tool.noxkit.smoke]\ntests = true\n",
        )
        project.write(
            "tests/test_dev_only.py",
            "def test_dev_only():\n    import hatchpkg.dev_only\n",
        )
        run = project.nox("-s", "build", "smoke")
        assert run.returncode == 1, run
        assert "No module named 'hatchpkg.dev_only'" in run.output, run
        assert "the test suite failed against the installed wheel" in run.output, run


class TestBrokenArtifacts:
    def test_missing_subpackage_fails_smoke(self, make_project):
        """A wheel that leaves out a subpackage fails smoke naming it and the wheel."""
        project = make_project("wheel-missing-subpackage")
        run = project.nox("-s", "build", "smoke")
        assert run.returncode == 1, run
        assert "Session build was successful" in run.output, run
        assert (
            "`import gappkg` failed with gappkg-1.0.0-py3-none-any.whl installed: "
            "ModuleNotFoundError: No module named 'gappkg.helpers'"
        ) in run.output, run
        assert "Session smoke failed" in run.output, run

    def test_missing_data_file_fails_smoke(self, make_project):
        """A wheel that leaves out a data file the code reads fails smoke naming the file."""
        project = make_project("wheel-missing-data-file")
        run = project.nox("-s", "build", "smoke")
        assert run.returncode == 1, run
        assert re.search(
            r"`import datapkg` failed with datapkg-1\.0\.0-py3-none-any\.whl installed: "
            r"FileNotFoundError: .*site-packages/datapkg/words\.txt",
            run.output,
        ), run

    def test_broken_entry_point_fails_smoke(self, make_project):
        """A console script pointing to a missing function fails smoke naming it."""
        project = make_project("broken-entry-point")
        run = project.nox("-s", "build", "smoke")
        assert run.returncode == 1, run
        assert (
            "entry point 'eppkg-broken = eppkg.cli:mian' of eppkg-1.0.0-py3-none-any.whl "
            "does not resolve: AttributeError"
        ) in run.output, run

    def test_failing_command_is_named(self, make_project):
        """A declared smoke command that fails is named."""
        project = make_project("build-hatchling")
        project.append("pyproject.toml", '\n[tool.noxkit.smoke]\ncommands = ["hatchpkg --nope"]\n')
        run = project.nox("-s", "build", "smoke")
        assert run.returncode == 1, run
        assert "smoke command `hatchpkg --nope` failed" in run.output, run

    def test_tampered_artifact_is_refused(self, make_project):
        """A wheel changed after the build is refused by name and never installed."""
        project = make_project("build-hatchling")
        _no_smoke_requires(project)
        assert project.nox("-s", "build").returncode == 0
        wheel = project.path / "dist/hatchpkg-1.2.0-py3-none-any.whl"
        data = bytearray(wheel.read_bytes())
        data[len(data) // 2] ^= 0xFF
        wheel.write_bytes(bytes(data))
        run = project.nox("-s", "smoke")
        assert run.returncode == 1, run
        assert re.search(
            r"refusing to install: hatchpkg-1\.2\.0-py3-none-any\.whl does not match \S+SHA256SUMS",
            run.output,
        ), run
        assert "pip install" not in run.output, run

    def test_smoke_without_a_build_says_what_to_run(self, make_project):
        """smoke with no manifest fails, saying to build first."""
        project = make_project("build-hatchling")
        _no_smoke_requires(project)
        run = project.nox("-s", "smoke")
        assert run.returncode == 1, run
        assert "SHA256SUMS: build the artifacts first (`nox -s build smoke`)" in run.output, run

    def test_reuses_verified_artifacts(self, make_project):
        """With requires-build = false, smoke installs the artifacts the manifest vouches for."""
        project = make_project("build-hatchling")
        _no_smoke_requires(project)
        assert project.nox("-s", "build").returncode == 0
        run = project.nox("-s", "smoke")
        assert run.returncode == 0, run
        assert "Running session build" not in run.output, run
        assert re.search(r"verified hatchpkg-1\.2\.0-py3-none-any\.whl, \S+ against", run.output)

    def test_file_only_in_the_wheel_fails_parity(self, make_project):
        """A file in the wheel that the sdist lacks fails build, named."""
        project = make_project("build-hatchling")
        project.write("src/hatchpkg/extra.py", "X = 1\n")
        project.append(
            "pyproject.toml",
            '\n[tool.hatch.build.targets.sdist]\nexclude = ["src/hatchpkg/extra.py"]\n',
        )
        run = project.nox("-s", "build", "smoke")
        assert run.returncode == 1, run
        assert "hatchpkg/extra.py is in the wheel but not in the sdist" in run.output, run
        assert "Session build failed" in run.output, run
        assert not (project.path / "dist/SHA256SUMS").exists()

    def test_parity_ignore(self, make_project):
        """parity-ignore silences a file the project knows only the wheel has."""
        project = make_project("build-hatchling")
        project.write("src/hatchpkg/extra.py", "X = 1\n")
        project.append(
            "pyproject.toml",
            '\n[tool.hatch.build.targets.sdist]\nexclude = ["src/hatchpkg/extra.py"]\n'
            '[tool.noxkit.build]\nparity-ignore = ["hatchpkg/extra.py"]\n',
        )
        run = project.nox("-s", "build")
        assert run.returncode == 0, run
        assert "is in the wheel but not in the sdist" not in run.output, run
        assert "sdist/wheel parity OK" in run.output, run
        assert (project.path / "dist/SHA256SUMS").is_file()

    def test_no_build_backend_is_a_configuration_error(self, make_project):
        """A project without a build backend: one clear line, exit 2; lint still works."""
        project = make_project("build-hatchling")
        project.replace(
            "pyproject.toml",
            '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
            "",
        )
        run = project.nox("-s", "build")
        assert run.returncode == 2, run
        assert "Traceback" not in run.output, run
        lines = [ln for ln in run.output.splitlines() if ln.startswith("noxkit: error:")]
        assert len(lines) == 1, run
        assert "pyproject.toml: no build backend" in lines[0]
        assert project.nox("-l").returncode == 0


class TestSmokeFromLock:
    def test_every_install_of_smoke_follows_the_lock(self, make_project):
        """With a lock, smoke's environment is exactly the lock's pins plus the built wheel.

        The lock is cut off at 2025-09-01, so its iniconfig (the wheel's dependency), mypy
        and pytest are older than PyPI's newest: an install that resolves instead of
        following the lock would bring a newer one.
        """
        project = make_project("build-hatchling")
        project.replace(
            "pyproject.toml",
            'requires-python = ">=3.11"\n',
            'requires-python = ">=3.11"\ndependencies = ["iniconfig"]\n',
        )
        # Built before the lock exists: the cut-off's twine cannot read today's wheel metadata.
        assert project.nox("-s", "build").returncode == 0
        project.append(
            "pyproject.toml",
            '\n[tool.noxkit.lock]\nexclude-newer = "2025-09-01"\n'
            "[tool.noxkit.smoke]\ntests = true\nrequires-build = false\n",
        )
        assert project.nox("-s", "lock").returncode == 0
        digest = tomllib.loads(project.read("noxkit.lock"))["digest"]
        run = project.nox("-s", "smoke")
        assert run.returncode == 0, run
        locked = locked_pins(project, "smoke", "smoke:typecheck", "smoke:tests")
        assert locked["iniconfig"] == "2.1.0"  # 2.3.0 is newer, and refused by the cut-off
        assert locked["mypy"].startswith("1.")  # mypy 2 came later
        installed = installed_dists(project, "smoke")
        assert installed.pop("hatchpkg") == "1.2.0"  # the wheel: not in the lock, no deps
        assert installed == locked, run  # mypy and pytest too: the lock's, not the newest
        # ... and the user reads where they came from.
        for stage in ("smoke", "smoke:typecheck", "smoke:tests"):
            assert f"installed from noxkit.lock ({digest}): {stage}\n" in run.output, run
        assert "--require-hashes --no-deps -r" in run.output, run
        assert re.search(
            r"--no-deps --reinstall-package hatchpkg \S+/hatchpkg-1\.2\.0-py3", run.output
        )
        assert "mypy sees the types of hatchpkg (py.typed shipped)" in run.output, run
        assert "1 passed" in run.output, run

    def test_stale_lock_fails_in_ci_and_refreshes_locally(self, make_project):
        """smoke meets a stale lock as every session does, also from outside the checkout."""
        project = make_project("build-hatchling")
        project.append("pyproject.toml", "\n[tool.noxkit.smoke]\ntypecheck = false\n")
        assert project.nox("-s", "lock").returncode == 0
        assert project.nox("-s", "build").returncode == 0
        # mypy for smoke: a new set, and no new build (the artifacts in dist/ are verified).
        project.replace(
            "pyproject.toml", "typecheck = false", "typecheck = true\nrequires-build = false"
        )
        stale = "noxkit.lock is stale: session `smoke:typecheck` added"
        ci = project.nox("-s", "smoke", env={"CI": "true"})
        assert ci.returncode == 1, ci
        assert stale in ci.output, ci
        run = project.nox("-s", "smoke")
        assert run.returncode == 0, run
        assert "noxkit.lock was stale (session `smoke:typecheck` added): refreshed it" in (
            run.output
        ), run
        assert "mypy sees the types of hatchpkg (py.typed shipped)" in run.output, run
        assert "is up to date" in project.nox("-s", "lock", "--", "--check").output
