"""Project discovery: layout, package, Pythons and dependencies read from the project."""

from __future__ import annotations

from noxkit import load_config
from noxkit._plan.project import inspect_project


def _project(tmp_path, pyproject: str, files: tuple[str, ...] = ()):
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    for rel in files:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")
    return tmp_path


class TestDiscovery:
    def test_src_layout_from_distribution_name(self, tmp_path):
        """`my-lib` is found at src/my_lib."""
        root = _project(tmp_path, '[project]\nname = "my-lib"\n', ("src/my_lib/__init__.py",))
        project = inspect_project(load_config(root))
        assert project.packages == ("my_lib",)
        assert project.package_paths == ("src/my_lib",)

    def test_flat_layout(self, tmp_path):
        """A flat layout package is found at the root."""
        root = _project(tmp_path, '[project]\nname = "flat"\n', ("flat/__init__.py",))
        assert inspect_project(load_config(root)).package_paths == ("flat",)

    def test_single_module(self, tmp_path):
        """A single-module project (flit style) is found as a .py file."""
        root = _project(tmp_path, '[project]\nname = "solo"\n', ("solo.py",))
        assert inspect_project(load_config(root)).package_paths == ("solo.py",)
        assert inspect_project(load_config(root)).packages == ("solo",)

    def test_flit_module_name(self, tmp_path):
        """[tool.flit.module] name wins over the distribution name."""
        root = _project(
            tmp_path,
            '[project]\nname = "dist-name"\n[tool.flit.module]\nname = "realmod"\n',
            ("src/realmod/__init__.py",),
        )
        assert inspect_project(load_config(root)).packages == ("realmod",)

    def test_hatch_declared_packages(self, tmp_path):
        """Hatch's wheel packages list is used as declared."""
        root = _project(
            tmp_path,
            '[project]\nname = "x"\n[tool.hatch.build.targets.wheel]\npackages = ["lib/y"]\n',
            ("lib/y/__init__.py",),
        )
        assert inspect_project(load_config(root)).package_paths == ("lib/y",)

    def test_setuptools_declared_packages(self, tmp_path):
        """setuptools' packages list is used, ignoring sub-packages."""
        root = _project(
            tmp_path,
            '[project]\nname = "x"\n[tool.setuptools]\npackages = ["pkg_a", "pkg_a.sub"]\n',
            ("pkg_a/__init__.py", "pkg_a/sub/__init__.py"),
        )
        assert inspect_project(load_config(root)).package_paths == ("pkg_a",)

    def test_src_scan_when_names_differ(self, tmp_path):
        """A src folder with a differently named package is scanned."""
        root = _project(tmp_path, '[project]\nname = "x"\n', ("src/other/__init__.py",))
        assert inspect_project(load_config(root)).package_paths == ("src/other",)

    def test_flat_scan_skips_tests_and_docs(self, tmp_path):
        """The flat scan ignores tests/, docs/ and friends."""
        root = _project(
            tmp_path,
            '[project]\nname = "x"\n',
            ("tests/__init__.py", "docs/__init__.py", "realpkg/__init__.py"),
        )
        assert inspect_project(load_config(root)).package_paths == ("realpkg",)

    def test_configured_package(self, tmp_path):
        """[tool.noxkit] package overrides discovery and is located in the layout."""
        root = _project(
            tmp_path,
            '[project]\nname = "x"\n[tool.noxkit]\npackage = "y"\n',
            ("src/y/__init__.py", "src/x/__init__.py"),
        )
        project = inspect_project(load_config(root))
        assert project.packages == ("y",)
        assert project.package_paths == ("src/y",)


class TestSingleModuleDiscovery:
    def test_src_module_with_another_name(self, tmp_path):
        """`src/mymod.py` is found even when the distribution is named otherwise."""
        root = _project(tmp_path, '[project]\nname = "my-tool"\n', ("src/mymod.py",))
        project = inspect_project(load_config(root))
        assert (project.packages, project.package_paths) == (("mymod",), ("src/mymod.py",))

    def test_the_one_flat_module(self, tmp_path):
        """A flat project's single module is found; noxfile.py and setup.py are not it."""
        files = ("mymod.py", "noxfile.py", "setup.py", "conftest.py")
        root = _project(tmp_path, '[project]\nname = "my-tool"\n', files)
        assert inspect_project(load_config(root)).package_paths == ("mymod.py",)

    def test_several_flat_scripts_are_no_guess(self, tmp_path):
        """Two candidate modules at a flat root: no guess (doctor asks for `package`)."""
        root = _project(tmp_path, '[project]\nname = "my-tool"\n', ("a.py", "b.py"))
        assert inspect_project(load_config(root)).package_paths == ()
