"""Single-module distributions and every shipped module (issue 13, items 8 and 13). Pure."""

from __future__ import annotations

from noxkit._formats.artifacts import module_names, parity_problems

WHEEL_META = ["mod-1.0.dist-info/METADATA", "mod-1.0.dist-info/RECORD"]


class TestModuleParity:
    def test_a_module_in_both_artifacts_is_present(self):
        """The issue's minimal case: `mod.py` in the wheel and the sdist is no problem."""
        assert (
            parity_problems(["mod.py", *WHEEL_META], ["mod.py", "PKG-INFO"], packages=["mod"]) == []
        )

    def test_a_src_layout_module_is_present(self):
        """`src/mod.py` in the sdist installs as `mod.py`."""
        problems = parity_problems(
            ["mod.py", *WHEEL_META], ["src/mod.py", "pyproject.toml"], packages=["mod"]
        )
        assert problems == []

    def test_a_module_only_the_sdist_has_is_named(self):
        """A module the wheel left out names the sdist file, not 'neither'."""
        problems = parity_problems(WHEEL_META, ["src/mod.py", "PKG-INFO"], packages=["mod"])
        assert problems == ["src/mod.py is in the sdist but not in the wheel (as mod.py)"]

    def test_an_extension_module_is_present(self):
        """A compiled single module (`mod.cpython-311-x86_64-linux-gnu.so`) counts."""
        wheel = ["mod.cpython-311-x86_64-linux-gnu.so", *WHEEL_META]
        assert parity_problems(wheel, ["mod.c"], packages=["mod"], ignore=["*.so", "*.c"]) == []

    def test_a_missing_package_is_still_named(self):
        """Nothing under that name anywhere: the old message stays."""
        assert parity_problems(WHEEL_META, ["PKG-INFO"], packages=["mod"]) == [
            "package 'mod' is in neither the wheel nor the sdist"
        ]


class TestModuleNames:
    def test_every_module_packages_first(self):
        """Packages, submodules, extensions and single modules, parents before children."""
        files = [
            "p/a/b.py", "p/__init__.py", "p/a/__init__.py", "m.py",
            "p/_c.cpython-311-x86_64-linux-gnu.so", "p-1.dist-info/RECORD",
        ]  # fmt: skip
        assert module_names(files) == ["m", "p", "p._c", "p.a", "p.a.b"]

    def test_main_data_caches_and_non_identifiers_are_left_out(self):
        """`__main__` runs a program when imported; data and odd paths are not modules."""
        files = [
            "p/__init__.py", "p/__main__.py", "p/data/x-y.py", "p/t.txt",
            "p/__pycache__/a.cpython-311.pyc", "p-1.data/scripts/tool.py",
        ]  # fmt: skip
        assert module_names(files) == ["p"]

    def test_excluded_globs(self):
        """`skip-imports` globs leave out modules that need an optional dependency."""
        files = ["p/__init__.py", "p/contrib/__init__.py", "p/contrib/x.py", "p/core.py"]
        assert module_names(files, ["p.contrib*"]) == ["p", "p.core"]

    def test_purelib_data_modules_are_importable(self):
        """Modules installed from `.data/purelib` are shipped modules too."""
        assert module_names(["p-1.data/purelib/q.py"]) == ["q"]
