"""The pure parts of build and smoke: wheel contents, sdist/wheel parity, the manifest."""

from __future__ import annotations

import io
import tarfile
import zipfile

import pytest

from noxkit._formats.artifacts import (
    ManifestError,
    artifact_project,
    console_scripts,
    parity_problems,
    read_manifest,
    read_metadata,
    sdist_files,
    top_level_names,
    verify_manifest,
    wheel_files,
    wheel_problems,
    write_manifest,
)

INFO = "pkg-1.0.dist-info"
GOOD_WHEEL = [
    "pkg/__init__.py",
    "pkg/sub/__init__.py",
    "pkg/py.typed",
    f"{INFO}/METADATA",
    f"{INFO}/WHEEL",
    f"{INFO}/RECORD",
]
GOOD_SDIST = [
    "pyproject.toml",
    "README.md",
    "PKG-INFO",
    "src/pkg/__init__.py",
    "src/pkg/sub/__init__.py",
    "src/pkg/py.typed",
    "tests/test_pkg.py",
]


def make_wheel(path, members: dict[str, str]):
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return path


def make_sdist(path, members: list[str]):
    with tarfile.open(path, "w:gz") as tf:
        for name in members:
            data = b"x"
            info = tarfile.TarInfo(f"pkg-1.0/{name}")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


class TestWheelContents:
    def test_clean_wheel_has_no_problem(self):
        """A wheel with a package, METADATA and RECORD passes."""
        assert wheel_problems(GOOD_WHEEL) == []

    def test_bytecode_is_reported(self):
        """__pycache__ and .pyc files in a wheel are reported."""
        problems = wheel_problems([*GOOD_WHEEL, "pkg/__pycache__/__init__.cpython-311.pyc"])
        assert len(problems) == 1
        assert "byte-compiled files" in problems[0]
        assert "pkg/__pycache__/__init__.cpython-311.pyc" in problems[0]

    def test_duplicate_is_reported(self):
        """A member stored twice is reported by name."""
        assert wheel_problems([*GOOD_WHEEL, "pkg/__init__.py"]) == [
            "pkg/__init__.py is in the wheel twice"
        ]

    def test_empty_package_is_reported(self):
        """A wheel with only metadata holds no module."""
        problems = wheel_problems([f"{INFO}/METADATA", f"{INFO}/RECORD"])
        assert problems == ["the wheel holds no Python module: the package is empty"]

    def test_top_level_tests_is_reported(self):
        """A top-level tests package would clash in site-packages."""
        problems = wheel_problems([*GOOD_WHEEL, "tests/__init__.py"])
        assert problems == [
            "top-level 'tests' would be installed into site-packages, shared by every project"
        ]

    def test_missing_record_is_reported(self):
        """A wheel without RECORD is reported."""
        assert wheel_problems([m for m in GOOD_WHEEL if not m.endswith("RECORD")]) == [
            f"the wheel has no {INFO}/RECORD"
        ]

    def test_top_level_names(self):
        """Packages, modules, extensions and purelib data count; metadata and scripts do not."""
        files = [
            *GOOD_WHEEL,
            "single.py",
            "_speed.cpython-311-x86_64-linux-gnu.so",
            "pkg-1.0.data/purelib/extra/__init__.py",
            "pkg-1.0.data/scripts/tool",
        ]
        assert top_level_names(files) == ["_speed", "extra", "pkg", "single"]


class TestParity:
    def test_matching_artifacts_pass(self):
        """Every wheel file is in the sdist and every package file in the wheel."""
        assert parity_problems(GOOD_WHEEL, GOOD_SDIST) == []

    def test_file_only_in_the_wheel_is_reported(self):
        """A wheel file the sdist lacks is reported by its path."""
        problems = parity_problems([*GOOD_WHEEL, "pkg/generated.py"], GOOD_SDIST)
        assert problems == ["pkg/generated.py is in the wheel but not in the sdist"]

    def test_module_missing_from_the_wheel_is_reported(self):
        """A module of the package in the sdist that the wheel lacks is reported."""
        problems = parity_problems(GOOD_WHEEL, [*GOOD_SDIST, "src/pkg/sub/extra.py"])
        assert problems == [
            "src/pkg/sub/extra.py is in the sdist but not in the wheel (as pkg/sub/extra.py)"
        ]

    def test_ignore_list_applies_both_ways(self):
        """Ignored globs are not reported, in either direction."""
        wheel = [*GOOD_WHEEL, "pkg/_speed.so"]
        sdist = [*GOOD_SDIST, "src/pkg/_speed.c"]
        assert len(parity_problems(wheel, sdist)) == 2
        assert parity_problems(wheel, sdist, ignore=["*.so", "*.c"]) == []

    def test_flat_layout(self):
        """Without a src folder, the package root is the sdist root."""
        sdist = ["pyproject.toml", "pkg/__init__.py", "pkg/sub/__init__.py", "pkg/py.typed"]
        assert parity_problems(GOOD_WHEEL, sdist) == []
        assert parity_problems(GOOD_WHEEL, [*sdist, "pkg/data.json"]) == [
            "pkg/data.json is in the sdist but not in the wheel (as pkg/data.json)"
        ]

    def test_expected_package_missing_everywhere(self):
        """A package the project declares that neither artifact has is reported."""
        assert parity_problems(GOOD_WHEEL, GOOD_SDIST, packages=["other"]) == [
            "package 'other' is in neither the wheel nor the sdist"
        ]

    def test_bytecode_in_the_sdist_is_not_required_in_the_wheel(self):
        """Caches in the sdist are not demanded from the wheel."""
        sdist = [*GOOD_SDIST, "src/pkg/__pycache__/__init__.cpython-311.pyc"]
        assert parity_problems(GOOD_WHEEL, sdist) == []


class TestArchives:
    def test_reads_wheel_and_sdist(self, tmp_path):
        """Member lists, metadata and console scripts come from the real archives."""
        wheel = make_wheel(
            tmp_path / "pkg-1.0-py3-none-any.whl",
            {
                "pkg/__init__.py": "",
                f"{INFO}/METADATA": "Metadata-Version: 2.4\nName: pkg\nVersion: 1.0\n"
                "Requires-Python: >=3.10\nLicense-Expression: MIT\n\nLong text.\n",
                f"{INFO}/entry_points.txt": "[console_scripts]\npkg = pkg.cli:main\n\n"
                "[other]\nx = y:z\n",
            },
        )
        sdist = make_sdist(tmp_path / "pkg-1.0.tar.gz", ["src/pkg/__init__.py", "PKG-INFO"])
        assert wheel_files(wheel)[0] == "pkg/__init__.py"
        assert sorted(sdist_files(sdist)) == ["PKG-INFO", "src/pkg/__init__.py"]
        meta = read_metadata(wheel)
        assert meta.line() == "pkg 1.0, requires-python >=3.10, license MIT"
        assert console_scripts(wheel) == [("pkg", "pkg.cli:main")]

    def test_metadata_missing(self, tmp_path):
        """A wheel without METADATA is a ValueError naming the wheel."""
        wheel = make_wheel(tmp_path / "pkg-1.0-py3-none-any.whl", {"pkg/__init__.py": ""})
        with pytest.raises(ValueError, match=r"pkg-1\.0-py3-none-any\.whl has no"):
            read_metadata(wheel)

    @pytest.mark.parametrize(
        ("filename", "project"),
        [
            ("My_Pkg-1.0-py3-none-any.whl", "my-pkg"),
            ("my_pkg-1.0.tar.gz", "my-pkg"),
            ("My.Pkg-1.0.tar.gz", "my-pkg"),
            ("SHA256SUMS", None),
            ("notes.txt", None),
        ],
    )
    def test_artifact_project(self, filename, project):
        """Artifact file names map to normalised project names; other files to None."""
        assert artifact_project(filename) == project


class TestManifest:
    def test_round_trip(self, tmp_path):
        """A written manifest verifies, in sha256sum format."""
        a = tmp_path / "pkg-1.0.tar.gz"
        a.write_bytes(b"sdist")
        b = tmp_path / "pkg-1.0-py3-none-any.whl"
        b.write_bytes(b"wheel")
        manifest = write_manifest(tmp_path, [a, b])
        lines = manifest.read_text().splitlines()
        assert lines[0].endswith("  pkg-1.0-py3-none-any.whl")
        assert len(lines[0].split()[0]) == 64
        assert verify_manifest(manifest) == {a.name: a, b.name: b}

    def test_tampered_file_is_named(self, tmp_path):
        """A file changed after the manifest was written is named."""
        a = tmp_path / "pkg-1.0-py3-none-any.whl"
        a.write_bytes(b"wheel")
        manifest = write_manifest(tmp_path, [a])
        a.write_bytes(b"wheel!")
        with pytest.raises(ManifestError, match=r"pkg-1\.0-py3-none-any\.whl does not match"):
            verify_manifest(manifest)

    def test_missing_file_is_named(self, tmp_path):
        """A listed file that is gone is named, with the folder."""
        a = tmp_path / "pkg-1.0-py3-none-any.whl"
        a.write_bytes(b"wheel")
        manifest = write_manifest(tmp_path, [a])
        a.unlink()
        with pytest.raises(ManifestError, match=r"pkg-1\.0-py3-none-any\.whl is listed in"):
            verify_manifest(manifest)

    @pytest.mark.parametrize(
        "text", ["", "abc  pkg.whl\n", f"{'0' * 64}  ../evil.whl\n", f"{'0' * 64} pkg.whl\n"]
    )
    def test_malformed_manifest(self, tmp_path, text):
        """Empty, short-digest, path-escaping and single-space lines are refused."""
        path = tmp_path / "SHA256SUMS"
        path.write_text(text)
        with pytest.raises(ManifestError):
            read_manifest(path)

    def test_no_manifest(self, tmp_path):
        """A missing manifest is a ManifestError naming the path."""
        with pytest.raises(ManifestError, match="no manifest at"):
            read_manifest(tmp_path / "SHA256SUMS")


class TestLongDescription:
    @pytest.mark.parametrize(
        ("metadata", "expected"),
        [
            ("Name: pkg\nVersion: 1.0\n\nLong text.\n", True),
            ("Name: pkg\nVersion: 1.0\nDescription: Long text.\n", True),
            ("Name: pkg\nVersion: 1.0\n", False),
            ("Name: pkg\nVersion: 1.0\n\n\n", False),
        ],
    )
    def test_long_description_is_read_from_the_body_or_the_header(
        self, tmp_path, metadata, expected
    ):
        """An empty README gives a wheel whose METADATA has no description: build names it."""
        wheel = make_wheel(
            tmp_path / "pkg-1.0-py3-none-any.whl",
            {"pkg/__init__.py": "", f"{INFO}/METADATA": "Metadata-Version: 2.4\n" + metadata},
        )
        assert read_metadata(wheel).long_description is expected
